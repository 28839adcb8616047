"""Which sites may show the embeds in a frame.

The list is the union of every active organisation's `embed_origins` (curators keep them in the
organisation's record) and the setting `EMBED_FRAME_ORIGINS` (deployment-wide, e.g. the
programme's own portals). It is read on every embed answer, so it is kept in Django's cache and
dropped whenever an organisation is saved or deleted; `EMBED_ORIGINS_CACHE_SECONDS` bounds how
long another process with its own local-memory cache may keep an old list.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from archive_site import caching

from ..models import Organisation
from ..origins import parse_origins

CACHE_KEY = "partners:embed-origins"


def _configured() -> list[str]:
    text = "\n".join(getattr(settings, "EMBED_FRAME_ORIGINS", []) or [])
    try:
        return parse_origins(text)
    except ValidationError as error:
        raise ImproperlyConfigured(f"EMBED_FRAME_ORIGINS: {' '.join(error.messages)}") from error


def _from_organisations() -> list[str]:
    origins: list[str] = []
    texts = (
        Organisation.objects.filter(active=True)
        .exclude(embed_origins="")
        .order_by("pk")
        .values_list("embed_origins", flat=True)
    )
    for text in texts:
        try:
            found = parse_origins(text)
        except ValidationError:
            # Written past the form's validator (a shell, a fixture): that organisation's list
            # is left out rather than letting one bad line stop every embed.
            continue
        origins.extend(origin for origin in found if origin not in origins)
    return origins


def embed_origins() -> list[str]:
    """The origins allowed to frame embeds, in a stable order, without duplicates."""
    origins: list[str] | None = cache.get(CACHE_KEY)
    if origins is None:
        origins = _from_organisations()
        cache.set(CACHE_KEY, origins, getattr(settings, "EMBED_ORIGINS_CACHE_SECONDS", 300))
    configured = _configured()
    return configured + [origin for origin in origins if origin not in configured]


def forget(**kwargs) -> None:
    """Drop the cached list now and again once the change commits (a request in between may
    have cached the list as it was before). Kept pages name organisations in their credits, so
    the page cache is made stale too."""
    cache.delete(CACHE_KEY)
    transaction.on_commit(lambda: cache.delete(CACHE_KEY))
    caching.invalidate()


def connect() -> None:
    post_save.connect(forget, sender=Organisation, dispatch_uid="partners-embed-origins-save")
    post_delete.connect(forget, sender=Organisation, dispatch_uid="partners-embed-origins-del")
