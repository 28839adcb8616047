"""The database engine's result assembly, the same on SQLite and PostgreSQL: the SQL pass
returns one row per matching group; these turn the rows into filtered, counted, sorted groups.
"""

from __future__ import annotations

import heapq
import json
from collections import Counter
from collections.abc import Sequence
from typing import Any

from ..contract import FACETS, HITS_PER_GROUP, FacetValue, Hit, SearchDocument
from .hits import HEAD_KINDS

HIT_CANDIDATES = 10  # documents per shown group considered for its HITS_PER_GROUP hits


class Group:
    """One row of the grouped match: key, best score, earliest date, document count, facet
    keys, and its documents as "id score kind,…" (parsed only for the groups shown)."""

    __slots__ = ("key", "score", "day", "count", "facets", "hits", "best")

    def __init__(self, row: Sequence[Any]):
        self.key, self.score, day, self.count, self.facets, self.hits = row
        self.day = str(day) if day is not None else None
        self.best: list[tuple[float, int]] = []

    def candidates(self) -> list[tuple[float, int]]:
        """The best-scoring documents of the group, plus its head document (the item, the
        scientist) wherever it ranks: the hits shown are chosen from these."""
        pairs, head = [], []
        for entry in (self.hits or "").split(","):
            doc_id, score, kind = (entry.split(" ") + ["", ""])[:3]
            if not score:
                continue
            pair = (float(score), int(doc_id))
            pairs.append(pair)
            if kind in HEAD_KINDS:
                head.append(pair)
        best = heapq.nsmallest(HIT_CANDIDATES, pairs)
        return best + [pair for pair in head if pair not in best]


def shown_hits(hits: list[Hit]) -> list[Hit]:
    """The hits worth showing: those whose own text contains the match, best first. A page or
    segment that matched only through the item's metadata it carries (a scientist's name, say)
    says nothing about where in the item to look, so the item's own hit stands for them."""
    marked = [h for h in hits if "<mark>" in h.snippet]
    if marked:
        return marked[:HITS_PER_GROUP]
    heads = [h for h in hits if h.kind in HEAD_KINDS]
    return (heads or hits)[:1]


def facet_keys(document: SearchDocument) -> str:
    """The document's facet values as one string ("type=letter\\nscientist=qian-xuesen")."""
    return "\n".join(
        f"{facet}={' '.join(value.split())}"
        for facet, values in document.facet_values().items()
        for value in values
    )


def aggregate(
    rows: Sequence[Sequence[Any]], filters: dict[str, list[str]]
) -> tuple[list[Group], dict[str, Counter[str]]]:
    """Apply facet filters to grouped rows; return (groups passing every filter, counts).

    Every document of an item carries the item's facet values, so counts are of groups. A
    value of facet F is counted over groups passing every filter but F's own, so selecting a
    value never hides its siblings."""
    groups = [Group(row) for row in rows]
    counts: dict[str, Counter[str]] = {}
    if not filters:
        tally = Counter(line for g in groups for line in (g.facets or "").split("\n"))
        for line, n in tally.items():
            facet, _sep, value = line.partition("=")
            if _sep:
                counts.setdefault(facet, Counter())[value] = n
        return groups, counts
    wanted = {name: {f"{name}={v}" for v in values} for name, values in filters.items()}
    passing = []
    for group in groups:
        lines = set((group.facets or "").split("\n"))
        failed = [name for name, keys in wanted.items() if not keys & lines]
        if len(failed) > 1:
            continue
        if not failed:
            passing.append(group)
        for line in lines:
            facet, _sep, value = line.partition("=")
            if _sep and (not failed or failed[0] == facet):
                counts.setdefault(facet, Counter())[value] += 1
    return passing, counts


def sort_groups(groups: list[Group], sort: str, pins: Sequence[str] = ()) -> list[Group]:
    """Best score first (relevance) or by earliest date; `pins` (SearchQuery.pins, relevance
    only) go before every other group, in their order."""
    if sort == "relevance":
        rank = {key: n for n, key in enumerate(pins)}
        last = len(rank)
        return sorted(groups, key=lambda g: (rank.get(g.key, last), g.score, g.key))
    dated = [g for g in groups if g.day is not None]
    undated = sorted((g for g in groups if g.day is None), key=lambda g: (g.score, g.key))
    dated.sort(key=lambda g: (g.score, g.key))
    dated.sort(key=lambda g: g.day or "", reverse=sort == "date_desc")
    return dated + undated


def facet_values(
    counts: dict[str, Counter[str]], filters: dict[str, list[str]]
) -> dict[str, list[FacetValue]]:
    out: dict[str, list[FacetValue]] = {}
    for facet in FACETS:
        selected = set(filters.get(facet, []))
        values = [
            FacetValue(value, n, value, value in selected)
            for value, n in counts.get(facet, {}).items()
        ]
        values.sort(key=lambda v: (-v.count, v.value))
        out[facet] = values
    return out


def load(data: Any) -> dict[str, Any]:
    """A stored document's data: a dict on PostgreSQL, JSON text from a raw SQLite cursor."""
    if isinstance(data, str):
        return json.loads(data)
    return data or {}
