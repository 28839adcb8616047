"""Admin form rules that panels alone cannot express."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from archive_collections.models import ItemType


class InterviewAdminForm(WagtailAdminModelForm):
    def clean_item(self):
        item = self.cleaned_data.get("item")
        if item is not None and item.item_type != ItemType.ORAL_HISTORY:
            raise ValidationError(
                _(
                    "“%(item)s” is a %(type)s, not an oral history; only oral-history items can "
                    "have an interview. Change the item's type first or choose another item."
                ),
                code="not_oral_history",
                params={"item": item, "type": item.get_item_type_display()},
            )
        return item
