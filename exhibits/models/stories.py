"""Pages that tell one story or serve one audience: scientist stories, teacher resources,
and plain standard pages."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import StreamField

from archive_collections.models import Scientist
from exhibits.bilingual import english_panel
from exhibits.blocks import ActivityBlock, ExhibitStreamBlock, LinkedItemsBlock, WorksheetBlock
from exhibits.classroom import Slide, build_slides

from .base import BasePage, first_text, plain_text
from .classroom import ClassroomMixin


class ScientistStoryPage(ClassroomMixin, BasePage):
    """A narrative about one scientist, built on the Scientist authority record: name, life
    dates, portrait and summary are read live from the record."""

    scientist = models.ForeignKey(
        "collections.Scientist",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("scientist"),
        help_text=_("The authority record this story is about."),
    )
    standfirst = models.TextField(_("standfirst"), blank=True, max_length=600)
    standfirst_en = models.TextField(_("standfirst in English"), blank=True, max_length=900)
    body = StreamField(ExhibitStreamBlock(), blank=True, verbose_name=_("story"))
    body_en = StreamField(ExhibitStreamBlock(), blank=True, verbose_name=_("story in English"))

    archive_stream_fields = ("body", "body_en")

    content_panels = BasePage.content_panels + [
        FieldPanel("scientist"),
        FieldPanel("standfirst"),
        FieldPanel("body"),
        english_panel("standfirst_en", "body_en"),
    ]
    parent_page_types = ["exhibits.ExhibitionPage", "exhibits.HomePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("scientist story")

    def description_fallback(self) -> str:
        return plain_text(self.standfirst) or first_text(self.body)

    def classroom_slides(self) -> list:
        slides = build_slides(self)
        if self.scientist_id:  # the authority record's portrait and dates, after the title
            slides.insert(1, Slide("scientist", label=str(_("The scientist"))))
        return slides

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        if self.scientist_id:
            context["scientist"] = (
                Scientist.objects.select_related("portrait")
                .prefetch_related("disciplines", "honours")
                .filter(pk=self.scientist_id)
                .first()
            )
        return context


class GradeBand(models.TextChoices):
    PRIMARY = "primary", _("Primary school (小学)")
    JUNIOR = "junior", _("Junior secondary (初中)")
    SENIOR = "senior", _("Senior secondary (高中)")


class TeacherResourcePage(BasePage):
    """A lesson resource for schools, with a worksheet laid out for printing."""

    grade_band = models.CharField(_("grade band"), max_length=10, choices=GradeBand.choices)
    subject = models.CharField(
        pgettext_lazy("school subject", "subject"),
        max_length=60,
        help_text=_("e.g. 物理, 历史, 道德与法治"),
    )
    lesson_minutes = models.PositiveSmallIntegerField(
        _("lesson length (minutes)"), null=True, blank=True
    )
    overview = models.TextField(_("overview"), blank=True, max_length=1000)
    learning_objectives = StreamField(
        [("objective", blocks.CharBlock(label=_("objective"), max_length=300))],
        blank=True,
        verbose_name=_("learning objectives"),
    )
    discussion_questions = StreamField(
        [("question", blocks.CharBlock(label=_("question"), max_length=300))],
        blank=True,
        verbose_name=_("discussion questions"),
    )
    activities = StreamField(
        [("activity", ActivityBlock())], blank=True, verbose_name=_("activities")
    )
    linked_items = StreamField(LinkedItemsBlock(), blank=True, verbose_name=_("archive materials"))
    worksheet_title = models.CharField(_("worksheet title"), max_length=200, blank=True)
    worksheet = StreamField(WorksheetBlock(), blank=True, verbose_name=_("worksheet"))

    archive_stream_fields = ("linked_items", "worksheet")

    content_panels = BasePage.content_panels + [
        FieldRowPanel(
            [FieldPanel("grade_band"), FieldPanel("subject"), FieldPanel("lesson_minutes")],
            heading=_("Audience"),
        ),
        FieldPanel("overview"),
        FieldPanel("learning_objectives"),
        FieldPanel("discussion_questions"),
        FieldPanel("activities"),
        FieldPanel("linked_items"),
        MultiFieldPanel(
            [FieldPanel("worksheet_title"), FieldPanel("worksheet")],
            heading=_("Printable worksheet"),
        ),
        english_panel(),
    ]
    parent_page_types = ["exhibits.ExhibitionPage", "exhibits.HomePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("teacher resource")

    def description_fallback(self) -> str:
        return plain_text(self.overview)


class StandardPage(BasePage):
    body = StreamField(ExhibitStreamBlock(), blank=True, verbose_name=_("body"))

    archive_stream_fields = ("body",)
    content_panels = BasePage.content_panels + [FieldPanel("body"), english_panel()]
    parent_page_types = ["exhibits.HomePage", "exhibits.StandardPage"]
    subpage_types = ["exhibits.StandardPage"]

    class Meta:
        verbose_name = _("standard page")

    def description_fallback(self) -> str:
        return first_text(self.body)
