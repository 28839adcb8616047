"""Who may keep a copy of an answer, and the anonymous page cache that lets a class in at once.

Two middlewares, both in settings.MIDDLEWARE:

`PrivateForSignedInMiddleware` marks every answer to a signed-in user (a session) or to an API
token `Cache-Control: private` with `Vary: Cookie` (and `Vary: Authorization`), whatever the
view set: the archive's access policy makes any view that reads `request.user` depend on it, so
no proxy may hand a researcher's page, search results or restricted file to someone else.
Answers to anonymous visitors keep what their views chose (public tiles stay shareable).

`AnonymousPageCacheMiddleware` renders the public pages (`CACHED_VIEWS`: Wagtail's pages —
home, exhibitions, chapters, stories, teacher resources — and the archive's index, scientist,
fonds, series and item pages) once and serves them from Django's cache (Redis when REDIS_URL is
set in production, local memory otherwise) to anonymous GET and HEAD requests:

- only without a query string (`?page=`, `?type=`, `?file=…`, `?t=` select other views of a
  page; they are rendered as before), and only for requests carrying no session cookie, no
  messages cookie and no Authorization header: a signed-in user is never served a cached page,
  and what they are shown is never stored;
- keyed by scheme, host, path and the interface language (the language switcher's cookie);
- stored only when the answer is a 200 that sets no cookie, is not private or no-store, varies on
  nothing but Cookie and Accept-Language, and left the session and messages untouched;
- the language switcher's CSRF token and the Content-Security-Policy nonce are stored as
  placeholders and each answer gets its own on the way out (the visitor's CSRF cookie and the
  CSP header follow as on any page);
- with an ETag (over the stored bytes) and Last-Modified (when it was rendered), so a browser's
  repeat request is answered 304 without a body.

Invalidation is a generation: every entry records the generation it was rendered in and is used
only while that is still current. `invalidate()` bumps it after the transaction that changed
something commits (once per transaction), from the receivers `connect()` registers: Wagtail pages
published, unpublished, moved or deleted, snippets, images and sites saved, every catalogue
record saved or deleted, the catalogue's `catalogue_changed` and the pipeline's `file_processed`
and `page_texts_replaced`. One generation for the whole site rather than keys per page: a
record's change reaches every page that lists or embeds it (chapters, stories, the scientist's
page, the series and fonds trees, the home page's features), and a publish changes its
neighbours' menus and listings; tracking those dependencies would cost more than re-rendering a
few dozen pages once. Entries also expire after PAGE_CACHE_SECONDS, which bounds what no signal
announces (an embargo that ends, the access date in a citation).

A front cache (nginx, deploy/nginx/archive.conf) may keep these pages too. It marks the anonymous
requests it would store with `X-Front-Cache: store` (and sets that header itself, so a visitor
cannot), and this middleware then answers with the stored page as it is — the CSRF token and the
nonce still placeholders, no CSRF cookie, the CSP header naming the placeholder nonce — plus
`X-Accel-Expires: FRONT_CACHE_SECONDS` for nginx, `X-Front-Csrf: 1` when the page has a form.
nginx fills the placeholders for each visitor (their own CSRF cookie's secret, or a new one it
sets, and a new nonce) and hides the two headers. It cannot see the generation, so it keeps a page
only FRONT_CACHE_SECONDS (10 by default) and then revalidates it here: a 304 while the generation
is unchanged, the new page after a publish.

The generation lives where every process sees it: in the cache itself when the cache is shared
(Redis), else in a small file (PAGE_CACHE_GENERATION_FILE), since local-memory caches are per
process and a publish handled by one gunicorn worker must reach the others. Several machines
need a shared cache (docs/DEPLOYMENT.md).
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date
from django.utils.translation import get_language
from wagtail import views as wagtail_views
from wagtail.images import get_image_model
from wagtail.models import Page, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from archive_collections import signals as catalogue_signals
from archive_collections import views as archive_views
from exhibits.models import Credit
from media_pipeline import signals as pipeline_signals
from media_pipeline.models import FileStatus, ItemFile, PageText

__all__ = [
    "CACHED_VIEWS",
    "AnonymousPageCacheMiddleware",
    "PrivateForSignedInMiddleware",
    "connect",
    "invalidate",
]

#: The views whose anonymous answers are cached.
CACHED_VIEWS: frozenset[Callable[..., Any]] = frozenset(
    {
        wagtail_views.serve,
        archive_views.archive_index,
        archive_views.scientist_list,
        archive_views.scientist_detail,
        archive_views.fonds_detail,
        archive_views.series_detail,
        archive_views.item_detail,
    }
)

GENERATION_KEY = "page-cache:generation"
HIT_HEADER = "X-Page-Cache"
# Set by the front cache (nginx) on the anonymous requests whose answers it may keep.
FRONT_HEADER = "X-Front-Cache"
# The CSRF token as Django's {% csrf_token %} writes it, and the stored stand-in. Visitors' text
# is escaped, so this exact attribute pair with literal quotes comes only from the tag.
_CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="[A-Za-z0-9]+"')
_CSRF_STORED = b'name="csrfmiddlewaretoken" value="%%page-cache-csrf%%"'
# The Content-Security-Policy nonce of inline scripts and styles, likewise one per answer.
_NONCE_STORED = b"%%page-cache-nonce%%"
_COMMAS = re.compile(r"\s*,\s*")
_SHAREABLE_VARY = {"cookie", "accept-language"}
# Headers the outer middlewares add again on every answer; the rest of the view's are kept.
_NOT_STORED = {"content-length", "set-cookie", "vary", "etag", "last-modified", HIT_HEADER.lower()}
_MESSAGES_COOKIE = "messages"


# Cache-Control for signed-in users ---------------------------------------------------------------


class PrivateForSignedInMiddleware:
    """`Cache-Control: private` and `Vary: Cookie` on every answer to a signed-in user;
    `Vary: Authorization` too when the request carried a token. Goes after
    AuthenticationMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        token = "Authorization" in request.headers
        if token or _signed_in(request):
            make_private(response, token=token)
        return response


def _signed_in(request: HttpRequest) -> bool:
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return False  # no session, no user: no query needed to know it
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


def make_private(response: HttpResponse, *, token: bool = False) -> None:
    directives = _COMMAS.split(response.get("Cache-Control", ""))
    kept = [d for d in directives if d and d.split("=")[0].strip().lower() != "s-maxage"]
    if kept:
        response["Cache-Control"] = ", ".join(kept)
    elif response.has_header("Cache-Control"):
        del response["Cache-Control"]
    patch_cache_control(response, private=True)  # drops "public"
    patch_vary_headers(response, ("Cookie", "Authorization") if token else ("Cookie",))


# The anonymous page cache ------------------------------------------------------------------------


class AnonymousPageCacheMiddleware:
    """Serves and stores the anonymous pages of CACHED_VIEWS; last in settings.MIDDLEWARE, so
    the session, CSRF and locale middlewares have run before it and add their headers after."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        pending: tuple[str, str] | None = getattr(request, "_page_cache", None)
        if pending is None or isinstance(response, _CachedPage):
            return response
        key, generation = pending
        if not _storable(request, response):
            return response
        stored = _store(key, generation, request, response)
        if _for_front_cache(request):
            # The page as stored: the token this render made is not in it, so no cookie for it.
            request.META["CSRF_COOKIE_NEEDS_UPDATE"] = False
            front = _serve(request, stored)
            front[HIT_HEADER] = "miss"
            return front
        response[HIT_HEADER] = "miss"
        _validators(response, stored)
        conditional = get_conditional_response(
            request, etag=stored["etag"], last_modified=stored["modified"], response=response
        )
        return conditional or response

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        if view not in CACHED_VIEWS or not _anonymous_candidate(request):
            return None
        key = _key(request)
        generation, entry = _lookup(key)
        if entry is not None and entry["generation"] == generation:
            return _serve(request, entry)
        request._page_cache = (key, generation)  # type: ignore[attr-defined]
        return None


class _CachedPage(HttpResponse):
    """An answer from the cache (so the way out does not store it again)."""


def _seconds() -> int:
    return int(getattr(settings, "PAGE_CACHE_SECONDS", 0))


def _cache() -> BaseCache:
    return caches[getattr(settings, "PAGE_CACHE_ALIAS", "default")]


def _front_seconds() -> int:
    return int(getattr(settings, "FRONT_CACHE_SECONDS", 10))


def _for_front_cache(request: HttpRequest) -> bool:
    return request.headers.get(FRONT_HEADER) == "store" and _front_seconds() > 0


def _anonymous_candidate(request: HttpRequest) -> bool:
    if _seconds() <= 0 or request.method not in ("GET", "HEAD") or request.META.get("QUERY_STRING"):
        return False
    cookies = request.COOKIES
    return (
        settings.SESSION_COOKIE_NAME not in cookies
        and _MESSAGES_COOKIE not in cookies
        and "Authorization" not in request.headers
    )


def _key(request: HttpRequest) -> str:
    where = f"{request.scheme}|{request.get_host()}|{get_language()}|{request.path}"
    return "page-cache:" + hashlib.sha256(where.encode()).hexdigest()[:40]


def _storable(request: HttpRequest, response: HttpResponse) -> bool:
    if request.method != "GET" or response.status_code != 200 or response.streaming:
        return False
    if response.cookies:
        return False
    cache_control = response.get("Cache-Control", "").lower()
    if any(word in cache_control for word in ("private", "no-store", "no-cache")):
        return False
    vary = {v.strip().lower() for v in _COMMAS.split(response.get("Vary", "")) if v.strip()}
    if not vary <= _SHAREABLE_VARY:
        return False
    session = getattr(request, "session", None)
    if session is not None and session.modified:
        return False
    messages = getattr(request, "_messages", None)
    if messages is not None and messages.added_new:
        return False
    user = getattr(request, "user", None)
    return not (user is not None and user.is_authenticated)


def _store(
    key: str, generation: str, request: HttpRequest, response: HttpResponse
) -> dict[str, Any]:
    content = _CSRF_INPUT.sub(_CSRF_STORED, response.content)
    nonce = getattr(request, "_csp_nonce", None)  # django-csp's, once a template asked for it
    if isinstance(nonce, str) and nonce:
        content = content.replace(nonce.encode(), _NONCE_STORED)
    entry = {
        "generation": generation,
        "content": content,
        "headers": [(k, v) for k, v in response.items() if k.lower() not in _NOT_STORED],
        "etag": f'W/"{hashlib.sha256(content).hexdigest()[:32]}"',
        "modified": int(time.time()),
    }
    _cache().set(key, entry, _seconds())
    return entry


def _serve(request: HttpRequest, entry: dict[str, Any]) -> HttpResponse:
    front = _for_front_cache(request)
    not_modified = get_conditional_response(
        request, etag=entry["etag"], last_modified=entry["modified"]
    )
    if not_modified is not None:
        _validators(not_modified, entry)
        not_modified[HIT_HEADER] = "hit"
        if front:
            _front_headers(request, not_modified, entry)
        return not_modified
    content: bytes = entry["content"]
    if front:
        response = _CachedPage(content)
        for name, value in entry["headers"]:
            response[name] = value
        response[HIT_HEADER] = "hit"
        _validators(response, entry)
        _front_headers(request, response, entry)
        return response
    if _CSRF_STORED in content:
        token = get_token(request).encode()
        content = content.replace(_CSRF_STORED, b'name="csrfmiddlewaretoken" value="%s"' % token)
    if _NONCE_STORED in content:
        # A fresh nonce for this answer; asking for it puts it in this answer's CSP header.
        content = content.replace(_NONCE_STORED, str(request.csp_nonce).encode())  # type: ignore[attr-defined]
    response = _CachedPage(content)
    for name, value in entry["headers"]:
        response[name] = value
    response[HIT_HEADER] = "hit"
    _validators(response, entry)
    return response


def _front_headers(request: HttpRequest, response: HttpResponse, entry: dict[str, Any]) -> None:
    """What nginx needs to keep the stored page and fill it in for each visitor."""
    content: bytes = entry["content"]
    if _NONCE_STORED in content:
        # django-csp writes this request's nonce into the header: the placeholder nginx replaces.
        request._csp_nonce = _NONCE_STORED.decode()  # type: ignore[attr-defined]
    if _CSRF_STORED in content:
        response["X-Front-Csrf"] = "1"
    # Nothing of the session went into the stored page (only anonymous renders that left the
    # session untouched are stored): no Vary: Cookie for reading it.
    session = getattr(request, "session", None)
    if session is not None:
        session.accessed = False
    # First: nginx 1.22 reads the headers in order, and a Cache-Control max-age=0 before it
    # would make the answer uncacheable for nginx before X-Accel-Expires is seen.
    cache_control = response.get("Cache-Control")
    if cache_control is not None:
        del response["Cache-Control"]
    response["X-Accel-Expires"] = str(_front_seconds())
    if cache_control is not None:
        response["Cache-Control"] = cache_control


def _validators(response: HttpResponse, entry: dict[str, Any]) -> None:
    response["ETag"] = entry["etag"]
    response["Last-Modified"] = http_date(entry["modified"])
    # Browsers may keep the page but ask again each time (a 304 when nothing changed), so a
    # publish is seen at once. Not "public": the page carries the visitor's own CSRF token.
    patch_cache_control(response, max_age=0, must_revalidate=True)


# The generation -----------------------------------------------------------------------------------


def _shared(cache: BaseCache) -> bool:
    return not isinstance(cache, LocMemCache | DummyCache)


def _generation_file() -> Path:
    return Path(
        getattr(settings, "PAGE_CACHE_GENERATION_FILE", settings.BASE_DIR / "var" / "page-cache")
    )


def _lookup(key: str) -> tuple[str, dict[str, Any] | None]:
    cache = _cache()
    if _shared(cache):
        found = cache.get_many([GENERATION_KEY, key])  # one round trip
        return str(found.get(GENERATION_KEY, "0")), found.get(key)
    try:
        generation = _generation_file().read_text()
    except FileNotFoundError:
        generation = "0"
    return generation, cache.get(key)


def bump() -> None:
    """A new generation now: every stored page is stale."""
    generation = secrets.token_hex(8)
    cache = _cache()
    if _shared(cache):
        cache.set(GENERATION_KEY, generation, None)
        return
    path = _generation_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    scratch = path.with_name(f".{path.name}.{os.getpid()}.{generation}")
    scratch.write_text(generation)
    os.replace(scratch, path)  # readers see the old or the new generation, never half of one


def invalidate() -> None:
    """Bump the generation now, and again once the current transaction commits (registered once
    per transaction). Now: so this transaction's own reads (the request that published, a test)
    never get a page rendered before the change. After the commit: a page that another process
    rendered meanwhile, from the data as it was before the commit, is stale too."""
    bump()
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.in_atomic_block and not any(
        entry[1] is bump
        for entry in connection.run_on_commit  # (savepoints, func, robust)
    ):
        transaction.on_commit(bump)


# Receivers ---------------------------------------------------------------------------------------


def _changed(sender: Any, **kwargs: Any) -> None:
    invalidate()


def _item_file_saved(sender: Any, instance: ItemFile, **kwargs: Any) -> None:
    # A file's steps save it many times while it is processed; file_processed announces the end.
    if instance.status != FileStatus.PROCESSING:
        invalidate()


def connect() -> None:
    """Called from ArchiveSiteConfig.ready()."""
    uid = "archive-site-page-cache"
    for signal in (
        page_published,
        page_unpublished,
        post_page_move,
        catalogue_signals.catalogue_changed,
        pipeline_signals.file_processed,
        pipeline_signals.page_texts_replaced,
    ):
        signal.connect(_changed, dispatch_uid=f"{uid}-{id(signal)}")
    # Senders named one by one (as search does): a receiver for every sender would make Django
    # load and signal each row of every QuerySet.delete().
    # A page's draft saves change nothing live: pages count when published, moved or deleted.
    for page_model in apps.get_models():
        if issubclass(page_model, Page):
            post_delete.connect(
                _changed, sender=page_model, dispatch_uid=f"{uid}-{page_model._meta.label}"
            )
    senders = [
        *apps.get_app_config("collections").get_models(),
        Credit,
        PageText,
        get_image_model(),
        Site,
    ]
    for model in senders:
        for signal in (post_save, post_delete):
            signal.connect(
                _changed, sender=model, dispatch_uid=f"{uid}-{model._meta.label}-{id(signal)}"
            )
    post_save.connect(_item_file_saved, sender=ItemFile, dispatch_uid=f"{uid}-itemfile-saved")
    post_delete.connect(_changed, sender=ItemFile, dispatch_uid=f"{uid}-itemfile-deleted")
