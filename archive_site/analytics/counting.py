"""Counting one view: who asked is reduced to a device class and, for unique visitors, a hash under
a salt that lives one day; the view goes to the buffer; a flush is queued at most once a minute.

Counting never fails a page: a database or Redis error is logged and the view is not counted.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import secrets

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from . import buffer
from .agents import device_class, is_bot, referrer_domain
from .models import READ_KINDS, DaySalt, Hit, Kind

logger = logging.getLogger(__name__)

SIGNING_NAMESPACE = "archive_site.analytics.beacon"
FLUSH_KEY = "analytics:flush-queued"
_salts: dict[datetime.date, str] = {}


def enabled() -> bool:
    return bool(getattr(settings, "ANALYTICS_ENABLED", True))


def token_max_age() -> int:
    """How old a page's counting token may be: a page kept by the page cache (PAGE_CACHE_SECONDS)
    and then by the browser while it is read still counts; a token copied days later does not."""
    return int(getattr(settings, "ANALYTICS_TOKEN_SECONDS", 6 * 3600))


def make_token(kind: Kind, object_id: int) -> str:
    return signing.TimestampSigner(salt=SIGNING_NAMESPACE).sign(f"{int(kind)}.{int(object_id)}")


def read_token(token: str) -> tuple[Kind, int] | None:
    """The kind and key a token names, or None for a forged, malformed or expired one."""
    try:
        value = signing.TimestampSigner(salt=SIGNING_NAMESPACE).unsign(
            token, max_age=token_max_age()
        )
        kind_text, _, id_text = value.partition(".")
        kind = Kind(int(kind_text))
        object_id = int(id_text)
    except (signing.BadSignature, ValueError):
        return None
    if kind not in READ_KINDS or object_id <= 0:
        return None
    return kind, object_id


def day_salt(day: datetime.date) -> str:
    salt = _salts.get(day)
    if salt is None:
        try:
            salt = DaySalt.objects.get_or_create(day=day, defaults={"salt": secrets.token_hex(32)})[
                0
            ].salt
        except IntegrityError:  # another process made it first
            salt = DaySalt.objects.get(day=day).salt
        _salts.clear()  # yesterday's salt leaves this process's memory too
        _salts[day] = salt
    return salt


def visitor_hash(day: datetime.date, address: str, user_agent: str) -> str:
    material = f"{day_salt(day)}|{address}|{user_agent}".encode()
    return hashlib.blake2b(material, digest_size=8).hexdigest()


def count(
    request: HttpRequest,
    kind: Kind,
    object_id: int = 0,
    *,
    referrer: str = "",
    nonce: str | None = None,
    query: str = "",
    results: int | None = None,
    address: str | None = None,
    user_agent: str | None = None,
) -> bool:
    """Record one view; False when it is not counted (a robot, counting off, an error). The
    visitor is the request's own address and user agent unless the front cache passed them
    (`address`, `user_agent`: views/front_file)."""
    if user_agent is None:
        user_agent = request.headers.get("User-Agent", "")
    if address is None:
        address = request.META.get("REMOTE_ADDR", "")
    if not enabled() or is_bot(user_agent):
        return False
    try:
        day = timezone.localdate()
        hit = Hit(
            day=day,
            kind=kind,
            object_id=object_id,
            device=device_class(user_agent),
            referrer=referrer_domain(referrer, request.get_host()) if referrer else "",
            visitor=visitor_hash(day, address, user_agent),
            query=normalise_query(query),
            results=results,
            nonce=nonce,
        )
        buffer.record(hit, nonce_seconds=token_max_age())
        _queue_flush()
    except Exception:  # noqa: BLE001 — a count is never worth a failed page
        logger.warning("analytics: a view was not counted", exc_info=True)
        return False
    return True


def normalise_query(query: str) -> str:
    return " ".join(query.split()).lower()[:200]


def _queue_flush() -> None:
    seconds = int(getattr(settings, "ANALYTICS_FLUSH_SECONDS", 60))
    if seconds <= 0 or not cache.add(FLUSH_KEY, 1, seconds):
        return
    from .tasks import flush_counts  # the task module imports the flush, which imports this one

    transaction.on_commit(flush_counts.enqueue)
