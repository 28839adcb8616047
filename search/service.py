"""What views and the API call: one search, whatever engine is configured.

Adds what is the same for every engine: messages for empty/over-long/odd queries, facet labels,
"did you mean" suggestions, and degradation — when the configured engine is unavailable the
database engine answers and the results carry a notice.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from urllib.parse import urlencode

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from archive_collections.access import AccessPolicy
from archive_collections.models import Fonds, ItemType, Scientist, ScientistName
from archive_collections.models.choices import LANGUAGE_CHOICES

from . import analysis
from .contract import Completion, Hit, SearchQuery, SearchResults
from .documents import scientist_group
from .engines import EngineUnavailable, configured_name, get_database_engine, get_engine
from .engines.hits import record_matches as record_hits_listed
from .query import MAX_QUERY_CHARS, warning_message

log = logging.getLogger(__name__)


def search(query: SearchQuery, policy: AccessPolicy) -> SearchResults:
    """Run `query` for `policy` on the configured engine, falling back to the database. A
    query that is a person's name in one of its forms lists that person's record first."""
    if not query.pinned:
        query.pinned = pinned_groups(query)
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
    if not query.parsed.is_empty:
        for group in results.groups:
            group.matches_url = record_url(group.url, query.text)
    return results


#: Where the record page lists the matches (the element search/record_matches.js fills).
MATCHES_FRAGMENT = "search-matches"


def record_url(url: str, text: str) -> str:
    """A record's page that keeps the query `text` and opens on its list of matches."""
    if not url:
        return ""
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}{urlencode({'q': text})}#{MATCHES_FRAGMENT}"


def record_matches(text: str, record: str, policy: AccessPolicy) -> tuple[list[Hit], int]:
    """The matches of `text` inside one record (a group key: ``item:12``) that `policy` may
    see, in reading order, and how many more documents of it matched only through what they
    carry of the record (its people's names on every page): together they are the result's
    "N matches". ([], 0) when the engines cannot answer."""
    query = SearchQuery(text=text)
    if query.parsed.is_empty:
        return [], 0
    try:
        hits = _run_raw(lambda engine: engine.record_hits(query, policy, record))[0]
    except EngineUnavailable:
        return [], 0
    listed = record_hits_listed(hits)
    return listed, len(hits) - len(listed)


def ranked_groups(query: SearchQuery, policy: AccessPolicy, limit: int) -> list[str]:
    """The keys of the best `limit` groups search() lists for `query`, in its order (the name
    of a person first, as there); [] when the engines cannot answer."""
    if not query.pinned:
        query.pinned = pinned_groups(query)
    try:
        return _run_raw(lambda engine: engine.ranked_groups(query, policy, limit))[0]
    except EngineUnavailable:
        return []


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


@lru_cache(maxsize=1)
def _name_groups_cached(version: tuple) -> dict[str, tuple[str, ...]]:
    groups: dict[str, list[str]] = {}

    def add(form: str, pk: int) -> None:
        key = analysis.name_key(form)
        if key and scientist_group(pk) not in groups.setdefault(key, []):
            groups[key].append(scientist_group(pk))

    for pk, name, pinyin in Scientist.objects.values_list("pk", "name", "name_pinyin"):
        for form in (pinyin, *analysis.name_forms(name)):
            if form:
                add(form, pk)
    for pk, variant in ScientistName.objects.values_list("scientist_id", "name"):
        add(variant, pk)
    return {key: tuple(values) for key, values in groups.items()}


def pinned_groups(query: SearchQuery) -> tuple[str, ...]:
    """The scientists' groups the query names exactly, in any recorded form of the name (汉字,
    simplified or traditional, pinyin with or without spaces or tones, Wade–Giles, English,
    former names): listed first by relevance. A query with more than a name pins nobody."""
    text = (query.text or "").strip()
    if not text or len(text) > 100 or query.sort != "relevance":
        return ()
    key = analysis.name_key(text)
    if not key:
        return ()
    version = (_name_version[0], Scientist.objects.count(), ScientistName.objects.count())
    return _name_groups_cached(version).get(key, ())


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
