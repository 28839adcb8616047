"""Wagtail's own search backend (admin page, image, document and snippet search) on
Elasticsearch 8, able to run on a node that has only Elasticsearch's core analysis.

Wagtail's stock index settings (``modelsearch``'s ``ElasticsearchBaseSearchBackend.settings``)
build their ``ngram_analyzer`` and ``edgengram_analyzer`` from the ``ngram``/``edge_ngram``
tokenizers and filters and the ``asciifolding`` filter. Those live in Elasticsearch's
``analysis-common`` module, which every full distribution ships but the integ-test node this
project runs for tests and demos (``scripts/services/elasticsearch.sh``) does not — and that node
refuses to create such an index at all, so stock Wagtail's ``update_index`` fails there.

This backend keeps Wagtail's stock analysis wherever the node supports it. When the node refuses
an index because an analysis component is missing, it creates the index with core analysis only
(``standard`` tokenizer + ``lowercase`` under the same analyzer names, so Wagtail's mappings are
unchanged) and logs one warning naming the missing component. With core analysis the
"edgengram" analyzer indexes whole tokens: admin search matches whole Latin words instead of
word beginnings, while Chinese still matches because the standard tokenizer splits CJK text into
single characters and Wagtail's admin search requires all of them (operator AND).

Why try-then-remember rather than probing the node up front: index creation is the only request
the analysis affects, and it is rare (``manage.py update_index``), whereas Wagtail builds a new
backend object for every indexed save and every admin search — a probe there would cost a
request each time. The node's own refusal is also the ground truth: a module list or plugin API
may be hidden (managed clusters) or name components differently. So the first creation tries the
stock settings; a refusal for a missing component is remembered per node for the life of the
process (module-level, because backend objects are short-lived), and later creations on that node
go straight to core analysis without another refused request or warning. A process started after
the node gained the module tries the stock settings again.

It also answers a search of an index that does not exist yet (before the first
``manage.py update_index``) with no results and a warning, where stock Wagtail raises a server
error on every admin listing of that kind; and while the node is unreachable, it answers from the
database with Wagtail's fallback search (a substring match on the same search fields) and a
warning, instead of a server error on every admin listing, chooser and search box. Writes meanwhile
fail quietly and are logged (Wagtail's ``catch_indexing_errors``); `update_index` catches up.
"""

from __future__ import annotations

import copy
import logging
import re

from elasticsearch import ApiError, NotFoundError, TransportError
from modelsearch.backends.database.fallback import (
    DatabaseSearchBackend,
    DatabaseSearchQueryCompiler,
    DatabaseSearchResults,
)
from modelsearch.backends.elasticsearch8 import (
    Elasticsearch8Index,
    Elasticsearch8SearchBackend,
    Elasticsearch8SearchResults,
)

__all__ = [
    "CORE_ANALYSIS",
    "ArchiveElasticsearchBackend",
    "SearchBackend",
    "forget_node_capabilities",
    "missing_analysis_component",
]

logger = logging.getLogger(__name__)

# Both analyzers Wagtail's mappings name, built only from what Elasticsearch's server core
# provides. The standard tokenizer emits each CJK character as a token.
CORE_ANALYSIS = {
    "analyzer": {
        "ngram_analyzer": {"type": "custom", "tokenizer": "standard", "filter": ["lowercase"]},
        "edgengram_analyzer": {"type": "custom", "tokenizer": "standard", "filter": ["lowercase"]},
    }
}

# How Elasticsearch 8 words a refusal for a missing analysis component, e.g.
#   "Unknown tokenizer type [ngram] for [ngram_tokenizer]"          (a type in the definitions)
#   "Custom Analyzer [a] failed to find filter under name [asciifolding]"  (a named component)
#   "failed to find global tokenizer under [keyword]"                 (the _analyze API)
_MISSING = re.compile(
    r"Unknown (?P<kind>tokenizer|filter|char_filter|analyzer) type \[(?P<name>[^\]]+)\]"
    r"|failed to find (?:global )?(?P<kind2>tokenizer|filter|char_filter|analyzer) under "
    r"(?:name )?\[(?P<name2>[^\]]+)\]"
)

# Node (its host configuration) -> the missing component it reported, for this process.
_core_only_nodes: dict[str, str] = {}
# (node, index) pairs already reported missing at search time: one warning each per process.
_reported_missing_indices: set[tuple[str, str]] = set()
# Nodes already reported unreachable at search time, for this process: one warning each.
_reported_unreachable: set[str] = set()


def missing_analysis_component(error: BaseException) -> str | None:
    """The analysis component whose absence made Elasticsearch refuse a request, described as
    e.g. ``"tokenizer type [ngram]"`` or ``"filter [asciifolding]"``; None when the refusal
    is anything else (index already exists, bad mapping, node down…), which must not be
    papered over by changing the analysis."""
    refusal = _analysis_refusal(error)
    return refusal[0] if refusal else None


def _analysis_refusal(error: BaseException) -> tuple[str, str] | None:
    """(missing component, Elasticsearch's reason) for a missing-component refusal."""
    if not isinstance(error, ApiError) or error.meta.status != 400:
        return None
    body = error.body if isinstance(error.body, dict) else {}
    top = body.get("error")
    if not isinstance(top, dict):
        return None
    for cause in (top, *top.get("root_cause", ())):
        if not isinstance(cause, dict) or cause.get("type") != "illegal_argument_exception":
            continue
        reason = str(cause.get("reason", ""))
        match = _MISSING.search(reason)
        if match:
            if match["kind"]:
                return f"{match['kind']} type [{match['name']}]", reason
            return f"{match['kind2']} [{match['name2']}]", reason
    return None


def forget_node_capabilities() -> None:
    """Forget which nodes lacked analysis components (the next index creation tries Wagtail's
    stock settings again). For tests, and for a long-running process after a node upgrade."""
    _core_only_nodes.clear()
    _reported_missing_indices.clear()
    _reported_unreachable.clear()


class CoreAnalysisFallbackIndex(Elasticsearch8Index):
    def put(self):
        self.backend.create_index(self.name)


def _index_not_found(error: NotFoundError) -> bool:
    return error.error == "index_not_found_exception"


class MissingIndexTolerantResults(Elasticsearch8SearchResults):
    """Search results that are empty, with a warning in the log, while the model's index does
    not exist yet — stock Wagtail answers the admin search with a server error until someone
    has run ``manage.py update_index`` (or saved an object of that kind) — and that come from
    the database while the node cannot be reached. Refusals by a reachable node still raise."""

    def _database_results(self, error: TransportError) -> DatabaseSearchResults:
        node = self.backend._node_label()
        if node not in _reported_unreachable:
            _reported_unreachable.add(node)
            logger.warning(
                "Elasticsearch at %s is unreachable (%s): Wagtail's admin search answers from "
                "the database (substring match on the same fields) until it is back.",
                node,
                error,
            )
        compiler = self.query_compiler
        fallback = DatabaseSearchResults(
            DatabaseSearchBackend({}),
            DatabaseSearchQueryCompiler(
                compiler.queryset,
                compiler.query,
                fields=compiler.fields,
                order_by_relevance=compiler.order_by_relevance,
            ),
            prefetch_related=self.prefetch_related,
        )
        fallback.start, fallback.stop = self.start, self.stop
        fallback._score_field = self._score_field
        return fallback

    def _do_search(self):
        # The stock method is a generator: its request runs on iteration, so iterate here
        # (results() makes a list of it anyway).
        try:
            return list(super()._do_search())
        except TransportError as error:
            return list(self._database_results(error)._do_search())

    def facet(self, field_name):
        try:
            return super().facet(field_name)
        except TransportError as error:
            return self._database_results(error).facet(field_name)

    def _report_missing(self) -> None:
        index = self.backend.get_index_for_model(self.query_compiler.queryset.model).name
        key = (self.backend._node_key(), index)
        if key not in _reported_missing_indices:
            _reported_missing_indices.add(key)
            logger.warning(
                "Wagtail's search index %s does not exist on Elasticsearch at %s: admin search "
                "finds nothing of this kind until `manage.py update_index` has run.",
                index,
                self.backend._node_label(),
            )

    def _backend_do_search(self, body, **kwargs):
        # Every search request (result pages, scrolls' first page, facet counts) goes through
        # here: a missing index answers like an empty one.
        try:
            return super()._backend_do_search(body, **kwargs)
        except NotFoundError as error:
            if not _index_not_found(error):
                raise
            self._report_missing()
            return {
                "hits": {"total": {"value": 0, "relation": "eq"}, "hits": []},
                "aggregations": {name: {"buckets": []} for name in body.get("aggregations", {})},
            }

    def _do_count(self):
        try:
            return super()._do_count()
        except NotFoundError as error:
            if not _index_not_found(error):
                raise
            self._report_missing()
            return 0
        except TransportError as error:
            return self._database_results(error)._do_count()


class ArchiveElasticsearchBackend(Elasticsearch8SearchBackend):
    """Wagtail's Elasticsearch 8 backend, creating indices with core analysis when the node
    lacks the components of the stock analysis (see the module docstring), and answering
    searches of a not yet created index with no results instead of an error."""

    index_class = CoreAnalysisFallbackIndex
    results_class = MissingIndexTolerantResults

    def _node_key(self) -> str:
        return repr(self.hosts)

    def _node_label(self) -> str:
        # Host and port only: never the credentials a URL may carry.
        labels = []
        for host in self.hosts or ():
            if isinstance(host, dict):
                labels.append(f"{host.get('scheme', 'http')}://{host['host']}:{host['port']}")
            else:
                labels.append(str(host).rsplit("@", 1)[-1])
        return ", ".join(labels)

    def core_settings(self) -> dict:
        """The configured index settings with the analysis replaced by ``CORE_ANALYSIS`` (and
        the n-gram width limit, meaningless without n-grams, dropped); everything else, e.g.
        shard counts from INDEX_SETTINGS, is kept."""
        result = copy.deepcopy(self.settings)
        index_settings = result.setdefault("settings", {})
        index_settings["analysis"] = copy.deepcopy(CORE_ANALYSIS)
        index_block = index_settings.get("index")
        if isinstance(index_block, dict):
            index_block.pop("max_ngram_diff", None)
            if not index_block:
                del index_settings["index"]
        return result

    def uses_core_analysis(self) -> bool:
        """Whether this process has seen this node refuse the stock analysis."""
        return self._node_key() in _core_only_nodes

    def create_index(self, name: str) -> None:
        key = self._node_key()
        if key in _core_only_nodes:
            self.es.indices.create(index=name, **self.core_settings())
            return
        try:
            self.es.indices.create(index=name, **self.settings)
        except ApiError as error:
            refusal = _analysis_refusal(error)
            if refusal is None:
                raise
            missing, reason = refusal
            _core_only_nodes[key] = missing
            logger.warning(
                "Elasticsearch at %s has no analysis %s, which Wagtail's search index needs "
                "(it refused creating index %s: %s). Wagtail's indices on this node are created "
                "with core analysis only (standard tokenizer + lowercase): admin search matches "
                "whole words, and Chinese character by character, instead of word beginnings. "
                "Install Elasticsearch's analysis-common module (in every full distribution) "
                "and run `manage.py update_index` to restore partial-word matching.",
                self._node_label(),
                missing,
                name,
                reason,
            )
            self.es.indices.create(index=name, **self.core_settings())


SearchBackend = ArchiveElasticsearchBackend
