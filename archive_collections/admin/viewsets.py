"""Snippet viewsets for the archive, grouped under one "Archive" menu.

The archive models are not in Wagtail's index (search_backend_name = None): listings and
choosers search through `searching.search_records` — the product's search engines when the
search app registers them (names in every form, identifiers, OCR and transcript text), else a
substring of `search_fields`.
"""

from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.tables import Column
from wagtail.snippets.views.snippets import EditView, SnippetViewSet, SnippetViewSetGroup

from archive_collections.models import (
    Discipline,
    Fonds,
    Interview,
    Item,
    Scientist,
    Series,
    TranscriptSegment,
)

from . import filters, panels
from .access import AccessFilteredViewSetMixin
from .choosers import ItemChooserViewSet, SearchableSnippetChooserViewSet
from .columns import AccessColumn
from .recordings import interview_duration, recording_seconds
from .views import ArchiveIndexView, PrefilledCreateView

ARCHIVE_SUBMENU_HOOK = "register_archive_menu_item"
#: An app above the catalogue may give the Item edit view more than the catalogue knows of (the
#: media pipeline's "Upload files" button, registered by archive_site/wagtail_hooks.py): a
#: function registered under this hook returns a subclass of Wagtail's snippet EditView. The
#: last one registered is used; with none, the Item is edited like any other snippet.
ITEM_EDIT_VIEW_HOOK = "register_archive_item_edit_view"


class ArchiveSnippetViewSet(AccessFilteredViewSetMixin, SnippetViewSet):
    """Shared behaviour: search through searching.py (listing and chooser), pre-fillable add
    form, exports.

    The importable kinds (scientists, fonds, series, items, interviews) export in the importer's
    own columns through ArchiveIndexView, so they declare no list_export here."""

    index_view_class = ArchiveIndexView
    add_view_class = PrefilledCreateView
    chooser_viewset_class = SearchableSnippetChooserViewSet
    search_backend_name = None
    list_per_page = 50
    chooser_search_fields: tuple[str, ...] = ()

    @property
    def chooser_viewset(self):
        return self.chooser_viewset_class(
            self.get_chooser_admin_url_namespace(),
            model=self.model,
            url_prefix=self.get_chooser_admin_base_path(),
            icon=self.icon,
            per_page=self.chooser_per_page,
            search_fields=self.chooser_search_fields or self.search_fields,
        )


def count_column(name, label):
    return Column(name, label=label, sort_key=name)


class ScientistViewSet(ArchiveSnippetViewSet):
    model = Scientist
    icon = "user"
    edit_handler = panels.scientist_edit_handler
    list_display = [
        "name",
        "identifier",
        "name_pinyin",
        Column("life_dates", label=_("life dates")),
        Column(
            "discipline_names",
            label=_("disciplines"),
            accessor=lambda s: "、".join(d.name for d in s.disciplines.all()),
        ),
        count_column("fonds_count", _("fonds")),
    ]
    filterset_class = filters.ScientistFilterSet
    search_fields = ["name", "name_pinyin", "identifier", "names__name"]
    ordering = ["name_pinyin", "name"]

    def get_queryset(self, request):
        return Scientist.objects.prefetch_related("disciplines").annotate(
            fonds_count=Count("fonds", distinct=True)
        )


class FondsViewSet(ArchiveSnippetViewSet):
    model = Fonds
    icon = "folder-inverse"
    edit_handler = panels.fonds_edit_handler
    list_display = [
        "title",
        "identifier",
        "scientist",
        "date_text",
        "extent",
        count_column("series_count", _("series")),
    ]
    filterset_class = filters.FondsFilterSet
    search_fields = ["identifier", "title", "scientist__name"]
    ordering = "identifier"

    def get_queryset(self, request):
        return Fonds.objects.select_related("scientist").annotate(
            series_count=Count("series", distinct=True)
        )


class SeriesViewSet(ArchiveSnippetViewSet):
    model = Series
    icon = "folder-open-1"
    edit_handler = panels.series_edit_handler
    list_display = [
        "title",
        "identifier",
        "level",
        Column(
            "fonds", label=_("fonds"), accessor="fonds.identifier", sort_key="fonds__identifier"
        ),
        Column("parent", label=_("parent series"), accessor="parent.identifier"),
        Column("date_text", label=_("date (as written)"), sort_key="date_start"),
        count_column("item_count", _("items")),
    ]
    filterset_class = filters.SeriesFilterSet
    search_fields = ["identifier", "title"]
    ordering = ["fonds__identifier", "position", "identifier"]

    def get_queryset(self, request):
        return Series.objects.select_related("fonds", "parent").annotate(
            item_count=Count("items", distinct=True)
        )


class ItemViewSet(ArchiveSnippetViewSet):
    model = Item
    icon = "doc-full"
    edit_handler = panels.item_edit_handler
    list_display = [
        "title",
        "identifier",
        "item_type",
        Column("date_text", label=_("date (as written)"), sort_key="date_start"),
        AccessColumn(),
        Column(
            "fonds",
            label=_("fonds"),
            accessor="series.fonds.identifier",
            sort_key="series__fonds__identifier",
        ),
        Column(
            "series", label=_("series"), accessor="series.identifier", sort_key="series__identifier"
        ),
    ]
    filterset_class = filters.ItemFilterSet
    chooser_viewset_class = ItemChooserViewSet
    search_fields = ["identifier", "title", "creators", "description"]
    chooser_search_fields = ("identifier", "title")
    ordering = "identifier"

    @property
    def edit_view_class(self) -> type[EditView]:
        # Read when the admin URLs are built, after every app's wagtail_hooks has registered.
        registered = hooks.get_hooks(ITEM_EDIT_VIEW_HOOK)
        return registered[-1]() if registered else EditView

    def get_queryset(self, request):
        return Item.objects.select_related("series__fonds")


class InterviewViewSet(ArchiveSnippetViewSet):
    model = Interview
    icon = "media"  # Wagtail has no microphone icon; its audio/video one
    edit_handler = panels.interview_edit_handler
    list_display = [
        "item",  # the first column: Wagtail's title column, linked to the editor
        "interviewee",
        "interview_date",
        "language",
        "consent",
        Column("duration", label=_("duration"), accessor=interview_duration),
        count_column("segment_count", _("transcript segments")),
    ]
    search_fields = [
        "item__identifier",
        "item__title",
        "interviewee__name",
        "interviewers",
        "place",
    ]
    ordering = "item__identifier"

    def get_queryset(self, request):
        # Subqueries, not joins: a join of segments with files would multiply both.
        segments = TranscriptSegment.objects.filter(interview=OuterRef("pk")).order_by()
        return Interview.objects.select_related("item", "interviewee").annotate(
            segment_count=Coalesce(
                Subquery(segments.values("interview").annotate(n=Count("pk")).values("n")), 0
            ),
            recording_seconds=recording_seconds(),
        )


class DisciplineViewSet(ArchiveSnippetViewSet):
    model = Discipline
    icon = "tag"
    edit_handler = panels.discipline_edit_handler
    list_display = ["name", "name_en", count_column("scientist_count", _("scientists"))]
    search_fields = ["name", "name_en"]
    ordering = "name"
    list_export = ["name", "name_en"]
    export_filename = "disciplines"

    def get_queryset(self, request):
        return Discipline.objects.annotate(scientist_count=Count("scientists"))


class ArchiveViewSetGroup(SnippetViewSetGroup):
    """The curators' "Archive" menu. Other parts of the archive (the tree, bulk import) add
    entries with `@hooks.register("register_archive_menu_item")`."""

    items = (
        ScientistViewSet,
        FondsViewSet,
        SeriesViewSet,
        ItemViewSet,
        InterviewViewSet,
        DisciplineViewSet,
    )
    menu_label = _("Archive")
    menu_name = "archive"
    menu_icon = "folder-open-inverse"
    menu_order = 150
    submenu_hook = ARCHIVE_SUBMENU_HOOK
