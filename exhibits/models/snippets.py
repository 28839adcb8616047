"""Reusable snippets shared by exhibit pages."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.search import index


class Credit(index.Indexed, models.Model):
    """A person or organisation credited on exhibitions (curator, designer, lender, funder).

    Kept as a snippet so a name is written once and corrected once for every exhibition that
    credits it; the role is given per exhibition (see ExhibitionCredit)."""

    name = models.CharField(_("name"), max_length=200)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    panels = [FieldPanel("name"), FieldPanel("organisation"), FieldPanel("note")]
    search_fields = [
        index.SearchField("name"),
        index.AutocompleteField("name"),
        index.SearchField("organisation"),
    ]

    class Meta:
        ordering = ["name"]
        verbose_name = _("credit")
        verbose_name_plural = _("credits")

    def __str__(self):
        return f"{self.name}（{self.organisation}）" if self.organisation else self.name
