"""The archive tree (档案目录): Scientist → Fonds → Series (nested) → Items, with counts.

Built from a fixed handful of queries whatever the size of the page: scientists, their fonds,
those fonds' series with direct item counts, and the first items of each series (a window
function limits them per series). The nesting and the rolled-up counts are assembled in Python.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db.models import Count, F, Q, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.auth import permission_denied
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from archive_collections.access import STAFF_PERMISSION
from archive_collections.models import Fonds, Item, Scientist, Series

SCIENTISTS_PER_PAGE = 20
ITEMS_PER_SERIES = 50


@dataclass
class SeriesNode:
    series: Series
    direct_items: int
    children: list[SeriesNode] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)

    @property
    def total_items(self) -> int:
        return self.direct_items + sum(child.total_items for child in self.children)

    @property
    def hidden_items(self) -> int:
        return self.direct_items - len(self.items)


@dataclass
class FondsNode:
    fonds: Fonds
    series: list[SeriesNode] = field(default_factory=list)

    @property
    def total_items(self) -> int:
        return sum(node.total_items for node in self.series)


@dataclass
class ScientistNode:
    scientist: Scientist
    fonds: list[FondsNode] = field(default_factory=list)

    @property
    def total_items(self) -> int:
        return sum(node.total_items for node in self.fonds)


def _series_nodes(fonds_ids) -> dict[int, SeriesNode]:
    series = (
        Series.objects.filter(fonds_id__in=fonds_ids)
        .annotate(direct_items=Count("items"))
        .order_by("fonds_id", "position", "identifier")
    )
    return {s.pk: SeriesNode(s, s.direct_items) for s in series}


def _first_items(series_ids) -> list[Item]:
    ranked = Item.objects.filter(series_id__in=series_ids).annotate(
        rank=Window(
            RowNumber(),
            partition_by=[F("series_id")],
            order_by=[F("position").asc(), F("identifier").asc()],
        )
    )
    return list(
        ranked.filter(rank__lte=ITEMS_PER_SERIES)
        .only(
            "pk",
            "identifier",
            "title",
            "item_type",
            "series_id",
            "access_level",
            "embargo_until",
            "date_text",
            "position",
        )
        .order_by("series_id", "position", "identifier")
    )


def build_tree(scientists) -> list[ScientistNode]:
    """Nodes for `scientists` (a list), each holding its fonds, series tree and first items."""
    nodes = {s.pk: ScientistNode(s) for s in scientists}
    fonds_nodes = {
        f.pk: FondsNode(f)
        for f in Fonds.objects.filter(scientist_id__in=nodes).order_by("identifier")
    }
    for fonds_node in fonds_nodes.values():
        nodes[fonds_node.fonds.scientist_id].fonds.append(fonds_node)
    series_nodes = _series_nodes(fonds_nodes)
    for node in series_nodes.values():
        parent_id = node.series.parent_id
        parent = series_nodes.get(parent_id) if parent_id is not None else None
        if parent is not None:
            parent.children.append(node)
        else:
            fonds_nodes[node.series.fonds_id].series.append(node)
    for item in _first_items(series_nodes):
        series_nodes[item.series_id].items.append(item)
    return list(nodes.values())


class ArchiveTreeView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "collections/admin/tree.html"
    page_title = _("Archive tree")
    header_icon = "list-ul"

    def dispatch(self, request, *args, **kwargs):
        # The tree names embargoed records, which only staff may see (see access.py).
        if not request.user.has_perm(STAFF_PERMISSION):
            return permission_denied(request)
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def get_scientists(self):
        scientists = Scientist.objects.order_by("name_pinyin", "name")
        query = self.request.GET.get("q", "").strip()
        if query:
            scientists = scientists.filter(
                Q(name__icontains=query)
                | Q(name_pinyin__icontains=query)
                | Q(identifier__icontains=query)
            )
        return scientists.only("pk", "identifier", "name", "name_pinyin")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        paginator = Paginator(self.get_scientists(), SCIENTISTS_PER_PAGE)
        page = paginator.get_page(self.request.GET.get("p"))
        tree = build_tree(list(page.object_list))
        attach_urls(tree)
        context.update(
            tree=tree,
            page_obj=page,
            elided_page_range=paginator.get_elided_page_range(page.number),
            query=self.request.GET.get("q", "").strip(),
            urls=add_urls(),
        )
        return context


class EditUrls:
    """Edit-view URLs by primary key, reversed once per model rather than once per record."""

    _MARKER = "999999999"

    def __init__(self):
        self._patterns = {}
        for model in (Scientist, Fonds, Series, Item):
            url = reverse(model.snippet_viewset.get_url_name("edit"), args=[self._MARKER])
            self._patterns[model] = url.split(self._MARKER, 1)

    def __call__(self, obj) -> str:
        prefix, suffix = self._patterns[type(obj)]
        return f"{prefix}{obj.pk}{suffix}"


def attach_urls(tree: list[ScientistNode]) -> None:
    """Give every record in the tree an `admin_url`, for the templates."""
    edit_url = EditUrls()

    def walk_series(node: SeriesNode):
        node.series.admin_url = edit_url(node.series)
        for item in node.items:
            item.admin_url = edit_url(item)
        for child in node.children:
            walk_series(child)

    for scientist_node in tree:
        scientist_node.scientist.admin_url = edit_url(scientist_node.scientist)
        for fonds_node in scientist_node.fonds:
            fonds_node.fonds.admin_url = edit_url(fonds_node.fonds)
            for series_node in fonds_node.series:
                walk_series(series_node)


def add_urls() -> dict[str, str]:
    def url(model, view):
        return reverse(model.snippet_viewset.get_url_name(view))

    return {
        "fonds": url(Fonds, "add"),
        "series": url(Series, "add"),
        "item": url(Item, "add"),
        "item_list": url(Item, "list"),
    }
