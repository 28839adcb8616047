"""What the search page shows beside the contract's results: a type label and icon for every
result and hit, the field each snippet comes from, and the applied filters as removable chips.

Only display: the results themselves come from search.service. The icon names are the symbol ids
of templates/search/icons.html (inline SVG, so no icon font is fetched from anywhere)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from wagtail import hooks
from wagtail.models import Page

from archive_collections.bilingual import Text, english_active
from archive_collections.models import Item, ItemType, Scientist

from .contract import Hit, ResultGroup, SearchQuery, SearchResults

ITEM_ICONS = {code for code, _label in ItemType.choices}

#: An app above adds a line to some item results and may link them elsewhere: each function
#: registered under this hook returns a callable given the keys of a result page's items (one
#: call a page, so one query a page, not one a result) and returning {item pk: ResultNote}.
#: archive_site's resource library fills it (the organisation and licence of a shared case).
RESULT_NOTES_HOOK = "search_result_notes"


@dataclass(frozen=True)
class ResultNote:
    lines: tuple[str, ...]  # shown under the result's title, each a plain string
    url: str = ""  # where the result's title links instead of the record page
    type_label: str = ""  # shown in place of the item type's name


@dataclass
class HitView:
    hit: Hit
    icon: str = ""
    type_label: str = ""
    snippets: list[tuple[str, str]] = field(default_factory=list)  # (field named, snippet HTML)


@dataclass
class GroupView:
    group: ResultGroup
    icon: str
    type_label: str
    hits: list[HitView] = field(default_factory=list)
    # The title in the site's language (a fallback to the catalogued Chinese is marked).
    title: Text = field(default_factory=lambda: Text(""))
    note: ResultNote | None = None  # from RESULT_NOTES_HOOK

    @property
    def url(self) -> str:
        return (self.note.url if self.note else "") or self.group.url


def add_notes(views: list[GroupView]) -> None:
    """The notes apps above give the page's item results (RESULT_NOTES_HOOK)."""
    items: dict[int, GroupView] = {}
    for view in views:
        kind, _sep, pk = view.group.key.partition(":")
        if kind == "item" and pk.isdigit():
            items[int(pk)] = view
    if not items:
        return
    for make in hooks.get_hooks(RESULT_NOTES_HOOK):
        for pk, note in make()(list(items)).items():
            noted = items.get(pk)
            if noted is not None:
                noted.note = note
                noted.type_label = note.type_label or noted.type_label


def group_views(groups: list[ResultGroup]) -> list[GroupView]:
    """The page's results, titled in the site's language: on the English site an item's English
    title, a scientist's English name (else the pinyin) and a page's English title, read for the
    whole page at once; where none is written, the Chinese the index holds, marked."""
    views = [group_view(group) for group in groups]
    add_notes(views)
    if not english_active():
        for view in views:
            view.title = Text(view.group.title)
        return views
    keys: dict[str, list[int]] = {"item": [], "scientist": [], "exhibit": []}
    for group in groups:
        kind, _sep, pk = group.key.partition(":")
        if kind in keys and pk.isdigit():
            keys[kind].append(int(pk))
    english: dict[str, str] = {
        f"item:{pk}": title
        for pk, title in Item.objects.filter(pk__in=keys["item"]).values_list("pk", "title_en")
    }
    scientists = Scientist.objects.filter(pk__in=keys["scientist"]).prefetch_related("names")
    english.update({f"scientist:{s.pk}": s.english_name for s in scientists})
    pages = Page.objects.filter(pk__in=keys["exhibit"]).specific()
    english.update({f"exhibit:{p.pk}": getattr(p, "title_en", "") for p in pages})
    for view in views:
        title = (english.get(view.group.key) or "").strip()
        view.title = Text(title) if title else Text(view.group.title, fallback=True)
    return views


def group_view(group: ResultGroup) -> GroupView:
    if group.kind == "scientist":
        icon, label = "scientist", _("Scientist")
    elif group.kind == "exhibit":
        icon, label = "exhibit", _("Exhibition page")
    elif group.item_type in ITEM_ICONS:
        icon, label = group.item_type, str(ItemType(group.item_type).label)
    else:
        icon, label = "document", _("Archive item")
    return GroupView(group, icon, label, [hit_view(hit) for hit in group.hits])


def hit_view(hit: Hit) -> HitView:
    """A hit with its kind (a page of a scan, an interview moment) and a snippet per field that
    matched, each under the field's name (Hit.fields, named by the engines' shared hits.py);
    a hit without them shows its one snippet unnamed."""
    view = HitView(hit)
    if hit.kind == "page":
        view.icon, view.type_label = "page", _("Page of a scan")
    elif hit.kind in ("segment", "index"):
        view.icon, view.type_label = "moment", _("Interview moment")
    # Hit.fields arrives with the engines' per-field snippets (search/engines/hits.py).
    view.snippets = [(f.label, f.snippet) for f in getattr(hit, "fields", ()) if f.snippet]
    if not view.snippets and hit.snippet:
        view.snippets = [("", hit.snippet)]
    return view


@dataclass
class Chip:
    label: str  # what is shown: the value ("手稿"); the link's name adds "移除筛选："
    facet: str  # the facet's heading ("类型"), shown as the chip's title
    url: str


def filter_chips(
    query: SearchQuery,
    results: SearchResults,
    titles: dict,
    link: Callable[..., str],
) -> list[Chip]:
    """One chip per applied filter value and one for the year range; each links to this search
    without that one filter (`link(**changes)` builds the URL, None removing a parameter)."""
    labels = {
        (name, value.value): value.label
        for name, values in results.facets.items()
        for value in values
    }
    types = {code: str(label) for code, label in ItemType.choices}
    chips = []
    for name, values in query.filters.items():
        for value in values:
            label = labels.get((name, value)) or (
                types.get(value, value) if name == "type" else value
            )
            remaining = [v for v in values if v != value]
            chips.append(
                Chip(
                    label, str(titles.get(name, name)), link(page=None, **{name: remaining or None})
                )
            )
    if query.year_from or query.year_to:
        years = f"{query.year_from or '…'}–{query.year_to or '…'}"
        chips.append(Chip(years, _("Years"), link(page=None, **{"from": None, "to": None})))
    return chips
