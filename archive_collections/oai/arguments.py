"""A request's arguments, checked against the verb before anything is looked up."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.http import QueryDict

from .errors import BAD_ARGUMENT, BAD_VERB, OaiError

TOKEN = "resumptionToken"  # noqa: S105 - the protocol's argument name, not a secret


@dataclass(frozen=True)
class VerbRule:
    required: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()
    exclusive: str | None = None  # an argument that may only come alone (with the verb)


LIST = VerbRule(("metadataPrefix",), ("from", "until", "set"), TOKEN)
VERBS: dict[str, VerbRule] = {
    "Identify": VerbRule(),
    "ListMetadataFormats": VerbRule(optional=("identifier",)),
    "ListSets": VerbRule(exclusive=TOKEN),
    "GetRecord": VerbRule(("identifier", "metadataPrefix")),
    "ListIdentifiers": LIST,
    "ListRecords": LIST,
}

DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
SECOND = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")


@dataclass(frozen=True)
class Arguments:
    verb: str
    values: dict[str, str]

    def get(self, name: str) -> str | None:
        return self.values.get(name)


def parse(query: QueryDict) -> Arguments:
    verbs = query.getlist("verb")
    if len(verbs) != 1:
        raise OaiError(BAD_VERB, "give exactly one verb" if verbs else "the verb is missing")
    verb = verbs[0]
    if verb not in VERBS:
        raise OaiError(BAD_VERB, f"unknown verb {verb!r}")
    rule = VERBS[verb]
    values: dict[str, str] = {}
    for name in query:
        if name == "verb":
            continue
        given = query.getlist(name)
        if len(given) > 1:
            raise OaiError(BAD_ARGUMENT, f"{name} is repeated")
        if name not in (*rule.required, *rule.optional, rule.exclusive):
            raise OaiError(BAD_ARGUMENT, f"{verb} takes no argument {name!r}")
        values[name] = given[0]
    if rule.exclusive and rule.exclusive in values:
        if len(values) > 1:
            others = ", ".join(sorted(set(values) - {rule.exclusive}))
            raise OaiError(BAD_ARGUMENT, f"{rule.exclusive} must come alone, not with {others}")
        return Arguments(verb, values)
    missing = [name for name in rule.required if not values.get(name)]
    if missing:
        raise OaiError(BAD_ARGUMENT, f"{verb} needs {', '.join(missing)}")
    return Arguments(verb, values)


@dataclass(frozen=True)
class DateRange:
    """A harvest's datestamp bounds as half-open instants: since <= datestamp < before."""

    since: datetime | None = None
    before: datetime | None = None


def date_range(from_text: str | None, until_text: str | None) -> DateRange:
    since = _instant("from", from_text)
    until = _instant("until", until_text)
    if since and until:
        if since[1] != until[1]:
            raise OaiError(BAD_ARGUMENT, "from and until must have the same granularity")
        if since[0] > until[0]:
            raise OaiError(BAD_ARGUMENT, "from is later than until")
    # `until` is inclusive at its own granularity: the whole day, or the whole second.
    before = until[0] + until[1] if until else None
    return DateRange(since[0] if since else None, before)


def _instant(name: str, text: str | None) -> tuple[datetime, timedelta] | None:
    if text is None:
        return None
    try:
        if DAY.fullmatch(text):
            day = datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=UTC)
            return day, timedelta(days=1)
        if SECOND.fullmatch(text):
            moment = datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
            return moment, timedelta(seconds=1)
    except ValueError:
        pass
    raise OaiError(
        BAD_ARGUMENT, f"{name}={text!r} is not a date as YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ"
    )
