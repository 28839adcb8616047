"""Admin registrations for exhibits: the Credit snippet, and the item listing's batch action
"Add to an exhibition's reading list" (reading_list.py)."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from . import pickers  # noqa: F401  the region and clip pickers' admin views and scripts
from . import reading_list as batch_reading_list  # noqa: F401  the item listing's batch action
from .models import Credit


class CreditViewSet(SnippetViewSet):
    model = Credit
    icon = "group"
    menu_label = _("Exhibition credits")
    list_display = ["name", "organisation"]
    search_fields = ["name", "organisation"]


register_snippet(CreditViewSet)
