"""Bounds on what the IIIF image service renders on request (render.py): a byte quota on the
rendered-region cache with least-recently-used eviction, a per-client limit on renders, and the
check that a file's master is still there.

Settings (read here, with these defaults):

- ``IIIF_RENDER_CACHE_MAX_BYTES`` (1 GiB): the rendered-region cache (``iiif-cache/`` in the
  derivatives storage) is trimmed back to 90 % of this when it grows past it.
- ``IIIF_RENDER_RATE_LIMIT`` (60) renders per ``IIIF_RENDER_RATE_WINDOW`` (60 s) per client
  address; the next is answered 429 with Retry-After. Only renders count: static tiles, listed
  sizes and renders already cached are served whatever the count. 0 turns the limit off.
  An exhibit page's deep-zoom details are renders too (a few widths each) until cached, so the
  limit is set well above what a class behind one school address opens in a minute.
- ``IIIF_CLIENT_ADDRESS_META`` ("REMOTE_ADDR"): the request.META key holding the client's
  address. Behind a proxy, the header the proxy sets (e.g. "HTTP_X_REAL_IP"); never a header a
  client can set itself when no proxy overwrites it.
- ``IIIF_MASTER_CHECK_SECONDS`` (60): how long the answer "this master exists" is kept in
  Django's cache for storages where asking costs a request (S3); local disks are asked each time.

The quota costs no walk in any request. Each stored render adds its size to a counter in Django's
cache; when the bytes stored since the last count reach a tenth of the quota, the request
enqueues the task `trim_render_cache`, which a worker runs: it counts the cache once (one
listing: os.scandir locally, one LIST per 1,000 objects on S3) and deletes the least recently
used renders until the cache is back under 90 %. The walk is thus paid once per quota/10 bytes
of new renders, and never by a visitor's request. Recency is the file's modification time,
which a cache hit refreshes (os.utime) on a local disk; on S3, where that would be a copy, a
hit (and a store) is noted in Django's cache and the walk takes the later of the two. With
Django's cache in Redis the counter and the notes are shared by every process; with the
per-process local-memory default each process counts its own renders, so the cache may exceed
the quota by up to one tenth of it per web process until the next count, and on S3 the
recency noted by one process is not seen by the worker (the walk falls back to write times).
"""

from __future__ import annotations

import hashlib
import logging
import math
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import FileSystemStorage, Storage
from django_tasks import task

from ..s3 import is_s3
from ..storage import derivative_storage, master_storage
from .tiles import CACHE_ROOT

logger = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 1024**3
DEFAULT_RATE_LIMIT = 60
DEFAULT_RATE_WINDOW = 60
DEFAULT_MASTER_CHECK_SECONDS = 60
# Trimmed back to this share of the quota, and counted again after this share of it is written.
LOW_WATER = 0.9
RECOUNT_SHARE = 0.1
_ADDED_KEY = "iiif-render-cache:added"
_COUNTING_KEY = "iiif-render-cache:counting"
_USED_PREFIX = "iiif-render-cache:used:"
_USED_SECONDS = 30 * 24 * 3600
_COUNT_LOCK_SECONDS = 600


def max_bytes() -> int:
    return int(getattr(settings, "IIIF_RENDER_CACHE_MAX_BYTES", DEFAULT_MAX_BYTES))


# --- the master is there -----------------------------------------------------------------------


def master_exists(item_file) -> bool:
    """Whether the file's master is in its storage (as /files/ would find it)."""
    storage = master_storage()
    name = item_file.master.name
    if not name:
        return False
    if isinstance(storage, FileSystemStorage):
        return storage.exists(name)
    key = f"iiif-master:{item_file.pk}:{item_file.sha256}"
    known = cache.get(key)
    if known is None:
        known = storage.exists(name)
        timeout = int(getattr(settings, "IIIF_MASTER_CHECK_SECONDS", DEFAULT_MASTER_CHECK_SECONDS))
        cache.set(key, known, timeout)
    return bool(known)


def forget_master(item_file) -> None:
    """Drop the remembered answer (a render found the master gone)."""
    cache.delete(f"iiif-master:{item_file.pk}:{item_file.sha256}")


# --- renders per client ------------------------------------------------------------------------


@dataclass(frozen=True)
class RateDecision:
    allowed: bool
    retry_after: int = 0


def take_render_slot(request) -> RateDecision:
    """Count one render for the request's client in the current window; refuse past the limit."""
    limit = int(getattr(settings, "IIIF_RENDER_RATE_LIMIT", DEFAULT_RATE_LIMIT))
    if limit <= 0:
        return RateDecision(True)
    window = max(1, int(getattr(settings, "IIIF_RENDER_RATE_WINDOW", DEFAULT_RATE_WINDOW)))
    meta_key = getattr(settings, "IIIF_CLIENT_ADDRESS_META", "REMOTE_ADDR")
    address = (request.META.get(meta_key) or request.META.get("REMOTE_ADDR") or "-").strip()
    now = time.time()
    slot = math.floor(now / window)
    key = f"iiif-render-rate:{hashlib.sha256(address.encode()).hexdigest()[:32]}:{slot}"
    cache.add(key, 0, window + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr: this is the window's first render
        cache.set(key, 1, window + 5)
        count = 1
    if count <= limit:
        return RateDecision(True)
    return RateDecision(False, max(1, math.ceil((slot + 1) * window - now)))


# --- the quota ---------------------------------------------------------------------------------


def note_hit(storage: Storage, name: str) -> None:
    """A cached render was served: it is now the most recently used."""
    if isinstance(storage, FileSystemStorage):
        try:
            os.utime(storage.path(name))
        except OSError:
            pass  # removed meanwhile by a trim or a re-tiling: nothing to keep fresh
    else:
        cache.set(_used_key(name), time.time(), _USED_SECONDS)


def note_stored(size: int) -> None:
    """A render of `size` bytes was stored; have the cache counted when enough was added."""
    cache.add(_ADDED_KEY, 0, None)
    try:
        added = cache.incr(_ADDED_KEY, size)
    except ValueError:
        cache.set(_ADDED_KEY, size, None)
        added = size
    if added >= max(1, int(max_bytes() * RECOUNT_SHARE)):
        cache.set(_ADDED_KEY, 0, None)
        trim_render_cache.enqueue()


@task()
def trim_render_cache() -> int:
    """Count the render cache and trim it to its quota; the number of renders removed."""
    if not cache.add(_COUNTING_KEY, 1, _COUNT_LOCK_SECONDS):
        return 0  # another worker is counting now
    try:
        return trim(derivative_storage()).removed
    finally:
        cache.delete(_COUNTING_KEY)


@dataclass
class TrimReport:
    entries: int = 0
    bytes_before: int = 0
    removed: int = 0
    bytes_after: int = 0


def trim(storage: Storage, limit: int | None = None) -> TrimReport:
    """Count the render cache and, when it holds more than `limit` bytes, delete the least
    recently used renders until it holds at most LOW_WATER of it."""
    limit = max_bytes() if limit is None else limit
    entries = sorted(_entries(storage), key=lambda entry: entry[2])
    report = TrimReport(entries=len(entries), bytes_before=sum(e[1] for e in entries))
    total = report.bytes_before
    if total > limit:
        target = int(limit * LOW_WATER)
        for name, size, _used in entries:
            if total <= target:
                break
            try:
                storage.delete(name)
            except FileNotFoundError:
                pass
            total -= size
            report.removed += 1
        logger.info(
            "IIIF render cache: %d bytes in %d renders, over %d; removed the %d least recently "
            "used, %d bytes left",
            report.bytes_before,
            report.entries,
            limit,
            report.removed,
            total,
        )
    report.bytes_after = total
    return report


def _entries(storage: Storage) -> Iterator[tuple[str, int, float]]:
    """(name, bytes, last used as a timestamp) of every render in the cache."""
    if isinstance(storage, FileSystemStorage):
        yield from _local_entries(storage)
    elif is_s3(storage):
        yield from _with_noted_use(_s3_entries(storage))
    else:
        yield from _with_noted_use(_listed_entries(storage, CACHE_ROOT))


def _local_entries(storage: FileSystemStorage) -> Iterator[tuple[str, int, float]]:
    base = len(str(Path(storage.path("")))) + 1
    stack = [storage.path(CACHE_ROOT)]
    while stack:
        try:
            children = list(os.scandir(stack.pop()))
        except (FileNotFoundError, NotADirectoryError):
            continue
        for child in children:
            try:
                if child.is_dir(follow_symlinks=False):
                    stack.append(child.path)
                elif not child.name.startswith("."):  # .render-* files are being written
                    stat = child.stat(follow_symlinks=False)
                    yield child.path[base:].replace(os.sep, "/"), stat.st_size, stat.st_mtime
            except FileNotFoundError:
                continue  # removed while the walk ran


def _s3_entries(storage) -> Iterator[tuple[str, int, float]]:
    from storages.utils import clean_name

    prefix = storage._normalize_name(clean_name(CACHE_ROOT)).rstrip("/") + "/"
    location = storage._normalize_name("")
    strip = len(location.rstrip("/") + "/") if location else 0
    for summary in storage.bucket.objects.filter(Prefix=prefix):
        yield summary.key[strip:], summary.size, summary.last_modified.timestamp()


def _listed_entries(storage: Storage, prefix: str) -> Iterator[tuple[str, int, float]]:
    try:
        folders, files = storage.listdir(prefix)
    except (FileNotFoundError, NotADirectoryError):
        return
    for file_name in files:
        name = f"{prefix}/{file_name}"
        yield name, storage.size(name), storage.get_modified_time(name).timestamp()
    for folder in folders:
        yield from _listed_entries(storage, f"{prefix}/{folder}")


def _with_noted_use(entries: Iterator[tuple[str, int, float]]) -> Iterator[tuple[str, int, float]]:
    batch: list[tuple[str, int, float]] = []
    for entry in entries:
        batch.append(entry)
        if len(batch) == 500:
            yield from _merge_noted(batch)
            batch = []
    yield from _merge_noted(batch)


def _merge_noted(batch: list[tuple[str, int, float]]) -> Iterator[tuple[str, int, float]]:
    noted = cache.get_many([_used_key(name) for name, _size, _time in batch]) if batch else {}
    for name, size, modified in batch:
        yield name, size, max(modified, noted.get(_used_key(name), 0.0))


def _used_key(name: str) -> str:
    return _USED_PREFIX + hashlib.sha256(name.encode()).hexdigest()[:40]
