"""Elasticsearch requests for the contract's queries, and reading their responses.

Query semantics (shared with the database engine): every ``Term`` of the parsed query matches
when all its token phrases occur contiguously in one field (``match_phrase`` on a
whitespace-analysed token stream); AND/OR/NOT become ``bool`` clauses. The access policy is a
filter INSIDE the query, so hits, totals, facet counts, snippets and completions only ever see
visible documents. Results collapse on ``group`` with the best hits fetched for the whole page
in one terms/top_hits request; totals and facet counts are distinct groups (cardinality
aggregations: practically exact below their precision thresholds — 40,000 for the total,
3,000 per facet value — and within about a per cent above); a browse by facet alone matches
one head document per group and counts documents, exactly.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from elasticsearch import Elasticsearch
from elasticsearch.dsl import A, Q, Search
from elasticsearch.dsl.aggs import Agg
from elasticsearch.dsl.query import Query

from archive_collections.access import RESEARCHERS, AccessPolicy

from .. import analysis
from ..contract import (
    FACETS,
    FIELD_WEIGHTS,
    FIELDS,
    HITS_PER_GROUP,
    FacetValue,
    ResultGroup,
    SearchQuery,
    access_filter_values,
    granted_fonds,
)
from ..query import And, Node, Not, Or, Term
from .hits import HEAD_KINDS, make_hit

FACET_SIZE = 50
# What a result group shows, read from its best-ranked document.
GROUP_FIELDS = ("group", "group_title", "url", "group_identifier", "item_type", "date_text")
CARDINALITY_PRECISION = 40000  # Elasticsearch's maximum: near-exact counts below it
# Facet counts are a guide, and nine cardinality sketches per facet value at full precision cost
# a fifth of the request: near-exact up to 3,000 groups per value, within ~1% above.
FACET_CARDINALITY_PRECISION = 3000
# An exact occurrence of a split query term, in any field, outranks its words found apart even
# in the weightiest field (a page's text holding 拉栖第水 above a title holding 拉栖第 … 水).
EXACT_TEXT_BOOST = 2.0 * max(FIELD_WEIGHTS.values())
MAX_RANKING_WORDS = 16
# A pinned group (SearchQuery.pins: the person whose name the query is) scores above any text
# match: field weights and phrase boosts sum to a few hundred at most.
PIN_BOOST = 100_000.0


def access_filter(policy: AccessPolicy) -> list[Query]:
    levels, today = access_filter_values(policy)
    filters = []
    if levels is not None:
        granted = granted_fonds(policy)
        if granted:
            filters.append(
                Q(
                    "bool",
                    should=[
                        Q("terms", access_level=levels),
                        Q(
                            "bool",
                            filter=[
                                Q("term", access_level=RESEARCHERS),
                                Q("terms", **{"facets.fonds": granted}),
                            ],
                        ),
                    ],
                    minimum_should_match=1,
                )
            )
        else:
            filters.append(Q("terms", access_level=levels))
    if today is not None:
        filters.append(
            Q(
                "bool",
                should=[
                    Q("bool", must_not=[Q("exists", field="embargo_until")]),
                    Q("range", embargo_until={"lte": today.isoformat()}),
                ],
                minimum_should_match=1,
            )
        )
    return filters


def phrase(tokens: Sequence[str], field: str | None, boost: float | None = None) -> Query:
    """`tokens` contiguous in `field`, or in any field (the best one scores); weighted by field
    unless `boost` is given."""
    text = " ".join(tokens)
    per_field = [
        Q("match_phrase", **{f"t_{f}": {"query": text, "boost": boost or FIELD_WEIGHTS[f]}})
        for f in ([field] if field else FIELDS)
    ]
    if len(per_field) == 1:
        return per_field[0]
    return Q("dis_max", queries=per_field, tie_breaker=0.1)


def _term(term: Term) -> Query:
    musts = [phrase(tokens, term.field) for tokens in term.phrases]
    return musts[0] if len(musts) == 1 else Q("bool", must=musts)


def compile_node(node: Node) -> Query:
    """The Elasticsearch query for a parsed query node."""
    if isinstance(node, Term):
        return _term(node)
    if isinstance(node, Not):
        return Q("bool", must_not=[compile_node(node.child)])
    if isinstance(node, Or):
        return Q("bool", should=[compile_node(c) for c in node.children], minimum_should_match=1)
    if isinstance(node, And):
        must = [compile_node(c) for c in node.children if not isinstance(c, Not)]
        must_not = [compile_node(c.child) for c in node.children if isinstance(c, Not)]
        return Q("bool", must=must, must_not=must_not)
    raise TypeError(f"unknown query node {node!r}")


def text_query(query: SearchQuery) -> Query:
    parsed = query.parsed
    if parsed.root is None:
        # Browsing by facet lists whole records, not every page and segment inside them.
        return Q("terms", kind=list(HEAD_KINDS))
    words: list[str] = []
    for term in parsed.positive_terms():
        for word in analysis.ranking_tokens(term.text):
            if word not in words and len(words) < MAX_RANKING_WORDS:
                words.append(word)
    should = []
    if words:
        # Whole-word (jieba) matches rank above the same characters across word boundaries.
        should.append(Q("match", w_all={"query": " ".join(words), "boost": 0.5}))
    for term in parsed.positive_terms():
        if len(term.phrases) > 1:
            # An unquoted run split into words matches them anywhere in a field; where the
            # text occurs exactly as typed, that document ranks first.
            exact = analysis.phrase_tokens(term.text)
            if exact:
                should.append(phrase(exact, term.field, EXACT_TEXT_BOOST))
    for rank, key in enumerate(query.pins):
        # Every document of a pinned group gains the same: its order inside stays the text's.
        boost = PIN_BOOST * (len(query.pins) - rank)
        should.append(Q("constant_score", filter=Q("term", group=key), boost=boost))
    return Q("bool", must=[compile_node(parsed.root)], should=should)


def facet_filter(name: str, values: list[str]) -> Query:
    return Q("terms", **{f"facets.{name}": values})


def base_filters(query: SearchQuery, policy: AccessPolicy) -> list[Query]:
    filters = access_filter(policy)
    if query.kinds:
        filters.append(Q("terms", group_kind=list(query.kinds)))
    if query.year_from is not None:
        filters.append(Q("range", year_end={"gte": query.year_from}))
    if query.year_to is not None:
        filters.append(Q("range", year_start={"lte": query.year_to}))
    return filters


def heads_only(query: SearchQuery) -> bool:
    """A facet browse (no text): it matches only head documents, exactly one per group, so
    documents counted are groups counted and there is nothing to collapse."""
    return query.parsed.root is None


def _groups(precision: int) -> Agg[Any]:
    """Distinct groups among the documents counted."""
    return A("cardinality", field="group_id", precision_threshold=precision)


def _facet_terms(name: str, heads: bool) -> Agg[Any]:
    terms = A("terms", field=f"facets.{name}", size=FACET_SIZE)
    if not heads:
        terms.metric("groups", _groups(FACET_CARDINALITY_PRECISION))
    return terms


def build_search(
    query: SearchQuery, policy: AccessPolicy, *, using: Elasticsearch, index: str, timeout: float
) -> Search:
    """The complete request for `query`: one collapsed result page, its total and facets.

    A search's facet selections are a ``post_filter``: the hits see them, and each facet's
    counts (a ``filter`` bucket) see every OTHER facet's selection, in the one pass over the
    text match. A browse (``heads_only``) counts documents, not distinct groups — exact, and
    without the cardinality sketches that cost it most of its time — and its selections
    filter the query itself, so the hits, the total and the unselected facets visit only the
    selected records; a selected facet's own counts come from a ``global`` aggregation that
    re-applies the policy and the other selections (the bench's browse of 2M documents: a
    median of 160 ms became 125 ms, 16 ms when a shard's request cache answers it; for a text
    search the global re-application cost more than the post_filter saved: 55 → 92 ms)."""
    facet_filters = {name: facet_filter(name, values) for name, values in query.filters.items()}
    heads = heads_only(query)
    text = text_query(query)
    filters = base_filters(query, policy)
    if heads:
        search = Search(using=using, index=index).query(
            Q("bool", must=[text], filter=[*filters, *facet_filters.values()])
        )
    else:
        search = Search(using=using, index=index).query(Q("bool", must=[text], filter=filters))
    if facet_filters and not heads:
        # Facet selections filter the hits but not the other facets' counts.
        search = search.post_filter(Q("bool", filter=list(facet_filters.values())))
        search.aggs.bucket(
            "total", "filter", Q("bool", filter=list(facet_filters.values()))
        ).metric("groups", _groups(CARDINALITY_PRECISION))
    elif not heads:
        search.aggs["total"] = _groups(CARDINALITY_PRECISION)
    for name in FACETS:
        others = [f for other, f in facet_filters.items() if other != name]
        terms = _facet_terms(name, heads)
        if heads and name in facet_filters:
            scope = Q("bool", filter=[text, *filters, *others])
            search.aggs.bucket(f"f_{name}", "global").bucket("scope", "filter", scope).bucket(
                "values", terms
            )
        elif others and not heads:
            search.aggs.bucket(f"f_{name}", "filter", Q("bool", filter=others)).bucket(
                "values", terms
            )
        else:
            search.aggs[f"f_{name}"] = terms
    if query.sort == "relevance":
        sort: list[Any] = ["_score", {"sort_date": {"order": "desc", "missing": "_last"}}]
    else:
        order = "asc" if query.sort == "date_asc" else "desc"
        sort = [{"sort_date": {"order": order, "missing": "_last"}}, "_score"]
    extra: dict[str, Any] = {"timeout": f"{int(timeout * 1000)}ms"}
    if heads:
        # One document per group: the hit count is the group count, exactly.
        extra["track_total_hits"] = True
    else:
        # Collapse without inner_hits: inner hits cost one extra search per group (measured
        # 5× slower); best_hits_search fetches every group's best hits in one request.
        extra.update(collapse={"field": "group"}, track_total_hits=False)
    search = search.sort(*sort).extra(**extra)
    search = search.source([f"raw.{name}" for name in GROUP_FIELDS])
    return search[query.offset : query.offset + query.per_page]


def ranked_groups_search(
    query: SearchQuery,
    policy: AccessPolicy,
    limit: int,
    *,
    using: Elasticsearch,
    index: str,
    timeout: float,
    within: list[str] | None = None,
) -> Search:
    """The best `limit` groups of `query` (keys only, best first): the result page's query and
    every filter, collapsed on the group, without facets, totals or sources; only groups
    whose key is `within` when that is given."""
    filters = base_filters(query, policy)
    filters += [facet_filter(name, values) for name, values in query.filters.items()]
    if within is not None:
        filters.append(Q("terms", group=within))
    search = Search(using=using, index=index).query(
        Q("bool", must=[text_query(query)], filter=filters)
    )
    if query.sort == "relevance":
        sort: list[Any] = ["_score", {"sort_date": {"order": "desc", "missing": "_last"}}]
    else:
        order = "asc" if query.sort == "date_asc" else "desc"
        sort = [{"sort_date": {"order": order, "missing": "_last"}}, "_score"]
    extra: dict[str, Any] = {"timeout": f"{int(timeout * 1000)}ms", "track_total_hits": False}
    if not heads_only(query):
        extra["collapse"] = {"field": "group"}
    search = search.sort(*sort).extra(**extra).source(["raw.group"])
    return search[0:limit]


def read_total(response: Any, query: SearchQuery) -> int:
    """Distinct groups matched: a browse's hit count, else the total's cardinality."""
    if heads_only(query):
        return int(response["hits"]["total"]["value"])
    total = response["aggregations"]["total"]
    return int(total["groups"]["value"] if "groups" in total else total["value"])


def best_hits_search(
    query: SearchQuery,
    policy: AccessPolicy,
    groups: list[str],
    *,
    using: Elasticsearch,
    index: str,
    timeout: float,
) -> Search:
    """The best HITS_PER_GROUP matching documents of each of `groups` (and how many match),
    under the same query and filters as the result page: one terms/top_hits request."""
    filters = [*base_filters(query, policy), Q("terms", group=groups)]
    filters += [facet_filter(name, values) for name, values in query.filters.items()]
    search = Search(using=using, index=index).query(
        Q("bool", must=[text_query(query)], filter=filters)
    )
    search.aggs.bucket("groups", "terms", field="group", size=len(groups), include=groups).metric(
        "best",
        "top_hits",
        size=HITS_PER_GROUP,
        sort=["_score", {"page_number": "asc"}, {"start_ms": "asc"}, {"id": "asc"}],
        _source=["raw"],
    )
    return search.extra(size=0, timeout=f"{int(timeout * 1000)}ms")


def record_hits_search(
    query: SearchQuery,
    policy: AccessPolicy,
    group: str,
    limit: int,
    *,
    using: Elasticsearch,
    index: str,
    timeout: float,
) -> Search:
    """The best `limit` matching documents of one group, under the access policy."""
    filters = [*access_filter(policy), Q("term", group=group)]
    search = Search(using=using, index=index).query(
        Q("bool", must=[text_query(query)], filter=filters)
    )
    order: list[Any] = ["_score", {"id": "asc"}]
    search = search.sort(*order).source(["raw"])
    return search.extra(timeout=f"{int(timeout * 1000)}ms")[0 : max(1, int(limit))]


def read_facets(aggs: dict[str, Any], query: SearchQuery) -> dict[str, list[FacetValue]]:
    facets: dict[str, list[FacetValue]] = {}
    for name in FACETS:
        selected = set(query.filters.get(name, ()))
        values = []
        agg = aggs[f"f_{name}"]
        if "scope" in agg:  # a browse's selected facet, counted without its own selection
            agg = agg["scope"]
        if "values" in agg:  # counted under the other facets' selections
            agg = agg["values"]
        for bucket in agg["buckets"]:
            key = str(bucket["key"])
            values.append(
                FacetValue(
                    value=key,
                    # distinct groups; a browse's documents are its groups
                    count=bucket["groups"]["value"] if "groups" in bucket else bucket["doc_count"],
                    label=key,
                    selected=key in selected,
                )
            )
        values.sort(key=lambda v: (-v.count, v.value))
        facets[name] = values
    return facets


def read_group(head: dict[str, Any], best: dict[str, Any] | None, pieces: list[str]) -> ResultGroup:
    hits = best["best"]["hits"]["hits"] if best else []
    group = ResultGroup(
        key=head["group"],
        kind=head["group"].partition(":")[0],
        title=head.get("group_title", ""),
        # Every document of a group carries the group's own URL (hits add page/time).
        url=head.get("url", ""),
        score=float(hits[0].get("_score") or 0.0) if hits else 0.0,
        identifier=head.get("group_identifier", ""),
        item_type=head.get("item_type", ""),
        date_text=head.get("date_text", ""),
        hit_count=best["doc_count"] if best else 0,
    )
    for hit in hits:
        # The same Hit builder as the database engine: identical snippets and deep links.
        group.hits.append(make_hit(hit["_source"]["raw"], pieces, float(hit.get("_score") or 0)))
    return group


def completion_query(tokens: list[str], policy: AccessPolicy) -> Query:
    """Scientists and items whose names or titles hold the typed tokens."""
    text = " ".join(tokens)
    if analysis.cjk_char(tokens[-1][0]):
        # Names/titles CONTAINING the characters (a bigram never needs completing).
        match = [Q("match_phrase", t_names=text), Q("match_phrase", t_title=text)]
    else:
        # The last romanised word may be unfinished: qian xues…, tsien hs…
        match = [
            Q("match_phrase_prefix", t_names={"query": text, "max_expansions": 50}),
            Q("match_phrase_prefix", t_title={"query": text, "max_expansions": 50}),
        ]
    return Q(
        "bool",
        should=match,
        minimum_should_match=1,
        filter=[Q("terms", kind=["scientist", "item"]), *access_filter(policy)],
    )
