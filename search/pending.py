"""The reindex queue: changes ask for result groups, one drain task rebuilds them.

Why a table and not just "one task per transaction": the bursts that hurt do not come in one
transaction. OCR stores each page as soon as it is read (a 300-page PDF is 300 commits, so a
stopped worker resumes where it stopped), and imports, curators and workers write from several
processes at once. Coalescing per transaction alone gave one whole-item reindex per page.

So a request is recorded in two stages:
1. Within a transaction, requested keys collect in memory and leave once, on commit (a rolled
   back transaction's keys ride along with the next commit: harmless, a reindex only copies
   what the database says now).
2. On commit they are upserted into `PendingReindex` (one row per group, unique key). Only a
   request that makes a row newly queued enqueues the `drain` task; while a drain is queued,
   further requests for the same groups only touch their rows. However many processes write,
   a group waits in one row for one drain.

Held requests: a change to a file the pipeline is processing is recorded but not queued
(``hold=True``); the pipeline's ``file_processed`` releases it, so a 300-page OCR is one reindex
when it ends rather than one per page.

No lost updates: every request writes a fresh `stamp`; the drain deletes a row only where the
stamp is still the one it read before reindexing (one conditional DELETE), so a change committed
while its group was being reindexed leaves the row behind and the drain, which loops until no
queued row is left, reindexes it again. A drain that dies leaves its rows queued; the next
request that queues any row enqueues a drain that takes them too.

Setting SEARCH_REINDEX_COALESCE = False restores the earlier behaviour — one reindex task per
committed transaction, nothing held — which the benchmark measures against.
"""

from __future__ import annotations

import logging
import operator
import threading
import uuid
from collections.abc import Iterable, Iterator
from datetime import datetime
from functools import reduce

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django_tasks import task

from .engines import EngineUnavailable, all_engines
from .models import PendingReindex
from .sources import documents_for_groups

log = logging.getLogger(__name__)

#: Groups one drain round reads, rebuilds and writes together.
DRAIN_BATCH = 200
#: Keys per statement (SQLite's bound-parameter limit) and per task in the uncoalesced mode.
KEYS_PER_STATEMENT = 500

_local = threading.local()


def coalescing() -> bool:
    return bool(getattr(settings, "SEARCH_REINDEX_COALESCE", True))


def request(keys: Iterable[str], *, hold: bool = False) -> None:
    """Reindex these groups after the current transaction commits (at once in autocommit);
    with `hold`, record them but wait for a release (see the module docstring)."""
    keys = [key for key in keys if key]
    if not keys:
        return
    if not transaction.get_connection().in_atomic_block:
        _dispatch(dict.fromkeys(keys, hold))
        return
    pending: dict[str, bool] | None = getattr(_local, "keys", None)
    if pending is None:
        pending = _local.keys = {}
    for key in keys:
        # Within one transaction a release wins over a hold of the same group.
        pending[key] = pending.get(key, True) and hold
    # One callback per call: the first to run takes everything pending, and a callback lost
    # with a rolled-back savepoint cannot strand keys of a later, committed transaction.
    transaction.on_commit(_flush)


def _flush() -> None:
    pending: dict[str, bool] = getattr(_local, "keys", None) or {}
    _local.keys = None
    if pending:
        _dispatch(pending)


def _dispatch(requests: dict[str, bool]) -> None:
    if not coalescing():
        for keys in _chunks(list(requests)):
            reindex.enqueue(keys)
        return
    released = [key for key, held in requests.items() if not held]
    held = [key for key, held in requests.items() if held]
    newly_queued = False
    for keys in _chunks(released):
        newly_queued |= _queue(keys)
    for keys in _chunks(held):
        _hold(keys)
    if newly_queued:
        drain.enqueue()


def _chunks(keys: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(keys), KEYS_PER_STATEMENT):
        yield keys[start : start + KEYS_PER_STATEMENT]


def _queue(keys: list[str]) -> bool:
    """Queue these groups; True when one of them was not queued yet (a drain must be enqueued)."""
    stamp, now = uuid.uuid4().hex, timezone.now()
    rows = PendingReindex.objects.filter(group_key__in=keys)
    with transaction.atomic():
        rows.filter(queued=True).update(stamp=stamp, requested_at=now)
        released = rows.filter(queued=False).update(stamp=stamp, queued=True, requested_at=now)
        missing = _insert_missing(keys, stamp, now, queued=True)
    return bool(released or missing)


def _hold(keys: list[str]) -> None:
    stamp, now = uuid.uuid4().hex, timezone.now()
    with transaction.atomic():
        PendingReindex.objects.filter(group_key__in=keys).update(
            stamp=stamp, queued=False, requested_at=now
        )
        _insert_missing(keys, stamp, now, queued=False)


def _insert_missing(keys: list[str], stamp: str, now: datetime, *, queued: bool) -> int:
    present = set(
        PendingReindex.objects.filter(group_key__in=keys).values_list("group_key", flat=True)
    )
    missing = [key for key in keys if key not in present]
    # ignore_conflicts: another process inserting the same group meanwhile queues its own drain.
    PendingReindex.objects.bulk_create(
        [
            PendingReindex(group_key=key, stamp=stamp, queued=queued, requested_at=now)
            for key in missing
        ],
        ignore_conflicts=True,
    )
    return len(missing)


@task()
def drain() -> int:
    """Reindex every queued group, oldest request first, until none is left; returns how many
    groups were reindexed (a group changed during its reindex counts twice)."""
    done = 0
    while True:
        rows = list(
            PendingReindex.objects.filter(queued=True)
            .order_by("requested_at", "pk")
            .values_list("group_key", "stamp")[:DRAIN_BATCH]
        )
        if not rows:
            return done
        _reindex_batch([key for key, _stamp in rows])
        _forget(rows)
        done += len(rows)


def _reindex_batch(keys: list[str]) -> None:
    try:
        reindex_groups(keys)
    except Exception:
        # One record that cannot be built must not stall every group queued behind it: the
        # others go one by one, the culprit is logged (and dropped: it fails the same way until
        # its data or the code is fixed, then a save or a rebuild reindexes it).
        for key in keys:
            try:
                reindex_groups([key])
            except Exception:
                log.exception("search: cannot reindex %s; left out of the index", key)


def _forget(rows: list[tuple[str, str]]) -> None:
    """Delete the rows still holding the stamps the drain read (one statement, so a request
    racing it either lands before — and is seen — or changes the stamp and keeps its row)."""
    conditions = [models.Q(group_key=key, stamp=stamp) for key, stamp in rows]
    PendingReindex.objects.filter(reduce(operator.or_, conditions)).delete()


def reindex_groups(keys: Iterable[str]) -> int:
    """Rebuild these groups in every engine (the database engine always, plus Elasticsearch
    when configured). An unreachable engine is logged and skipped: the database index stays
    current, and a rebuild catches the other up."""
    keys = list(dict.fromkeys(keys))
    built = documents_for_groups(keys)
    gone = [key for key, documents in built.items() if documents is None]
    for engine in all_engines():
        try:
            if gone:
                engine.delete_groups(gone)
            for key, documents in built.items():
                if documents is not None:
                    engine.replace_group(key, documents)
        except EngineUnavailable as exc:
            log.warning(
                "search: %s engine unavailable, %d groups not reindexed there: %s",
                engine.name,
                len(keys),
                exc,
            )
    return len(keys)


@task()
def reindex(keys: list[str]) -> int:
    """Reindex these groups now (the uncoalesced mode's task)."""
    return reindex_groups(keys)
