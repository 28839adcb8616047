"""Public archive pages: index, scientists, fonds, series and items.

Every item these pages list, count or show is selected through the one access policy
(`AccessPolicy` / `Item.objects.visible_to`), so a record a visitor may not see never leaks into a
list, a count or a tree.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db.models import Case, Count, F, IntegerField, Prefetch, Q, Value, When, Window
from django.db.models.functions import Lower, RowNumber
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.images import get_image_model

from .access import AccessPolicy
from .browsing import counts_by_type, item_or_404, refuse_hidden, series_ancestors
from .citations.archival import chinese_citation
from .models import (
    Discipline,
    Fonds,
    IndexSegment,
    Interview,
    Item,
    ItemType,
    RelationKind,
    Scientist,
    Series,
)
from .oral_history.player import build_player

ITEMS_PER_PAGE = 30
SCIENTISTS_PER_PAGE = 48
RECENT_ITEMS = 10
ITEMS_PER_SERIES_IN_TREE = 20
# Rendition specs the templates ask for (_scientist_card.html, scientist_detail.html); prefetching
# the same specs here keeps a page of portraits to one query.
PORTRAIT_CARD = "fill-240x300"
PORTRAIT_PROFILE = "fill-360x450"


def _policy(request) -> AccessPolicy:
    return AccessPolicy.for_user(request.user)


def _type_order():
    """Sort items in the order the vocabulary declares (oral history first), not by code."""
    whens = [When(item_type=code, then=Value(i)) for i, code in enumerate(ItemType.values)]
    return Case(*whens, default=Value(len(whens)), output_field=IntegerField())


def _visible_count(policy: AccessPolicy, prefix: str) -> Count:
    return Count(f"{prefix}pk", filter=policy.item_q(prefix), distinct=True)


def _paginate(request, queryset, per_page: int):
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def _portraits(spec: str) -> Prefetch:
    return Prefetch("portrait", queryset=get_image_model().objects.prefetch_renditions(spec))


# Archive index ----------------------------------------------------------------------------------


def archive_index(request):
    policy = _policy(request)
    visible = Item.objects.visible_to(policy)
    by_type = counts_by_type(visible)
    fonds = Fonds.objects.select_related("scientist").annotate(
        visible_count=_visible_count(policy, "series__items__")
    )
    recent = visible.select_related("series__fonds").order_by("-created_at", "-pk")[:RECENT_ITEMS]
    return render(
        request,
        "collections/index.html",
        {
            "counts_by_type": by_type,
            "total": sum(row["count"] for row in by_type),
            "fonds_list": fonds,
            "recent_items": recent,
        },
    )


# Scientists -------------------------------------------------------------------------------------


def scientist_list(request):
    scientists = Scientist.objects.prefetch_related(
        "disciplines", "names", _portraits(PORTRAIT_CARD)
    ).order_by(Lower("name_pinyin"), "name")
    discipline = request.GET.get("discipline", "").strip()
    if discipline:
        scientists = scientists.filter(disciplines__name=discipline)
    disciplines = Discipline.objects.filter(scientists__isnull=False).distinct()
    return render(
        request,
        "collections/scientist_list.html",
        {
            "page_obj": _paginate(request, scientists, SCIENTISTS_PER_PAGE),
            "disciplines": disciplines,
            "current_discipline": discipline,
        },
    )


# The role the *other* person plays, seen from the page's scientist. A relation "A mentor_of B"
# makes B A's student on A's page and A B's mentor on B's page; the rest read the same both ways.
_ROLE_ORDER = ["mentor", "student", "collaborator", "colleague", "family"]


def _role_labels() -> dict[str, str]:
    return {
        "mentor": _("Mentor"),
        "student": _("Student"),
        "collaborator": _("Collaborators"),
        "colleague": _("Colleagues"),
        "family": _("Family"),
    }


def _role(kind: str, outgoing: bool) -> str:
    if kind == RelationKind.MENTOR_OF:
        return "student" if outgoing else "mentor"
    return kind


def scientist_relations(scientist: Scientist) -> list[dict]:
    """Relations recorded on either side, grouped by role, each other person listed once."""
    pairs = [
        (_role(r.kind, True), r.other, r.note) for r in scientist.relations.select_related("other")
    ]
    pairs += [
        (_role(r.kind, False), r.scientist, r.note)
        for r in scientist.inverse_relations.select_related("scientist")
    ]
    grouped: dict[str, list] = defaultdict(list)
    seen = set()
    for role, other, note in pairs:
        if (role, other.pk) not in seen:
            seen.add((role, other.pk))
            grouped[role].append({"scientist": other, "note": note})
    labels = _role_labels()
    return [
        {"role": role, "label": labels[role], "people": grouped[role]}
        for role in _ROLE_ORDER
        if grouped.get(role)
    ]


def scientist_items(scientist: Scientist, policy: AccessPolicy):
    """Visible items in the scientist's fonds or catalogued as about them, each once."""
    linked = Item.scientists.through.objects.filter(scientist_id=scientist.pk).values("item_id")
    return Item.objects.visible_to(policy).filter(
        Q(series__fonds__scientist_id=scientist.pk) | Q(pk__in=linked)
    )


def scientist_detail(request, identifier):
    scientist = get_object_or_404(
        Scientist.objects.prefetch_related(
            "names", "honours", "affiliations", "disciplines", _portraits(PORTRAIT_PROFILE)
        ),
        identifier=identifier,
    )
    policy = _policy(request)
    items = scientist_items(scientist, policy)
    item_type = request.GET.get("type", "")
    listed = items.filter(item_type=item_type) if item_type in ItemType.values else items
    listed = listed.order_by(_type_order(), "date_start", "identifier")
    return render(
        request,
        "collections/scientist_detail.html",
        {
            "scientist": scientist,
            "relations": scientist_relations(scientist),
            "fonds_list": scientist.fonds.annotate(
                visible_count=_visible_count(policy, "series__items__")
            ),
            "counts_by_type": counts_by_type(items),
            "current_type": item_type if item_type in ItemType.values else "",
            "page_obj": _paginate(request, listed, ITEMS_PER_PAGE),
        },
    )


# Fonds and series -------------------------------------------------------------------------------


@dataclass
class SeriesNode:
    series: Series
    items: list = field(default_factory=list)
    children: list[SeriesNode] = field(default_factory=list)

    @property
    def total(self) -> int:
        """Visible items here and in every sub-series below."""
        return self.series.visible_count + sum(child.total for child in self.children)

    @property
    def more(self) -> int:
        return self.series.visible_count - len(self.items)


def _first_items_per_series(fonds: Fonds, policy: AccessPolicy) -> dict[int, list]:
    """The first few visible items of every series of the fonds, in one query."""
    rank = Window(
        RowNumber(),
        partition_by=[F("series_id")],
        order_by=[F("position").asc(), F("identifier").asc()],
    )
    items = (
        Item.objects.visible_to(policy)
        .filter(series__fonds=fonds)
        .annotate(rank=rank)
        .filter(rank__lte=ITEMS_PER_SERIES_IN_TREE)
        .order_by("series_id", "rank")
    )
    grouped: dict[int, list] = defaultdict(list)
    for item in items:
        grouped[item.series_id].append(item)
    return grouped


def series_tree(fonds: Fonds, policy: AccessPolicy) -> list[SeriesNode]:
    series = fonds.series.annotate(visible_count=_visible_count(policy, "items__")).order_by(
        "position", "identifier"
    )
    items = _first_items_per_series(fonds, policy)
    nodes: dict[int | None, SeriesNode] = {s.pk: SeriesNode(s, items.get(s.pk, [])) for s in series}
    roots: list[SeriesNode] = []
    for node in nodes.values():
        parent = nodes.get(node.series.parent_id)
        (parent.children if parent else roots).append(node)
    return roots


def fonds_detail(request, identifier):
    fonds = get_object_or_404(Fonds.objects.select_related("scientist"), identifier=identifier)
    tree = series_tree(fonds, _policy(request))
    return render(
        request,
        "collections/fonds_detail.html",
        {
            "fonds": fonds,
            "tree": tree,
            "total": sum(node.total for node in tree),
        },
    )


def series_detail(request, identifier):
    series = get_object_or_404(
        Series.objects.select_related("fonds__scientist"), identifier=identifier
    )
    policy = _policy(request)
    children = series.children.annotate(visible_count=_visible_count(policy, "items__"))
    items = Item.objects.visible_to(policy).filter(series=series).order_by("position", "identifier")
    return render(
        request,
        "collections/series_detail.html",
        {
            "series": series,
            "fonds": series.fonds,
            "ancestors": series_ancestors(series),
            "children": children.order_by("position", "identifier"),
            "page_obj": _paginate(request, items, ITEMS_PER_PAGE),
        },
    )


# Items ------------------------------------------------------------------------------------------


def _interview(item: Item):
    return (
        Interview.objects.filter(item=item)
        .select_related("interviewee")
        .prefetch_related(
            Prefetch("index_segments", queryset=IndexSegment.objects.order_by("start_ms"))
        )
        .first()
    )


def item_detail(request, identifier):
    item = item_or_404(identifier)
    policy = _policy(request)
    if not policy.can_view(item):
        return refuse_hidden(request, item, policy)
    interview = _interview(item)
    files = list(item.files.all())
    stable_url = request.build_absolute_uri(item.get_absolute_url())
    return render(
        request,
        "collections/item_detail.html",
        {
            "item": item,
            "fonds": item.series.fonds,
            "ancestors": series_ancestors(item.series),
            "scientists": item.scientists.order_by(Lower("name_pinyin")),
            "subjects": item.subjects.order_by("name"),
            "files": files,
            "interview": interview,
            # The oral-history player: media, synchronised transcript, index, search, exports.
            "player": build_player(request, interview, files) if interview else None,
            "stable_url": stable_url,
            "citation": chinese_citation(item, stable_url, timezone.localdate()),
        },
    )
