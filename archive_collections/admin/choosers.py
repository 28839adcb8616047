"""Chooser modals whose search box finds records as the admin listings do (see searching.py:
the product's search engines when the search app is installed, else a substring of the search
fields), and the item chooser, which shows each item's thumbnail, type, date and access level
and filters by type, scientist, fonds, series, years and "has files"."""

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.ui.tables import Column
from wagtail.snippets.views.chooser import (
    ChooseResultsView,
    ChooseView,
    SnippetChooserViewSet,
    SnippetChosenMultipleView,
)
from wagtail.snippets.widgets import AdminSnippetChooser

from archive_collections.models import Fonds, Item, ItemType, Scientist, Series

from .access import (
    AccessFilteredChooseMixin,
    AccessFilteredChooserMixin,
    AccessFilteredChosenMultipleMixin,
)
from .columns import AccessColumn
from .searching import (
    ITEM_FILES_HOOK,
    SearchFilters,
    orm_search,
    registered,
    search_records,
)

__all__ = [
    "ItemChooserViewSet",
    "OralHistoryItemChooserViewSet",
    "SearchableSnippetChooserViewSet",
    "orm_search",
]


class SubstringSearchForm(BaseFilterForm):
    """The chooser's search box; named for what it did before the search app could answer it
    (a substring of `search_fields`, still the answer without that app)."""

    q = forms.CharField(
        label=_("Search term"),
        widget=forms.TextInput(attrs={"placeholder": _("Identifier, name or title")}),
        required=False,
    )
    search_fields: tuple[str, ...] = ()

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def search_filters(self) -> SearchFilters | None:
        """What of the other fields the search engine applies before ranking."""
        return None

    def filter(self, objects):
        objects = super().filter(objects)
        query = (self.cleaned_data.get("q") or "").strip()
        if query:
            self.is_searching, self.search_query = True, query
            objects = search_records(
                objects,
                query,
                self.user,
                self.search_fields,
                by_relevance=True,
                filters=self.search_filters(),
            )
        return objects


class SearchableChooseMixin(AccessFilteredChooseMixin):
    """Search (searching.py) among the records the user may see (access.py)."""

    search_fields: tuple[str, ...] = ()
    filter_form_base: type[SubstringSearchForm] = SubstringSearchForm

    def get_filter_form_class(self):
        return type(
            "ArchiveChooserSearchForm",
            (self.filter_form_base,),
            {"search_fields": tuple(self.search_fields)},
        )

    def get_filter_form(self):
        return self.get_filter_form_class()(self.request.GET, user=self.request.user)


class SearchableChooseView(SearchableChooseMixin, ChooseView):
    pass


class SearchableChooseResultsView(SearchableChooseMixin, ChooseResultsView):
    pass


class ChosenMultipleView(AccessFilteredChosenMultipleMixin, SnippetChosenMultipleView):
    pass


class SearchableSnippetChooserViewSet(AccessFilteredChooserMixin, SnippetChooserViewSet):
    """A snippet chooser whose search box matches substrings of `search_fields`, offering only
    the records the user may see (admin/access.py)."""

    choose_view_class = SearchableChooseView
    choose_results_view_class = SearchableChooseResultsView
    chosen_multiple_view_class = ChosenMultipleView
    search_fields: tuple[str, ...] = ()

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(search_fields=self.search_fields, **kwargs)


class ItemChooserFilterForm(SubstringSearchForm):
    """The item chooser's filters. Type, scientist, fonds and years also narrow the search
    engine's query, so its best matches are taken among the filtered items."""

    item_type = forms.ChoiceField(
        label=_("type"), choices=[("", _("All types")), *ItemType.choices], required=False
    )
    scientist = forms.ModelChoiceField(
        label=_("scientist"), queryset=Scientist.objects.order_by("name_pinyin"), required=False
    )
    fonds = forms.ModelChoiceField(
        label=_("fonds"), queryset=Fonds.objects.order_by("identifier"), required=False
    )
    series = forms.CharField(
        label=_("series"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("Series identifier")}),
    )
    year_from = forms.IntegerField(
        label=_("from year"), required=False, min_value=1, max_value=9999
    )
    year_to = forms.IntegerField(label=_("to year"), required=False, min_value=1, max_value=9999)
    has_files = forms.BooleanField(label=_("has files"), required=False)

    def search_filters(self) -> SearchFilters:
        data = self.cleaned_data
        return SearchFilters(
            item_type=data.get("item_type") or "",
            scientist=data["scientist"].identifier if data.get("scientist") else "",
            fonds=data["fonds"].identifier if data.get("fonds") else "",
            year_from=data.get("year_from"),
            year_to=data.get("year_to"),
        )

    def filter(self, objects):
        data = self.cleaned_data
        if data.get("item_type"):
            objects = objects.filter(item_type=data["item_type"])
        if data.get("scientist"):
            objects = objects.filter(scientists=data["scientist"])
        if data.get("fonds"):
            objects = objects.filter(series__fonds=data["fonds"])
        if (data.get("series") or "").strip():
            series = Series.objects.filter(identifier=data["series"].strip())
            objects = objects.filter(series__in=series)
        if data.get("year_from"):
            # Overlap, as the search page: an item of 1950–1959 is in "from 1955".
            objects = objects.filter(date_end__year__gte=data["year_from"])
        if data.get("year_to"):
            objects = objects.filter(date_start__year__lte=data["year_to"])
        if data.get("has_files"):
            files = registered(ITEM_FILES_HOOK)
            if files is not None:
                objects = files.with_files(objects)
        return super().filter(objects)


class ThumbnailColumn(Column):
    cell_template_name = "collections/admin/thumbnail_cell.html"

    def __init__(self, thumbnails: dict[int, str], **kwargs):
        super().__init__("thumbnail", label=_("thumbnail"), **kwargs)
        self.thumbnails = thumbnails

    def get_value(self, instance):
        return self.thumbnails.get(instance.pk, "")


class ItemChooseMixin(SearchableChooseMixin):
    filter_form_base = ItemChooserFilterForm

    def get_object_list(self):
        return super().get_object_list().select_related("series__fonds")  # type: ignore[misc]

    @property
    def columns(self):
        files = registered(ITEM_FILES_HOOK)
        page = self.results.object_list  # type: ignore[attr-defined]
        thumbnails = files.thumbnails(list(page)) if files else {}
        return [
            ThumbnailColumn(thumbnails, width="1%"),
            *super().columns,  # type: ignore[misc]
            Column("identifier", label=_("identifier")),
            Column("item_type", label=_("type"), accessor="get_item_type_display"),
            Column("date_text", label=_("date (as written)")),
            AccessColumn(sort_key=None),
        ]


class ItemChooseView(ItemChooseMixin, ChooseView):
    pass


class ItemChooseResultsView(ItemChooseMixin, ChooseResultsView):
    pass


class ItemChooserViewSet(SearchableSnippetChooserViewSet):
    """The general item chooser (exhibit blocks, related items): thumbnails and filters."""

    choose_view_class = ItemChooseView
    choose_results_view_class = ItemChooseResultsView


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
    icon = "media"  # Wagtail has no microphone icon; its audio/video one
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
