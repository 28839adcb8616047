"""Exhibition page types. The home page is the site root: entry to exhibitions and archive."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page


class HomePage(Page):
    introduction = RichTextField(_("introduction"), blank=True)
    featured_scientists = models.CharField(
        _("featured scientists"), max_length=500, blank=True,
        help_text=_("Authority identifiers, separated by commas; shown on the home page."),
    )

    content_panels = Page.content_panels + [
        FieldPanel("introduction"),
        FieldPanel("featured_scientists"),
    ]
    max_count = 1

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        from archive_collections.models import Scientist

        context = super().get_context(request, *args, **kwargs)
        wanted = [s.strip() for s in self.featured_scientists.split(",") if s.strip()]
        scientists = Scientist.objects.select_related("portrait").prefetch_related("disciplines")
        by_id = scientists.filter(identifier__in=wanted).in_bulk(field_name="identifier")
        context["featured_scientists"] = [by_id[i] for i in wanted if i in by_id] or list(
            scientists[:8]
        )
        return context
