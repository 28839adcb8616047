"""Chooser modals that search with the ORM, so a few characters of a Chinese name or an
identifier fragment find the record (the archive models are not in Wagtail's search index)."""

from functools import reduce
from operator import or_

from django import forms
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.snippets.views.chooser import (
    ChooseResultsView,
    ChooseView,
    SnippetChooserViewSet,
)
from wagtail.snippets.widgets import AdminSnippetChooser

from archive_collections.models import Item, ItemType


def orm_search(queryset, fields, query):
    """Records whose any of `fields` contains `query` (case-insensitive substring)."""
    if not query or not fields:
        return queryset
    return queryset.filter(reduce(or_, (Q(**{f"{f}__icontains": query}) for f in fields)))


class SubstringSearchForm(BaseFilterForm):
    q = forms.CharField(
        label=_("Search term"),
        widget=forms.TextInput(attrs={"placeholder": _("Identifier, name or title")}),
        required=False,
    )
    search_fields: tuple[str, ...] = ()

    def filter(self, objects):
        objects = super().filter(objects)
        query = (self.cleaned_data.get("q") or "").strip()
        if query:
            self.is_searching, self.search_query = True, query
            objects = orm_search(objects, self.search_fields, query).distinct()
        return objects


class SearchableChooseMixin:
    search_fields: tuple[str, ...] = ()

    def get_filter_form_class(self):
        return type(
            "ArchiveChooserSearchForm",
            (SubstringSearchForm,),
            {"search_fields": tuple(self.search_fields)},
        )


class SearchableChooseView(SearchableChooseMixin, ChooseView):
    pass


class SearchableChooseResultsView(SearchableChooseMixin, ChooseResultsView):
    pass


class SearchableSnippetChooserViewSet(SnippetChooserViewSet):
    """A snippet chooser whose search box matches substrings of `search_fields`."""

    choose_view_class = SearchableChooseView
    choose_results_view_class = SearchableChooseResultsView
    search_fields: tuple[str, ...] = ()

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(search_fields=self.search_fields, **kwargs)


class OralHistoryItemChooserWidget(AdminSnippetChooser):
    """Opens the oral-history chooser instead of the general item chooser."""

    def __init__(self, **kwargs):
        super().__init__(model=Item, **kwargs)
        self.choose_one_text = _("Choose an oral-history item")
        self.choose_another_text = _("Choose another oral-history item")

    def get_chooser_modal_url(self):
        return reverse(oral_history_item_chooser.get_url_name("choose"))


class OralHistoryItemChooserViewSet(SearchableSnippetChooserViewSet):
    """Only oral-history items: an Interview describes a recording, nothing else."""

    model = Item
    icon = "microphone"
    register_widget = False  # the general item chooser stays the default for Item fields
    base_widget_class = OralHistoryItemChooserWidget
    search_fields = ("identifier", "title")
    choose_one_text = _("Choose an oral-history item")
    choose_another_text = _("Choose another oral-history item")

    def get_object_list(self):
        return Item.objects.filter(item_type=ItemType.ORAL_HISTORY).select_related("series__fonds")


oral_history_item_chooser = OralHistoryItemChooserViewSet(
    "collections_oral_history_item_chooser", url_prefix="archive/choose-oral-history-item"
)
