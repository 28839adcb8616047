"""Listing columns that need more than a field's value."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column


class AccessColumn(Column):
    """The access level, with a marker while an embargo hides the record from all but staff."""

    cell_template_name = "collections/admin/access_cell.html"

    def __init__(self, name="access_level", **kwargs):
        kwargs.setdefault("label", _("access"))
        kwargs.setdefault("accessor", "get_access_level_display")
        kwargs.setdefault("sort_key", "access_level")
        super().__init__(name, **kwargs)

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        until = instance.embargo_until
        context["embargo_until"] = until if until and until > timezone.localdate() else None
        return context
