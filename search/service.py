"""What views and the API call: one search, whatever engine is configured.

Adds what is the same for every engine: messages for empty/over-long/odd queries, facet labels,
"did you mean" suggestions, and degradation — when the configured engine is unavailable the
database engine answers and the results carry a notice.
"""

from __future__ import annotations

import logging
from functools import lru_cache

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from archive_collections.access import AccessPolicy
from archive_collections.models import Fonds, ItemType, Scientist, ScientistName
from archive_collections.models.choices import LANGUAGE_CHOICES

from . import analysis
from .contract import Completion, SearchQuery, SearchResults
from .engines import EngineUnavailable, configured_name, get_database_engine, get_engine
from .query import MAX_QUERY_CHARS, warning_message

log = logging.getLogger(__name__)


def search(query: SearchQuery, policy: AccessPolicy) -> SearchResults:
    """Run `query` for `policy` on the configured engine, falling back to the database."""
    results = _run(lambda engine: engine.search(query, policy), query)
    parsed = query.parsed
    if parsed.truncated:
        results.messages.append(
            _("The query was longer than %(n)s characters; only the beginning was used.")
            % {"n": MAX_QUERY_CHARS}
        )
    for code in parsed.warnings:
        results.messages.append(warning_message(code))
    if not query.has_criteria:
        if query.text.strip():
            results.messages.append(
                _(
                    "The query has nothing to search for: type a word, a "
                    "name or a phrase in Chinese, pinyin or English."
                )
            )
    _label_facets(results)
    results.suggestions = suggestions(query.text)
    return results


def autocomplete(prefix: str, policy: AccessPolicy, limit: int = 8) -> list[Completion]:
    try:
        return _run_raw(lambda engine: engine.autocomplete(prefix, policy, limit))[0]
    except EngineUnavailable:
        return []


def _run_raw(call):
    engine = get_engine()
    try:
        return call(engine), ""
    except EngineUnavailable as exc:
        if engine.name == "database":
            raise
        log.warning("search: %s unavailable, answering from the database: %s", engine.name, exc)
        notice = _(
            "The search service is not reachable at the moment; these results come from "
            "the built-in index and may rank differently."
        )
        return call(get_database_engine()), notice


def _run(call, query: SearchQuery) -> SearchResults:
    try:
        results, notice = _run_raw(call)
    except EngineUnavailable as exc:
        log.error("search: database engine failed: %s", exc)
        results = SearchResults(query=query, engine="database")
        notice = _("Search is not available at the moment. Please try again later.")
    results.notice = notice
    return results


# --- facet labels -------------------------------------------------------------------------------

#: The heading each facet (contract.FACETS) has on the search page.
FACET_TITLES: dict[str, Promise] = {
    "type": gettext_lazy("Type"),
    "scientist": gettext_lazy("Scientist"),
    "fonds": gettext_lazy("Fonds"),
    "decade": gettext_lazy("Decade"),
    "discipline": gettext_lazy("Discipline"),
    "language": gettext_lazy("Language"),
    "has_transcript": gettext_lazy("Transcript"),
    "has_scan": gettext_lazy("Scans"),
}


def _label_facets(results: SearchResults) -> None:
    facets = results.facets
    labels: dict[str, dict[str, str]] = {
        "type": {code: str(label) for code, label in ItemType.choices},
        "language": {code: str(label) for code, label in LANGUAGE_CHOICES},
        "has_transcript": {"true": _("With transcript"), "false": _("Without transcript")},
        "has_scan": {"true": _("With scans"), "false": _("Without scans")},
    }
    if facets.get("scientist"):
        keys = [v.value for v in facets["scientist"]]
        labels["scientist"] = dict(
            Scientist.objects.filter(identifier__in=keys).values_list("identifier", "name")
        )
    if facets.get("fonds"):
        keys = [v.value for v in facets["fonds"]]
        labels["fonds"] = dict(
            Fonds.objects.filter(identifier__in=keys).values_list("identifier", "title")
        )
    for name, values in facets.items():
        for value in values:
            if name == "decade":
                value.label = _("%(decade)ss") % {"decade": value.value}
            else:
                value.label = str(labels.get(name, {}).get(value.value, value.value))
    for name in ("has_transcript", "has_scan"):
        facets[name] = [v for v in facets.get(name, []) if v.value == "true"]
    if "decade" in facets:
        facets["decade"].sort(key=lambda v: v.value)


# --- did you mean -------------------------------------------------------------------------------


def suggestions(text: str) -> list[str]:
    """Other forms of the query worth offering: the simplified form of a traditional query, and
    the Chinese name of a scientist typed in pinyin or a recorded variant (Tsien Hsue-shen)."""
    text = (text or "").strip()[:100]
    if not text:
        return []
    out: list[str] = []
    simplified = analysis.to_simplified(text)
    if simplified != text:
        out.append(simplified)
    key = analysis.name_key(text)
    if key:
        name = name_keys().get(key)
        if name and name != text and name not in out:
            out.append(name)
    return out[:3]


@lru_cache(maxsize=1)
def _name_keys_cached(version: tuple) -> dict[str, str]:
    keys: dict[str, str] = {}
    for _pk, name, pinyin in Scientist.objects.values_list("pk", "name", "name_pinyin"):
        for form in (pinyin, *analysis.name_forms(name)[1:]):
            if form:
                keys.setdefault(analysis.name_key(form), name)
    names = dict(Scientist.objects.values_list("pk", "name"))
    for scientist_id, variant in ScientistName.objects.values_list("scientist_id", "name"):
        if scientist_id in names:
            keys.setdefault(analysis.name_key(variant), names[scientist_id])
    return keys


_name_version = [0]


def name_keys() -> dict[str, str]:
    """name key → scientist name. Rebuilt after a change in this process (signal) or when
    the number of scientists or variants changed (another process imported some)."""
    version = (_name_version[0], Scientist.objects.count(), ScientistName.objects.count())
    return _name_keys_cached(version)


def names_changed(**kwargs) -> None:
    _name_version[0] += 1


def engine_label() -> str:
    return configured_name()
