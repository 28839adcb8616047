"""Exhibitions: the index of exhibitions, an exhibition, and its chapters."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable

from exhibits.bilingual import english_panel
from exhibits.blocks import RICH_TEXT_FEATURES, ExhibitStreamBlock
from exhibits.classroom import Slide, build_slides, chapter_covers

from .base import BasePage, first_text, plain_text
from .classroom import ClassroomMixin
from .stories import ScientistStoryPage, TeacherResourcePage


class ExhibitionIndexPage(BasePage):
    introduction = RichTextField(_("introduction"), blank=True, features=RICH_TEXT_FEATURES)
    introduction_en = RichTextField(
        _("introduction in English"), blank=True, features=RICH_TEXT_FEATURES
    )

    content_panels = BasePage.content_panels + [
        FieldPanel("introduction"),
        english_panel("introduction_en"),
    ]
    parent_page_types = ["exhibits.HomePage"]
    subpage_types = ["exhibits.ExhibitionPage"]

    class Meta:
        verbose_name = _("exhibition index")

    def description_fallback(self) -> str:
        return plain_text(self.introduction)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["exhibitions"] = (
            ExhibitionPage.objects.child_of(self)
            .live()
            .public()
            .select_related("hero_image", "listing_image")
        )
        return context


class ExhibitionPage(ClassroomMixin, BasePage):
    subtitle = models.CharField(_("subtitle"), max_length=200, blank=True)
    subtitle_en = models.CharField(_("subtitle in English"), max_length=200, blank=True)
    hero_image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("hero image"),
    )
    hero_image_alt = models.CharField(
        _("hero image alt text"),
        max_length=250,
        blank=True,
        help_text=_("Required with a hero image: what it shows."),
    )
    hero_caption = models.CharField(_("hero image caption"), max_length=300, blank=True)
    curators_statement = RichTextField(
        _("curators' statement"), blank=True, features=RICH_TEXT_FEATURES
    )
    curators_statement_en = RichTextField(
        _("curators' statement in English"), blank=True, features=RICH_TEXT_FEATURES
    )
    opening_date = models.DateField(_("opening date"), null=True, blank=True)
    closing_date = models.DateField(
        _("closing date"),
        null=True,
        blank=True,
        help_text=_("Leave blank for a permanent exhibition."),
    )
    body = StreamField(ExhibitStreamBlock(), blank=True, verbose_name=_("introduction"))
    body_en = StreamField(
        ExhibitStreamBlock(), blank=True, verbose_name=_("introduction in English")
    )

    image_alt_fields = BasePage.image_alt_fields + (("hero_image", "hero_image_alt"),)
    archive_stream_fields = ("body", "body_en")

    content_panels = BasePage.content_panels + [
        FieldPanel("subtitle"),
        MultiFieldPanel(
            [FieldPanel("hero_image"), FieldPanel("hero_image_alt"), FieldPanel("hero_caption")],
            heading=_("Hero image"),
        ),
        FieldPanel("curators_statement"),
        FieldRowPanel([FieldPanel("opening_date"), FieldPanel("closing_date")], heading=_("Dates")),
        FieldPanel("body"),
        InlinePanel("credit_links", label=_("Credits"), heading=_("Credits")),
        english_panel("subtitle_en", "curators_statement_en", "body_en"),
    ]
    parent_page_types = ["exhibits.ExhibitionIndexPage"]
    subpage_types = [
        "exhibits.ChapterPage",
        "exhibits.ScientistStoryPage",
        "exhibits.TeacherResourcePage",
    ]

    class Meta:
        verbose_name = _("exhibition")

    def clean(self):
        super().clean()
        if self.opening_date and self.closing_date and self.closing_date < self.opening_date:
            raise ValidationError(
                {"closing_date": _("An exhibition cannot close before it opens.")}
            )

    def description_fallback(self) -> str:
        statement = plain_text(self.curators_statement)
        return statement or first_text(self.body) or plain_text(self.subtitle)

    @property
    def share_image(self):
        return self.listing_image or self.hero_image

    @property
    def share_image_alt(self) -> str:
        return self.listing_image_alt if self.listing_image_id else self.hero_image_alt

    @property
    def is_closed(self) -> bool:
        return bool(self.closing_date and self.closing_date < timezone.localdate())

    def chapters(self):
        return ChapterPage.objects.child_of(self).live().public().specific(defer=True)

    def classroom_slides(self) -> list:
        # The deck ends on the chapters, each opening in classroom mode (exhibits/classroom.py).
        slides = build_slides(self, intro_field="curators_statement", closing=False)
        return [*slides, Slide("chapters", label=str(_("Chapters"))), Slide("end")]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["chapters"] = list(self.chapters())
        # Each chapter's picture on the landing page: its listing image or first picture.
        covers = chapter_covers(context["chapters"], request)
        for chapter in context["chapters"]:
            chapter.cover = covers.get(chapter.pk)
        context["stories"] = ScientistStoryPage.objects.child_of(self).live().public()
        context["resources"] = TeacherResourcePage.objects.child_of(self).live().public()
        context["credits"] = self.credit_links.select_related("credit")
        return context


class ExhibitionCredit(Orderable):
    page = ParentalKey(ExhibitionPage, on_delete=models.CASCADE, related_name="credit_links")
    credit = models.ForeignKey(
        "exhibits.Credit", on_delete=models.PROTECT, related_name="+", verbose_name=_("credit")
    )
    role = models.CharField(_("role"), max_length=100, help_text=_("e.g. 策展, 展陈设计, 资料提供"))

    panels = [FieldPanel("credit"), FieldPanel("role")]

    class Meta(Orderable.Meta):
        verbose_name = _("credit")
        verbose_name_plural = _("credits")


class ChapterPage(ClassroomMixin, BasePage):
    """One chapter of an exhibition: a historical period or a theme."""

    period_label = models.CharField(
        _("period"), max_length=100, blank=True, help_text=_("As shown, e.g. 1949—1956")
    )
    start_year = models.PositiveSmallIntegerField(_("from year"), null=True, blank=True)
    end_year = models.PositiveSmallIntegerField(_("to year"), null=True, blank=True)
    introduction = models.TextField(_("introduction"), blank=True, max_length=1000)
    introduction_en = models.TextField(_("introduction in English"), blank=True, max_length=1500)
    body = StreamField(ExhibitStreamBlock(), blank=True, verbose_name=_("body"))
    body_en = StreamField(ExhibitStreamBlock(), blank=True, verbose_name=_("body in English"))

    archive_stream_fields = ("body", "body_en")

    content_panels = BasePage.content_panels + [
        FieldRowPanel(
            [FieldPanel("period_label"), FieldPanel("start_year"), FieldPanel("end_year")],
            heading=_("Period"),
        ),
        FieldPanel("introduction"),
        FieldPanel("body"),
        english_panel("introduction_en", "body_en"),
    ]
    parent_page_types = ["exhibits.ExhibitionPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("chapter")

    def description_fallback(self) -> str:
        return plain_text(self.introduction) or first_text(self.body)

    @cached_property
    def parent_exhibition(self):
        parent = self.get_parent()
        return parent.specific if parent is not None else None

    # A chapter has no hero image of its own: shared without a listing image it shows the
    # exhibition's image rather than a bare link.
    @property
    def share_image(self):
        if self.listing_image_id or not isinstance(self.parent_exhibition, ExhibitionPage):
            return self.listing_image
        return self.parent_exhibition.share_image

    @property
    def share_image_alt(self) -> str:
        if self.listing_image_id or not isinstance(self.parent_exhibition, ExhibitionPage):
            return self.listing_image_alt
        return self.parent_exhibition.share_image_alt

    def clean(self):
        super().clean()
        if self.start_year and self.end_year and self.end_year < self.start_year:
            raise ValidationError({"end_year": _("A period cannot end before it starts.")})

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        exhibition = self.parent_exhibition
        chapters = list(
            ChapterPage.objects.sibling_of(self)
            .live()
            .public()
            .only("id", "title", "title_en", "path", "url_path", "depth")
        )
        position = next((i for i, c in enumerate(chapters) if c.pk == self.pk), None)
        context["exhibition"] = exhibition
        context["chapters"] = chapters
        if position is not None:
            context["chapter_number"] = position + 1
            context["previous_chapter"] = chapters[position - 1] if position > 0 else None
            context["next_chapter"] = (
                chapters[position + 1] if position + 1 < len(chapters) else None
            )
        return context
