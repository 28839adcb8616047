"""How every API answer is sent: JSON from a schema, an ETag over its bytes (If-None-Match
answers 304), cache headers that keep one user's view out of another's cache, and errors that
name the parameter at fault."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.http import parse_etags
from ninja import Schema
from pydantic import BaseModel

from .schemas import ErrorOut

# What a browser or proxy keys a response on: the token and the session both change what an
# item listing holds, so neither may share a cached copy with the other.
VARY = ("Authorization", "Cookie")


class ApiError(Exception):
    """An answer other than 200, raised from anywhere below a view."""

    def __init__(self, status: int, detail: str, parameter: str | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.parameter = parameter


def error_response(error: ApiError) -> HttpResponse:
    body = ErrorOut(detail=error.detail, parameter=error.parameter).model_dump_json()
    response = HttpResponse(body, status=error.status, content_type="application/json")
    response["Cache-Control"] = "private, no-store"
    patch_vary_headers(response, VARY)
    return response


def bad_parameter(parameter: str, detail: str) -> ApiError:
    return ApiError(400, f"{parameter}: {detail}", parameter)


def query_names(schema: type[Schema]) -> set[str]:
    """The query parameter names a filter schema declares (aliases where given)."""
    return {field.alias or name for name, field in schema.model_fields.items()}


def reject_unknown(request: HttpRequest, allowed: Iterable[str]) -> None:
    """A parameter the operation does not know is an error, not something to ignore: a client
    that sends `page_size` believes it has set the page size."""
    known = set(allowed)
    for name in request.GET:
        if name not in known:
            raise bad_parameter(name, f"unknown parameter; this operation takes {sorted(known)}")


def respond(request: HttpRequest, payload: BaseModel, *, private: bool) -> HttpResponse:
    """`payload` as JSON with an ETag; 304 without a body when the client already has it.

    `private` marks answers that depend on who asks (anything listing or showing items):
    shared caches must not keep them. The rest is the same for everyone."""
    body = payload.model_dump_json().encode()
    etag = f'"{hashlib.sha256(body).hexdigest()[:40]}"'
    wanted = parse_etags(request.headers.get("If-None-Match", ""))
    if etag in wanted or "*" in wanted:
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(body, content_type="application/json")
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache" if private else "public, max-age=60"
    patch_vary_headers(response, VARY)
    return response
