"""Resumption tokens: where a list stopped, signed so that a harvester cannot forge one.

A token carries the list's selection and the keyset position (datestamp, pk) of the last record
sent, never an offset: records added, changed or withdrawn while a harvest runs cannot shift the
pages still to come. A changed record gets a new datestamp, so it comes again further on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core import signing
from django.utils import timezone

from . import config
from .arguments import DateRange
from .errors import BAD_RESUMPTION_TOKEN, OaiError

SALT = "archive_collections.oai.resumption"


@dataclass(frozen=True)
class Selection:
    """What a list request asked for."""

    prefix: str
    set_spec: str | None
    dates: DateRange


@dataclass(frozen=True)
class Position:
    verb: str
    selection: Selection
    datestamp: datetime  # of the last record sent
    pk: int
    cursor: int  # how many records came before the next page
    total: int  # completeListSize, counted when the list began


def issue(position: Position) -> str:
    return signing.dumps(_payload(position), salt=SALT, compress=True)


def expires() -> datetime:
    return timezone.now() + timedelta(seconds=config.token_max_age())


def read(token: str, verb: str) -> Position:
    try:
        payload = signing.loads(token, salt=SALT, max_age=config.token_max_age())
    except signing.SignatureExpired as exc:
        raise OaiError(BAD_RESUMPTION_TOKEN, "the resumption token has expired") from exc
    except signing.BadSignature as exc:
        raise OaiError(BAD_RESUMPTION_TOKEN, "the resumption token is not one we issued") from exc
    try:
        position = _position(payload)
    except (KeyError, TypeError, ValueError) as exc:
        raise OaiError(BAD_RESUMPTION_TOKEN, "the resumption token is malformed") from exc
    if position.verb != verb:
        raise OaiError(BAD_RESUMPTION_TOKEN, f"the resumption token belongs to {position.verb}")
    return position


def _payload(position: Position) -> dict[str, Any]:
    dates = position.selection.dates
    return {
        "v": position.verb,
        "p": position.selection.prefix,
        "s": position.selection.set_spec,
        "f": _text(dates.since),
        "u": _text(dates.before),
        "d": position.datestamp.isoformat(),
        "k": position.pk,
        "c": position.cursor,
        "n": position.total,
    }


def _position(payload: dict[str, Any]) -> Position:
    selection = Selection(
        prefix=str(payload["p"]),
        set_spec=None if payload["s"] is None else str(payload["s"]),
        dates=DateRange(_instant(payload["f"]), _instant(payload["u"])),
    )
    return Position(
        verb=str(payload["v"]),
        selection=selection,
        datestamp=datetime.fromisoformat(payload["d"]),
        pk=int(payload["k"]),
        cursor=int(payload["c"]),
        total=int(payload["n"]),
    )


def _text(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def _instant(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)
