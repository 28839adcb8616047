"""The home page: the site root, the entry to the exhibitions and to the archive."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField

from archive_collections.models import Scientist
from exhibits.bilingual import english_panel

from .base import BasePage, plain_text
from .exhibitions import ExhibitionPage
from .stories import TeacherResourcePage

HOME_EXHIBITIONS = 6
HOME_RESOURCES = 4


class HomePage(BasePage):
    introduction = RichTextField(_("introduction"), blank=True)
    introduction_en = RichTextField(_("introduction in English"), blank=True)
    featured_scientists = models.CharField(
        _("featured scientists"),
        max_length=500,
        blank=True,
        help_text=_("Authority identifiers, separated by commas; shown on the home page."),
    )

    content_panels = BasePage.content_panels + [
        FieldPanel("introduction"),
        FieldPanel("featured_scientists"),
        english_panel("introduction_en"),
    ]
    max_count = 1
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "exhibits.ExhibitionIndexPage",
        "exhibits.StandardPage",
        "exhibits.ScientistStoryPage",
        "exhibits.TeacherResourcePage",
    ]

    class Meta:
        verbose_name = _("home page")

    def description_fallback(self) -> str:
        return plain_text(self.introduction)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        wanted = [s.strip() for s in self.featured_scientists.split(",") if s.strip()]
        scientists = Scientist.objects.select_related("portrait").prefetch_related(
            "disciplines", "names"
        )
        by_id = scientists.filter(identifier__in=wanted).in_bulk(field_name="identifier")
        context["featured_scientists"] = [by_id[i] for i in wanted if i in by_id] or list(
            scientists[:8]
        )
        context["exhibitions"] = (
            ExhibitionPage.objects.live()
            .public()
            .select_related("hero_image", "listing_image")
            .order_by("-first_published_at")[:HOME_EXHIBITIONS]
        )
        context["teacher_resources"] = (
            TeacherResourcePage.objects.live().public().order_by("path")[:HOME_RESOURCES]
        )
        return context
