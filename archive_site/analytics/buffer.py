"""The buffer counted views wait in until the flush: the `Hit` table (one INSERT per view), or a
Redis list when REDIS_URL is set (one RPUSH; the flush moves the list into `Hit` first).

A beacon's nonce may be used once: the table refuses a second row with it (a partial unique
index, the insert skips the conflict), Redis keeps the nonces it has seen for the token's life.
"""

from __future__ import annotations

import datetime
import json
from functools import cache
from typing import Any

from django.conf import settings

from .models import Hit

LIST_KEY = "analytics:hits"
NONCE_KEY = "analytics:nonce:"
_FIELDS = ("day", "kind", "object_id", "device", "referrer", "visitor", "query", "results", "nonce")


def redis_url() -> str:
    return str(getattr(settings, "ANALYTICS_REDIS_URL", None) or getattr(settings, "REDIS_URL", ""))


@cache
def _client(url: str) -> Any:
    import redis  # only with REDIS_URL: the database buffer needs no client

    return redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)


def record(hit: Hit, *, nonce_seconds: int) -> None:
    url = redis_url()
    if not url:
        Hit.objects.bulk_create([hit], ignore_conflicts=True)
        return
    client = _client(url)
    if hit.nonce and not client.set(NONCE_KEY + hit.nonce, 1, nx=True, ex=nonce_seconds):
        return  # a replay
    client.rpush(LIST_KEY, json.dumps(_as_dict(hit), separators=(",", ":")))


def drain(batch: int = 50_000) -> int:
    """Move what Redis holds into the `Hit` table; returns how many rows. A no-op without Redis."""
    url = redis_url()
    if not url:
        return 0
    client = _client(url)
    moved = 0
    while True:
        pipe = client.pipeline(transaction=True)
        pipe.lrange(LIST_KEY, 0, batch - 1)
        pipe.ltrim(LIST_KEY, batch, -1)
        raw, _ = pipe.execute()
        if not raw:
            return moved
        Hit.objects.bulk_create([_from_json(r) for r in raw], ignore_conflicts=True)
        moved += len(raw)


def _as_dict(hit: Hit) -> dict[str, Any]:
    values = {name: getattr(hit, name) for name in _FIELDS}
    values["day"] = hit.day.isoformat()
    return values


def _from_json(raw: bytes) -> Hit:
    values = json.loads(raw)
    values["day"] = datetime.date.fromisoformat(values["day"])
    return Hit(**{name: values.get(name) for name in _FIELDS if name in values})
