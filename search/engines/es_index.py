"""The Elasticsearch index: its mapping, how a SearchDocument becomes an ES document, and index
generations behind an alias.

One index for every document kind (item, page, segment, index, scientist, exhibit), with a
``kind`` and a ``group`` field, rather than an index per kind, because:
- results are grouped by item ACROSS kinds (an item's metadata, its OCR pages and its transcript
  segments compete in one ranking and collapse into one group) — one query with ``collapse`` on
  ``group`` does that; per-kind indices would need a multi-index query whose scores are not
  comparable (term statistics differ per index) and whose collapse still spans them;
- facets count groups over the whole match set — one aggregation, not a merge;
- a rebuild swaps ONE alias atomically; several indices would need several swaps that readers
  could observe half-done.

No Chinese analysis runs inside Elasticsearch (no analysis plugin is available offline, and the
integ-test distribution ships only the core analyzers): ``search.analysis`` turns every text into
its token stream in Python and the ``t_<field>`` fields index that stream with the built-in
``whitespace`` analyzer. Queries are compiled from the same analysis, so this engine and the
database engine match exactly the same documents. The original text is kept, unindexed, in
``raw`` for snippets (computed by ``search.highlight`` in Python, identical across engines).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

from elasticsearch import ApiError

from .. import analysis
from ..contract import FACETS, FIELDS, MAX_PAGE, MAX_PER_PAGE, SearchDocument
from .es_transport import Transport

__all__ = [
    "INDEX_SETTINGS",
    "Generations",
    "group_id",
    "index_actions",
    "MAPPING",
    "new_index_name",
    "to_source",
]

logger = logging.getLogger(__name__)

# Fields whose text feeds the jieba ranking stream (body text of pages/segments included).
# The same text the database engine feeds jieba: every field but the type label.
RANKING_FIELDS = tuple(name for name in FIELDS if name != "type")

_TOKEN_FIELD = {"type": "text", "analyzer": "whitespace", "search_analyzer": "whitespace"}

MAPPING: dict[str, Any] = {
    # strict: a typo in to_source() fails loudly instead of creating a stray field.
    "dynamic": "strict",
    # The token streams are derived data: rebuilt from the database, never read back.
    "_source": {"excludes": ["t_*", "w_all"]},
    "properties": {
        "id": {"type": "keyword"},
        "kind": {"type": "keyword"},
        # Collapsed on and counted in every search: build its global ordinals at refresh time,
        # not in the first search after each refresh.
        "group": {"type": "keyword", "eager_global_ordinals": True},
        # The group as a 64-bit number, for counting distinct groups (totals, facet counts):
        # Elasticsearch's cardinality hashes a number directly, where a keyword costs a bitset
        # of every group per facet value and a look-up of each term — measured on 500k
        # documents, a third off the search's p95 (bench/search_bench.py).
        "group_id": {"type": "long"},
        "group_kind": {"type": "keyword"},
        "access_level": {"type": "keyword"},
        "embargo_until": {"type": "date", "format": "strict_date"},
        "year_start": {"type": "integer"},
        "year_end": {"type": "integer"},
        "sort_date": {"type": "date", "format": "strict_date"},
        "page_number": {"type": "integer"},
        "start_ms": {"type": "long"},
        "facets": {
            "type": "object",
            "properties": {name: {"type": "keyword"} for name in FACETS},
        },
        **{f"t_{name}": dict(_TOKEN_FIELD) for name in FIELDS},
        # jieba words, for ranking only: positions are not needed.
        "w_all": {**_TOKEN_FIELD, "index_options": "freqs", "norms": False},
        # The SearchDocument as built, for snippets and result display; not indexed.
        "raw": {"type": "object", "enabled": False},
    },
}

# The shard count comes from settings.ELASTICSEARCH_SHARDS and the replica count from
# settings.ELASTICSEARCH_REPLICAS (see Generations.create_index); a generation being loaded by a
# rebuild has none until its commit (one copy to write is faster; replicas are then copied whole).
INDEX_SETTINGS: dict[str, Any] = {
    "number_of_replicas": 0,
    # Pagination may reach the contract's last page (MAX_PAGE × MAX_PER_PAGE groups).
    "max_result_window": MAX_PAGE * MAX_PER_PAGE,
    "max_inner_result_window": 100,
}


def group_id(group: str) -> int:
    """A stable signed 64-bit number for a group key (collisions: ~1 in 10^10 at a million
    groups, and one would only merge two groups' counts)."""
    digest = hashlib.blake2b(group.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def new_index_name(alias: str) -> str:
    """A concrete index name for a new generation: ``<alias>-<UTC timestamp>``."""
    return f"{alias}-{datetime.now(UTC).strftime('%Y%m%d%H%M%S%f')}"


def _tokens(text: str) -> str:
    return " ".join(analysis.index_tokens(text))


def to_source(doc: SearchDocument) -> dict[str, Any]:
    """The Elasticsearch document for `doc`."""
    source: dict[str, Any] = {
        "id": doc.id,
        "kind": doc.kind,
        "group": doc.group,
        "group_id": group_id(doc.group),
        "group_kind": doc.group.partition(":")[0],
        "access_level": doc.access_level,
        "embargo_until": doc.embargo_until.isoformat() if doc.embargo_until else None,
        "year_start": doc.year_start,
        # Open-ended ranges are single years: the overlap filter then needs no null checks.
        "year_end": doc.year_end if doc.year_end is not None else doc.year_start,
        "sort_date": doc.sort_date.isoformat() if doc.sort_date else None,
        "page_number": doc.page_number,
        "start_ms": doc.start_ms,
        "facets": doc.facet_values(),
        "raw": doc.to_dict(),
    }
    for name, text in doc.text_fields().items():
        if text:
            source[f"t_{name}"] = _tokens(text)
    ranking = " ".join(getattr(doc, name) or "" for name in RANKING_FIELDS)
    words = analysis.ranking_tokens(ranking)
    if words:
        source["w_all"] = " ".join(words)
    return source


def index_actions(index: str, documents: Iterable[SearchDocument]) -> Iterator[dict[str, Any]]:
    """Bulk "index" actions writing `documents` into `index` (an alias or a concrete index)."""
    for doc in documents:
        yield {"_op_type": "index", "_index": index, "_id": doc.id, "_source": to_source(doc)}


class Generations:
    """The concrete indices behind the engine's two aliases: ``<alias>`` (live, searched and
    written) and ``<alias>-building`` (a full rebuild being loaded, written too)."""

    def __init__(self, transport: Transport, alias: str, shards: int, replicas: int = 0):
        self.transport = transport
        self.alias = alias
        self.building_alias = f"{alias}-building"
        self.shards = shards
        self.replicas = replicas
        # Set once the alias is known to exist; writes then go straight to it, and
        # require_alias makes a vanished alias an error instead of a stray auto-created index.
        self.alias_ready = False

    def create_index(self, name: str, *, building: bool = False) -> None:
        body_settings: dict[str, Any] = dict(
            INDEX_SETTINGS, number_of_shards=self.shards, number_of_replicas=self.replicas
        )
        if building:
            # No refreshes and no replicas while a generation is loaded: much faster bulk
            # indexing (the commit restores both).
            body_settings["refresh_interval"] = "-1"
            body_settings["number_of_replicas"] = 0
        self.transport.call(
            f"creating index {name}",
            self.transport.bulk_client().indices.create,
            index=name,
            settings=body_settings,
            mappings={**MAPPING, "_meta": {"state": "building" if building else "live"}},
        )

    def live_indices(self) -> list[str]:
        """Concrete indices the alias points at (normally one; none before the first build)."""
        return self.transport.indices_behind(self.alias)

    def building_indices(self) -> list[str]:
        """Indices a full rebuild is loading right now (normally none)."""
        return self.transport.indices_behind(self.building_alias)

    def ensure_index(self) -> None:
        """Create a first, empty generation behind the alias when there is none (incremental
        indexing before any full rebuild); bring an older generation's mapping up to date."""
        if self.alias_ready:
            return
        live = self.live_indices()
        if live:
            self._add_new_fields(live)
            self.alias_ready = True
            return
        name = new_index_name(self.alias)
        self.create_index(name)
        client = self.transport.client
        try:
            client.indices.update_aliases(actions=[{"add": {"index": name, "alias": self.alias}}])
        except ApiError:
            # Another process created the alias meanwhile: keep theirs, drop ours.
            client.indices.delete(index=name, ignore_unavailable=True)
            if not self.live_indices():
                raise
        self.alias_ready = True

    def _add_new_fields(self, indices: list[str]) -> None:
        """Add fields this version maps to a generation built by an earlier one (adding fields
        is the only mapping change Elasticsearch allows in place), so incremental writes keep
        working under the strict mapping. Documents written before lack them until the next
        full rebuild, which the log asks for."""
        client = self.transport.client
        response = self.transport.call(
            "reading the mapping", client.indices.get_mapping, index=",".join(indices)
        )
        for index, body in response.body.items():
            have = body["mappings"].get("properties", {})
            missing = {k: v for k, v in MAPPING["properties"].items() if k not in have}
            if not missing:
                continue
            self.transport.call(
                f"adding fields to {index}",
                client.indices.put_mapping,
                index=index,
                properties=missing,
            )
            logger.warning(
                "search index %s was built by an earlier version: added %s to its mapping; run "
                "`manage.py rebuild_search_index` so every document has them (until then "
                "result and facet counts leave older documents out)",
                index,
                ", ".join(sorted(missing)),
            )
