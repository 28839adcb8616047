"""The Elasticsearch engine (Elasticsearch 8 through elasticsearch-dsl).

Reads settings:
- ELASTICSEARCH_URL: the node, or several nodes of the cluster comma-separated, e.g.
  http://127.0.0.1:59200 or http://es1:9200,http://es2:9200 (requests go to any of them);
- ELASTICSEARCH_INDEX: the alias searched and written (default "archive"); each full rebuild
  creates a concrete index ``<alias>-<timestamp>`` and swaps the alias to it atomically;
- ELASTICSEARCH_TIMEOUT: seconds a search may take before the page falls back (default 5);
- ELASTICSEARCH_BULK_TIMEOUT: seconds for one bulk request (default 120);
- ELASTICSEARCH_SHARDS: shards per generation (default 2);
- ELASTICSEARCH_REPLICAS: replicas of each shard (default 0: a single node; 1 on a cluster keeps
  every document searchable and writable when a node is lost).

The engine composes four parts: ``es_transport`` (the client; every failure becomes
``EngineUnavailable``), ``es_index`` (mapping, documents, generations behind the alias),
``es_query`` (requests and reading responses; the query semantics are described there) and
``es_rebuild`` (a full rebuild as a new generation).

Writes during a full rebuild: the generation being loaded carries a second alias,
``<alias>-building``. Incremental writes (a record saved, a file finished) go to the live alias
AND to every index behind that one, so nothing saved during a rebuild is lost at the swap. The
rebuild itself only *creates* documents: where an incremental write got there first, its newer
version wins over the rebuild's earlier snapshot.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any, TypeVar

from django.conf import settings
from elasticsearch import Elasticsearch, helpers
from elasticsearch.dsl import Search

from archive_collections.access import AccessPolicy

from .. import analysis, highlight
from ..contract import (
    DOC_KINDS,
    Completion,
    Hit,
    IndexStatus,
    SearchDocument,
    SearchQuery,
    SearchResults,
)
from . import EngineUnavailable, es_query
from .es_index import Generations, index_actions
from .es_rebuild import ElasticsearchRebuild
from .es_transport import BULK_CHUNK, Transport
from .hits import RECORD_MATCHES, make_hit, reading_order
from .within import TooManyKeys, Within

__all__ = ["ElasticsearchEngine", "ElasticsearchRebuild"]

logger = logging.getLogger(__name__)

LISTING_PAGE = 1000
Result = TypeVar("Result")


class ElasticsearchEngine:
    """Search and indexing on an Elasticsearch 8 cluster; see the module docstring."""

    name = "elasticsearch"

    def __init__(
        self, url: str | None = None, alias: str | None = None, timeout: float | None = None
    ):
        self.url = url if url is not None else getattr(settings, "ELASTICSEARCH_URL", "")
        self.alias = (alias or getattr(settings, "ELASTICSEARCH_INDEX", "") or "archive").lower()
        configured_timeout: float = getattr(settings, "ELASTICSEARCH_TIMEOUT", 5)
        self.timeout = float(timeout or configured_timeout)
        self.bulk_timeout = float(getattr(settings, "ELASTICSEARCH_BULK_TIMEOUT", 120))
        self.shards = int(getattr(settings, "ELASTICSEARCH_SHARDS", 2))
        self.replicas = int(getattr(settings, "ELASTICSEARCH_REPLICAS", 0))
        self.transport = Transport(self.url, self.alias, self.timeout, self.bulk_timeout)
        self.generations = Generations(self.transport, self.alias, self.shards, self.replicas)
        self.building_alias = self.generations.building_alias

    # --- plumbing (the transport and the generations, under the engine's names) --------------

    @property
    def client(self) -> Elasticsearch:
        return self.transport.client

    def _call(self, what: str, func: Callable[..., Result], *args: Any, **kwargs: Any) -> Result:
        return self.transport.call(what, func, *args, **kwargs)

    def create_index(self, name: str, *, building: bool = False) -> None:
        self.generations.create_index(name, building=building)

    def live_indices(self) -> list[str]:
        """Concrete indices the alias points at (normally one; none before the first build)."""
        return self.generations.live_indices()

    def building_indices(self) -> list[str]:
        """Indices a full rebuild is loading right now (normally none)."""
        return self.generations.building_indices()

    def ensure_index(self) -> None:
        self.generations.ensure_index()

    # --- writing -----------------------------------------------------------------------------

    def _bulk(
        self, actions: Iterable[dict[str, Any]], what: str, refresh: Any, to_alias: bool = True
    ) -> int:
        try:
            success, _errors = self._call(
                what,
                helpers.bulk,
                self.transport.bulk_client(),
                actions,
                chunk_size=BULK_CHUNK,
                refresh=refresh,
                raise_on_error=True,
                stats_only=False,
                require_alias=to_alias,
            )
        except EngineUnavailable:
            self.generations.alias_ready = False  # check (and recreate) it on the next write
            raise
        return success

    def _write_targets(self) -> list[tuple[str, bool]]:
        """Where an incremental write goes: the live alias, then any generation being built
        (by concrete name: a rebuild may swap the alias away meanwhile)."""
        self.ensure_index()
        return [(self.alias, True), *((name, False) for name in self.building_indices())]

    def index_documents(self, documents: Iterable[SearchDocument]) -> int:
        documents = list(documents)
        written = 0
        for index, is_alias in self._write_targets():
            written = self._bulk(
                index_actions(index, documents), "indexing", refresh=True, to_alias=is_alias
            )
        return written

    def _ids_of_groups(self, groups: Sequence[str], index: str | None = None) -> list[str]:
        """Ids of every document of `groups`, paged with search_after (a group can hold
        thousands of transcript segments)."""
        if index is not None and index != self.alias:
            # A generation being built is not refreshed until it goes live: make what the
            # rebuild wrote so far listable.
            self._call(f"refreshing {index}", self.client.indices.refresh, index=index)
        return list(self._iter_group_ids(groups, index or self.alias))

    def _iter_group_ids(self, groups: Sequence[str], index: str) -> Iterator[str]:
        after = None
        while True:
            body: dict[str, Any] = {
                "query": {"terms": {"group": list(groups)}},
                "_source": False,
                "sort": [{"id": "asc"}],
                "size": LISTING_PAGE,
            }
            if after is not None:
                body["search_after"] = after
            response = self._call(
                "listing group documents", self.client.search, index=index, **body
            )
            hits = response["hits"]["hits"]
            yield from (hit["_id"] for hit in hits)
            if len(hits) < LISTING_PAGE:
                return
            after = hits[-1]["sort"]

    @staticmethod
    def _delete_action(index: str, doc_id: str) -> dict[str, Any]:
        return {"_op_type": "delete", "_index": index, "_id": doc_id}

    def replace_group(self, group: str, documents: Sequence[SearchDocument]) -> None:
        keep = {doc.id for doc in documents}
        for index, is_alias in self._write_targets():
            stale = [_id for _id in self._ids_of_groups([group], index) if _id not in keep]
            actions = [self._delete_action(index, _id) for _id in stale]
            self._bulk(
                [*actions, *index_actions(index, documents)],
                f"replacing {group}",
                True,
                to_alias=is_alias,
            )

    def delete_groups(self, groups: Iterable[str]) -> None:
        groups = list(dict.fromkeys(groups))
        if not groups or not self.live_indices():
            return
        for index, is_alias in self._write_targets():
            for start in range(0, len(groups), 500):
                ids = self._ids_of_groups(groups[start : start + 500], index)
                actions = [self._delete_action(index, _id) for _id in ids]
                if actions:
                    self._bulk(actions, "deleting groups", refresh=True, to_alias=is_alias)

    def clear(self) -> None:
        """Remove every document: an empty new generation replaces the live one atomically
        (the integ-test distribution has no delete-by-query, and this is faster anyway)."""
        if self.live_indices():
            response = self._call("counting documents", self.client.count, index=self.alias)
            if response["count"] == 0:
                return
        rebuild = self.start_rebuild()
        rebuild.commit()

    def start_rebuild(self) -> ElasticsearchRebuild:
        return ElasticsearchRebuild(self.transport, self.generations)

    def refresh(self) -> None:
        self._call("refreshing", self.client.indices.refresh, index=self.alias)

    # --- status ------------------------------------------------------------------------------

    def status(self) -> IndexStatus:
        try:
            indices = self.live_indices()
            if not indices:
                return IndexStatus(
                    engine=self.name,
                    available=True,
                    detail=f"index {self.alias!r} not built yet",
                )
            return IndexStatus(
                engine=self.name,
                available=True,
                counts=self._counts(),
                last_rebuild=self._built_at(),
                detail=f"alias {self.alias} → {', '.join(indices)} at {self.url}",
            )
        except EngineUnavailable as error:
            return IndexStatus(engine=self.name, available=False, detail=str(error))

    def _counts(self) -> dict[str, int]:
        response = self._call(
            "reading index status",
            self.client.search,
            index=self.alias,
            size=0,
            aggs={"kinds": {"terms": {"field": "kind", "size": len(DOC_KINDS) + 5}}},
        )
        counts = {kind: 0 for kind in DOC_KINDS}
        for bucket in response["aggregations"]["kinds"]["buckets"]:
            counts[bucket["key"]] = bucket["doc_count"]
        return counts

    def _built_at(self) -> datetime | None:
        mapping = self._call(
            "reading index metadata", self.client.indices.get_mapping, index=self.alias
        )
        built = None
        for body in mapping.body.values():
            stamp = (body["mappings"].get("_meta") or {}).get("built_at")
            if stamp:
                built = datetime.fromisoformat(stamp)
        return built

    # --- searching ---------------------------------------------------------------------------

    def build_search(self, query: SearchQuery, policy: AccessPolicy) -> Search:
        """The complete request for `query` (exposed for tests and the benchmark)."""
        return es_query.build_search(
            query, policy, using=self.client, index=self.alias, timeout=self.timeout
        )

    def best_hits_search(
        self, query: SearchQuery, policy: AccessPolicy, groups: list[str]
    ) -> Search:
        return es_query.best_hits_search(
            query, policy, groups, using=self.client, index=self.alias, timeout=self.timeout
        )

    def search(self, query: SearchQuery, policy: AccessPolicy) -> SearchResults:
        started = time.perf_counter()
        results = SearchResults(query=query, engine=self.name)
        if not query.has_criteria:
            return results
        request = self.build_search(query, policy)
        response = self._call(
            "searching",
            self.client.search,
            index=self.alias,
            body=request.to_dict(),
            # A browse by facets alone is the same request for every visitor of a facet page
            # (and a selected facet's counts walk every record): each shard's request cache
            # answers a repeat until its next refresh, which drops the entry, so a write is
            # never hidden. Only size-0 requests are cached unless asked, as here.
            request_cache=es_query.heads_only(query) or None,
        )
        self._check_complete(response, "searching")
        aggs = response["aggregations"]
        results.total = es_query.read_total(response, query)
        results.facets = es_query.read_facets(aggs, query)
        heads = [hit["_source"]["raw"] for hit in response["hits"]["hits"]]
        best: dict[str, dict[str, Any]] = {}
        if heads:
            request = self.best_hits_search(query, policy, [h["group"] for h in heads])
            response = self._call(
                "reading best hits", self.client.search, index=self.alias, body=request.to_dict()
            )
            self._check_complete(response, "reading best hits")
            best = {b["key"]: b for b in response["aggregations"]["groups"]["buckets"]}
        pieces = highlight.highlight_pieces(query.parsed)
        results.groups = [
            es_query.read_group(head, best.get(head["group"]), pieces) for head in heads
        ]
        results.took_ms = (time.perf_counter() - started) * 1000
        return results

    def ranked_groups(self, query: SearchQuery, policy: AccessPolicy, limit: int) -> list[str]:
        return self.top_groups(query, policy, limit)

    def top_groups(
        self, query: SearchQuery, policy: AccessPolicy, limit: int, within: Within | None = None
    ) -> list[str]:
        """The admin's ranking (see DatabaseEngine.top_groups): ranked_groups' best `limit`
        among `within`'s records. Beyond within.MAX_KEYS records the node cannot take them as
        a filter: the best matches of all records are ranked, and the caller's queryset keeps
        those of its own."""
        if not query.has_criteria or limit <= 0:
            return []
        keys = None
        if within is not None:
            try:
                keys = within.keys()
            except TooManyKeys:
                keys = None
        request = es_query.ranked_groups_search(
            query,
            policy,
            limit,
            using=self.client,
            index=self.alias,
            timeout=self.timeout,
            within=keys,
        )
        response = self._call(
            "ranking groups", self.client.search, index=self.alias, body=request.to_dict()
        )
        self._check_complete(response, "ranking groups")
        return [hit["_source"]["raw"]["group"] for hit in response["hits"]["hits"]]

    def record_hits(
        self, query: SearchQuery, policy: AccessPolicy, group: str, limit: int = RECORD_MATCHES
    ) -> list[Hit]:
        """Every document of `group` the query matches (see DatabaseEngine.record_hits)."""
        if query.parsed.root is None:
            return []
        request = es_query.record_hits_search(
            query, policy, group, limit, using=self.client, index=self.alias, timeout=self.timeout
        )
        response = self._call(
            "reading a record's matches",
            self.client.search,
            index=self.alias,
            body=request.to_dict(),
        )
        self._check_complete(response, "reading a record's matches")
        pieces = highlight.highlight_pieces(query.parsed)
        return reading_order(
            [
                make_hit(hit["_source"]["raw"], pieces, float(hit.get("_score") or 0))
                for hit in response["hits"]["hits"]
            ]
        )

    def _check_complete(self, response: Any, what: str) -> None:
        """Partial hits would break the recall promise: a search that timed out, or that some
        shard could not answer (every copy of it lost with its nodes), is an unavailable
        engine, and the database engine answers instead."""
        if response.get("timed_out"):
            raise EngineUnavailable(
                f"Elasticsearch at {self.url} timed out after {self.timeout:g}s {what} "
                f"{self.alias!r}"
            )
        shards = response.get("_shards") or {}
        if shards.get("failed"):
            reasons = {
                (failure.get("reason") or {}).get("type", "unknown")
                for failure in shards.get("failures", [])
            }
            raise EngineUnavailable(
                f"Elasticsearch at {self.url}: {shards['failed']} of {shards.get('total')} "
                f"shards of {self.alias!r} did not answer {what} ({', '.join(sorted(reasons))})"
            )

    def autocomplete(self, prefix: str, policy: AccessPolicy, limit: int = 8) -> list[Completion]:
        tokens = analysis.phrase_tokens((prefix or "")[:100])
        if not tokens:
            return []
        limit = max(1, min(int(limit), 20))
        response = self._call(
            "autocomplete",
            self.client.search,
            index=self.alias,
            size=limit * 3,
            query=es_query.completion_query(tokens, policy).to_dict(),
            source=["raw.group_title", "raw.kind", "raw.url"],
            # Scientists first (a name is what people start typing), then the best match.
            sort=[{"kind": "desc"}, "_score", {"id": "asc"}],
        )
        completions: list[Completion] = []
        seen: set[tuple[str, str]] = set()
        for hit in response["hits"]["hits"]:
            raw = hit["_source"]["raw"]
            key = (raw["kind"], raw.get("group_title", ""))
            if key[1] and key not in seen:
                seen.add(key)
                completions.append(Completion(text=key[1], kind=key[0], url=raw.get("url", "")))
            if len(completions) >= limit:
                break
        return completions
