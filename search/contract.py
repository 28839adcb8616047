"""The search contract: what a query is, what results are, what an engine must do.

Views and the API speak only this contract (through ``search.service``), so they never branch on
the engine. Every engine (``search.engines.database.DatabaseEngine``, the Elasticsearch engine)
implements ``SearchEngine`` and passes the same contract tests (tests/search/test_contract.py).

Division of labour:
- documents are built from the models by ``search.documents`` (``SearchDocument``);
- text analysis is shared (``search.analysis``); queries are parsed once (``search.query``) and
  engines compile ``ParsedQuery.root`` — each ``Term`` carries the token phrases to match;
- access is INSIDE the engine query: ``search()`` and ``autocomplete()`` receive the caller's
  ``AccessPolicy`` and must exclude invisible documents from hits, totals, facet counts, snippets
  and completions (``access_filter_values`` gives the values to filter on);
- engines return facet values as raw codes; ``search.service`` adds labels, suggestions and
  notices, so engines stay small;
- snippets and OCR line boxes are computed by the shared ``search.highlight`` from the stored
  original text, so both engines mark the same characters.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any, Protocol, runtime_checkable

from archive_collections.access import RESEARCHERS, AccessPolicy
from archive_collections.models import Fonds

from .query import FIELDS, ParsedQuery, parse_query

__all__ = [
    "DOC_KINDS",
    "FACETS",
    "FIELDS",
    "FIELD_WEIGHTS",
    "GROUP_KINDS",
    "SORTS",
    "Completion",
    "FacetValue",
    "FieldSnippet",
    "Hit",
    "IndexStatus",
    "ResultGroup",
    "SearchDocument",
    "SearchEngine",
    "SearchQuery",
    "SearchResults",
    "access_filter_values",
    "granted_fonds",
    "parse_query",
]

# Document kinds and the group each belongs to.
DOC_KINDS = ("item", "page", "segment", "index", "scientist", "exhibit")
GROUP_KINDS = ("item", "scientist", "exhibit")
FACETS = (
    "type",
    "scientist",
    "fonds",
    "decade",
    "discipline",
    "language",
    "has_transcript",
    "has_scan",
)
BOOLEAN_FACETS = ("has_transcript", "has_scan")
SORTS = ("relevance", "date_asc", "date_desc")
MAX_PER_PAGE = 100
MAX_PAGE = 1000  # deep pagination is a crawler's game; a facet narrows faster
HITS_PER_GROUP = 3

# Relative weight of a match in each field when ranking (engines map these onto their scoring).
FIELD_WEIGHTS = {
    "title": 10.0,
    "names": 8.0,
    "identifier": 6.0,
    "subjects": 4.0,
    "creators": 3.0,
    "places": 2.0,
    "type": 1.0,
    "body": 1.0,
    "seal": 3.0,  # an institution's name on its seal says who wrote, as a creator does
}


@dataclass
class SearchQuery:
    """What the user asked for. `filters` maps a facet name (FACETS) to the values selected;
    several values of one facet are ORed, different facets ANDed. Years filter on the item's
    parsed date range (overlap: an item dated 1950–1959 matches year_from=1955)."""

    text: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)
    year_from: int | None = None
    year_to: int | None = None
    sort: str = "relevance"
    page: int = 1
    per_page: int = 20
    kinds: tuple[str, ...] = ()  # restrict to group kinds (GROUP_KINDS); empty = all
    # Groups listed first, in this order, when they match and the sort is by relevance: the
    # record of the person whose name the query is (search.service.pinned_groups sets it).
    pinned: tuple[str, ...] = ()

    def __post_init__(self):
        self.text = self.text or ""
        self.filters = {
            name: [str(v) for v in values if str(v).strip()]
            for name, values in (self.filters or {}).items()
            if name in FACETS
        }
        self.filters = {k: v for k, v in self.filters.items() if v}
        if self.sort not in SORTS:
            self.sort = "relevance"
        self.page = min(max(int(self.page or 1), 1), MAX_PAGE)
        self.per_page = min(max(int(self.per_page or 20), 1), MAX_PER_PAGE)
        if self.year_from and self.year_to and self.year_from > self.year_to:
            self.year_from, self.year_to = self.year_to, self.year_from
        self.kinds = tuple(k for k in self.kinds if k in GROUP_KINDS)
        self.pinned = tuple(dict.fromkeys(str(key) for key in self.pinned or ()))

    @property
    def pins(self) -> tuple[str, ...]:
        """The pinned groups that take effect: only a ranking by relevance moves them."""
        return self.pinned if self.sort == "relevance" else ()

    @property
    def parsed(self) -> ParsedQuery:
        cached = self.__dict__.get("_parsed")
        if cached is None or cached[0] != self.text:
            cached = (self.text, parse_query(self.text))
            self.__dict__["_parsed"] = cached
        return cached[1]

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page

    @property
    def has_criteria(self) -> bool:
        """True when there is something to search or filter by (an empty query with a facet
        selected browses that facet)."""
        return (
            (not self.parsed.is_empty) or bool(self.filters) or bool(self.year_from or self.year_to)
        )


@dataclass
class SearchDocument:
    """One indexed unit, built by search.documents from the models.

    ids: ``item:ID``, ``page:FILEID:N`` (OCR/PDF page N of an ItemFile), ``segment:ID`` (transcript
    segment), ``index:ID`` (OHMS index segment), ``scientist:ID``, ``exhibit:PAGEID``.
    ``group`` is the result group: ``item:ID`` for the item and everything inside it,
    ``scientist:ID``, ``exhibit:PAGEID``. Item-level fields (access, dates, facets) are copied
    onto every document of an item so each engine filters and counts without joins.
    Text fields hold ORIGINAL text; engines index ``analysis.index_tokens`` of them (and
    ``ranking_tokens`` for ranking) and keep the original for snippets."""

    id: str
    kind: str
    group: str
    url: str
    group_title: str
    # searchable text, by field (FIELDS)
    title: str = ""
    names: str = ""
    body: str = ""
    subjects: str = ""
    creators: str = ""
    places: str = ""
    identifier: str = ""
    type: str = ""
    seal: str = ""  # a page's seals' text (OCR), never part of its body
    # where the hit is inside the item
    page_number: int | None = None
    start_ms: int | None = None
    lines: list[dict[str, Any]] = field(default_factory=list)  # [{"text", "bbox":[x,y,w,h]}]
    # item-level: access, dates, facets, display
    access_level: str = "public"
    embargo_until: date | None = None
    year_start: int | None = None
    year_end: int | None = None
    sort_date: date | None = None
    date_text: str = ""
    item_type: str = ""
    scientists: list[str] = field(default_factory=list)  # Scientist.identifier values
    fonds: str = ""  # Fonds.identifier
    disciplines: list[str] = field(default_factory=list)  # Discipline.name values
    language: str = ""
    has_transcript: bool = False
    has_scan: bool = False
    group_identifier: str = ""  # the 档号 shown with the group

    def text_fields(self) -> dict[str, str]:
        return {name: getattr(self, name) or "" for name in FIELDS}

    def facet_values(self) -> dict[str, list[str]]:
        """Raw facet values of this document (codes, not labels)."""
        decades: list[str] = []
        if self.year_start is not None:
            end = self.year_end if self.year_end is not None else self.year_start
            # A range spanning decades counts in each (capped: "1900–1999" is not ten facets).
            decades = [str(d) for d in range(self.year_start // 10 * 10, end // 10 * 10 + 1, 10)]
            decades = decades[:3]
        return {
            "type": [self.item_type] if self.item_type else [],
            "scientist": list(dict.fromkeys(self.scientists)),
            "fonds": [self.fonds] if self.fonds else [],
            "decade": decades,
            "discipline": list(dict.fromkeys(self.disciplines)),
            "language": [self.language] if self.language else [],
            "has_transcript": ["true" if self.has_transcript else "false"],
            "has_scan": ["true" if self.has_scan else "false"],
        }

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for key in ("embargo_until", "sort_date"):
            data[key] = data[key].isoformat() if data[key] else None
        return data


#: The field codes a FieldSnippet names, by document kind and SearchDocument field. A field
#: code says what the text is to a reader (an item's body is its description, a scientist's
#: their biography, a page's its text), whatever the engine indexed it as.
SNIPPET_FIELDS: dict[str, dict[str, str]] = {
    "item": {
        "title": "title",
        "body": "description",
        "subjects": "subjects",
        "creators": "creators",
        "places": "places",
        "names": "scientists",
    },
    "scientist": {
        "title": "name",
        "names": "other_names",
        "body": "biography",
        "places": "places",
    },
    "page": {"body": "page_text", "seal": "seal"},
    "segment": {"body": "transcript", "title": "speaker"},
    "index": {"title": "index_title", "body": "index_synopsis", "subjects": "index_keywords"},
    "exhibit": {"title": "title", "body": "page_text"},
}


@dataclass
class FieldSnippet:
    """Where in a document the query matched: `field` a code of SNIPPET_FIELDS, `label` what the
    page shows for it in the active language ("Description", "Page 3", "Transcript 12:34"),
    `snippet` HTML (escaped text with <mark>)."""

    field: str
    label: str
    snippet: str


@dataclass
class Hit:
    """One matching document inside a group. `snippet` is HTML: escaped text with <mark> (the
    most telling field's); `fields` holds a snippet for EACH field that matched, named, in
    SNIPPET_FIELDS order."""

    doc_id: str
    kind: str
    url: str
    snippet: str = ""
    title: str = ""
    score: float = 0.0
    page_number: int | None = None
    start_ms: int | None = None
    line_boxes: list[list[float]] = field(default_factory=list)  # [x, y, w, h] of matched lines
    fields: list[FieldSnippet] = field(default_factory=list)
    cells: list[list[int]] = field(default_factory=list)  # [row, column] of matched table cells

    @property
    def timecode(self) -> str:
        # Imported here: the contract must stay importable before Django's app registry is
        # ready (tools build documents with it), and archive_collections.models needs it.
        from archive_collections.models import format_timecode

        return format_timecode(self.start_ms) if self.start_ms is not None else ""

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["timecode"] = self.timecode
        return data


@dataclass
class ResultGroup:
    """One result: an Item (with its best page/segment hits), a scientist or an exhibit page."""

    key: str
    kind: str
    title: str
    url: str
    score: float = 0.0
    identifier: str = ""
    item_type: str = ""
    date_text: str = ""
    hits: list[Hit] = field(default_factory=list)
    hit_count: int = 0  # matching documents in the group (hits holds the best HITS_PER_GROUP)
    # The record's page keeping the query, where every match in it is listed (set by
    # search.service for a text query; "" otherwise).
    matches_url: str = ""

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["hits"] = [h.to_dict() for h in self.hits]
        return data


@dataclass
class FacetValue:
    value: str
    count: int
    label: str = ""
    selected: bool = False


@dataclass
class SearchResults:
    """The answer. `total` counts groups; `facets` maps facet name → values with counts over the
    whole (access-filtered) match set, each facet counted with every OTHER facet's filters
    applied, so selecting a value never makes its siblings vanish."""

    query: SearchQuery
    total: int = 0
    groups: list[ResultGroup] = field(default_factory=list)
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    suggestions: list[str] = field(default_factory=list)
    notice: str = ""
    messages: list[str] = field(default_factory=list)
    engine: str = ""
    took_ms: float = 0.0

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.query.per_page))

    def to_dict(self) -> dict[str, Any]:
        return {
            "query": {
                "q": self.query.text,
                "filters": self.query.filters,
                "year_from": self.query.year_from,
                "year_to": self.query.year_to,
                "sort": self.query.sort,
                "page": self.query.page,
                "per_page": self.query.per_page,
            },
            "total": self.total,
            "pages": self.pages,
            "groups": [g.to_dict() for g in self.groups],
            "facets": {name: [asdict(v) for v in values] for name, values in self.facets.items()},
            "suggestions": self.suggestions,
            "notice": self.notice,
            "messages": self.messages,
            "engine": self.engine,
        }


@dataclass
class Completion:
    """An autocomplete entry: a scientist name or an item title the user may see."""

    text: str
    kind: str  # "scientist" | "item"
    url: str


@dataclass
class IndexStatus:
    engine: str
    available: bool
    counts: dict[str, int] = field(default_factory=dict)  # per document kind
    last_rebuild: datetime | None = None
    detail: str = ""


def granted_fonds(policy: AccessPolicy) -> list[str]:
    """Identifiers of the fonds whose researcher-level records an access grant opens to this
    policy's user beyond its levels (archive_collections access requests); empty for everyone
    else. Engines add: OR (access_level = researchers AND fonds in these), embargo still applies."""
    if policy.sees_embargoed or not policy.granted_fonds or RESEARCHERS in policy.levels:
        return []
    return sorted(
        Fonds.objects.filter(pk__in=policy.granted_fonds).values_list("identifier", flat=True)
    )


def access_filter_values(policy: AccessPolicy) -> tuple[list[str] | None, date | None]:
    """What an engine filters on for `policy`: (allowed access levels or None for all,
    today's date for the embargo test or None when embargoes do not apply).

    Visible ⇔ access_level in levels AND (embargo_until is null OR embargo_until <= today)."""
    if policy.sees_embargoed:
        return None, None
    return sorted(policy.levels), policy.today


@runtime_checkable
class SearchEngine(Protocol):
    """What every engine implements. All methods raise ``EngineUnavailable`` (search.engines)
    when the backing service cannot be reached; never anything else for bad user input."""

    name: str

    def search(self, query: SearchQuery, policy: AccessPolicy) -> SearchResults:
        """Run `query` for a user with `policy`. Facet values are raw codes (labels are added
        by search.service). Must never include documents `policy` may not see."""

    def ranked_groups(self, query: SearchQuery, policy: AccessPolicy, limit: int) -> list[str]:
        """The keys of the best `limit` groups `search(query, policy)` would list, in its
        order (``query.sort``), with its filters; nothing else is read. For callers that page
        through records themselves (the admin's listings and choosers)."""

    def record_hits(
        self, query: SearchQuery, policy: AccessPolicy, group: str, limit: int = 200
    ) -> list[Hit]:
        """Every document of one group `query` matches (its best `limit`) as hits with their
        snippets and deep links, in reading order, under `policy`: the documents the result's
        "N matches" counted, of which the record page lists those matching in their own text."""

    def autocomplete(self, prefix: str, policy: AccessPolicy, limit: int = 8) -> list[Completion]:
        """Scientist names (incl. pinyin/variants) and item titles starting with or containing
        `prefix`, visible to `policy`."""

    def index_documents(self, documents: Iterable[SearchDocument]) -> int:
        """Insert or replace documents by id; returns how many were written."""

    def replace_group(self, group: str, documents: Sequence[SearchDocument]) -> None:
        """Make `documents` the complete set of documents of `group` (deleting the others)."""

    def delete_groups(self, groups: Iterable[str]) -> None:
        """Remove every document of these groups."""

    def clear(self) -> None:
        """Remove every document."""

    def start_rebuild(self) -> RebuildSession:
        """Begin a full rebuild that does not disturb searching until ``commit()``."""

    def status(self) -> IndexStatus:
        """Document counts per kind, last rebuild, availability."""


class RebuildSession(Protocol):
    def add(self, documents: Sequence[SearchDocument]) -> int:
        """Index one chunk of documents into the new generation."""

    def commit(self) -> None:
        """Make the new generation live (database: prune what was not re-added; Elasticsearch:
        swap the alias to the new index and drop the old one)."""

    def abort(self) -> None:
        """Discard the new generation; the live index is untouched."""
