"""A database that cannot be reached answers 503 with Retry-After, not a 500.

Clients must be able to tell "the site is broken" from "try again shortly": the JSON API (and
the older /api/search/) then answers `{"detail": …, "parameter": null}` in its usual error shape,
every other path a small Chinese page rendered from a template that needs no database (no
context processors, no request: the session, the user and Wagtail's settings all live there).

What counts as an outage is narrower than "a database error": an `OperationalError` or
`InterfaceError` raised while opening a connection (server down, refused, unreadable SQLite file),
or by a connection the driver reports closed (the server went away mid-request). A missing table
or a bad query is also an `OperationalError` on SQLite, and stays a 500: it is a bug, and a 503
would tell clients to retry it forever.

Django turns an exception into a 500 response at every middleware layer, so the middleware cannot
catch it itself: `got_request_exception`, sent for each, marks the request, and the middleware
(placed near the top) replaces that request's answer.
"""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Callable, Iterator
from types import TracebackType

from django.conf import settings
from django.core.signals import got_request_exception
from django.db import connections
from django.db.utils import InterfaceError, OperationalError
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.template.loader import get_template
from django.utils import translation
from django.utils.translation import gettext

from archive_site.api.http import ApiError, error_response

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30
# Paths whose clients read JSON: the API and the search API that predates /api/v1/.
API_PREFIXES = ("/api/",)
_MARK = "_database_outage"
# Where a connection is opened: an error raised below one of these is a failed connect.
_CONNECTING = frozenset({"connect", "get_new_connection", "ensure_connection"})


def _chain(error: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _raised_while_connecting(tb: TracebackType | None) -> bool:
    return any(frame.f_code.co_name in _CONNECTING for frame, _line in traceback.walk_tb(tb))


def _a_connection_is_closed() -> bool:
    for connection in connections.all(initialized_only=True):
        raw = connection.connection
        # psycopg marks a connection whose server went away; sqlite3 connections have no flag.
        if raw is not None and getattr(raw, "closed", False):
            return True
    return False


def is_database_outage(error: BaseException) -> bool:
    for link in _chain(error):
        if isinstance(link, (OperationalError, InterfaceError)) and (
            _raised_while_connecting(link.__traceback__) or _a_connection_is_closed()
        ):
            return True
    return False


@receiver(got_request_exception, dispatch_uid="archive_site.outage.mark")
def _mark_outage(sender: object, request: HttpRequest | None = None, **kwargs: object) -> None:
    error = sys.exc_info()[1]
    if request is not None and error is not None and is_database_outage(error):
        setattr(request, _MARK, True)


def _language(request: HttpRequest) -> str:
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    return chosen if chosen in {code for code, _name in settings.LANGUAGES} else "zh-hans"


def outage_response(request: HttpRequest) -> HttpResponse:
    with translation.override(_language(request)):
        if request.path_info.startswith(API_PREFIXES):
            detail = gettext("The database is unavailable; try again shortly.")
            response = error_response(ApiError(503, detail))
        else:
            # A bare Template.render: no RequestContext, so no context processor runs.
            page = get_template("503.html").render({})
            response = HttpResponse(page, status=503, content_type="text/html; charset=utf-8")
            response["Cache-Control"] = "no-store"
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class DatabaseOutageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            response = self.get_response(request)
        except (OperationalError, InterfaceError) as error:
            # Raised by Django's own 500 handling (its error page failed too); anything else is
            # a 500 for the layer above.
            if not is_database_outage(error):
                raise
            setattr(request, _MARK, True)
        else:
            if not getattr(request, _MARK, False):
                return response
        logger.error("Database unavailable: %s %s answered 503", request.method, request.path)
        return outage_response(request)
