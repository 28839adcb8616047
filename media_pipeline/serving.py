"""Streaming a stored file over HTTP with conditional requests and single byte ranges.

Written against the Storage API only (open/size/seek/read), so it serves local and S3 storages
alike; audio and video players need ranges to seek.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.files.storage import Storage
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase

from archive_collections.http import content_disposition

from .s3 import is_s3, iter_span

CHUNK_BYTES = 256 * 1024
CACHE_SECONDS = 3600
_RANGE = re.compile(r"^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$", re.IGNORECASE)
_TEXT_TYPES = ("text/", "application/xml", "application/x-subrip")
UNSATISFIABLE = "unsatisfiable"


@dataclass(frozen=True)
class StoredFile:
    storage: Storage
    name: str
    content_type: str
    filename: str
    etag: str
    public: bool


#: Types a browser shows as media (an SVG excepted: it is a document that can run script).
_INLINE_TYPES = ("image/", "audio/", "video/", "application/pdf")


def serve_stored(request, stored: StoredFile) -> HttpResponseBase:
    try:
        size = stored.storage.size(stored.name)
    except (FileNotFoundError, OSError) as exc:
        raise Http404 from exc
    if _matches(request.headers.get("If-None-Match"), stored.etag):
        return _finish(HttpResponse(status=304), stored)
    byte_range = None
    if _if_range_allows(request.headers.get("If-Range"), stored.etag):
        byte_range = parse_range(request.headers.get("Range"), size)
    if byte_range == UNSATISFIABLE:
        response: HttpResponseBase = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return _finish(response, stored)
    if byte_range is None and not is_s3(stored.storage):
        fileobj = stored.storage.open(stored.name, "rb")
        response = FileResponse(fileobj, content_type=_content_type(stored.content_type))
        response["Content-Length"] = str(size)
    else:
        # Spans are read with ranged GETs on S3: opening an S3 file would download it whole.
        start, end = byte_range or (0, size - 1)
        response = StreamingHttpResponse(
            iter_span(stored.storage, stored.name, start, end, CHUNK_BYTES),
            status=206 if byte_range else 200,
            content_type=_content_type(stored.content_type),
        )
        if byte_range:
            response["Content-Range"] = f"bytes {start}-{end}/{size}"
        response["Content-Length"] = str(end - start + 1)
    # Media opens in the browser; anything else (text, XML, an SVG or HTML page an outsider
    # uploaded) is only ever downloaded, never shown on the site's origin.
    response["Content-Disposition"] = content_disposition(
        stored.filename, attachment=not _shown_inline(stored.content_type)
    )
    return _finish(response, stored)


def parse_range(header: str | None, size: int):
    """(start, end) inclusive for one satisfiable range, UNSATISFIABLE, or None to send it all.

    Several ranges, other units and malformed headers are answered with the whole file, as
    RFC 9110 allows.
    """
    match = _RANGE.match(header or "")
    if not match or size == 0:
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:
        suffix = int(last)
        return (max(size - suffix, 0), size - 1) if suffix > 0 else UNSATISFIABLE
    start = int(first)
    end = int(last) if last else size - 1
    if start >= size:
        return UNSATISFIABLE
    if end < start:
        return None
    return start, min(end, size - 1)


def _shown_inline(mime: str) -> bool:
    return mime.startswith(_INLINE_TYPES) and not mime.startswith("image/svg")


def _content_type(mime: str) -> str:
    return f"{mime}; charset=utf-8" if mime.startswith(_TEXT_TYPES) else mime


def _matches(header: str | None, etag: str) -> bool:
    if not header:
        return False
    tags = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    return "*" in tags or etag in tags


def _if_range_allows(header: str | None, etag: str) -> bool:
    # If-Range with a date or another validator means the client's copy may be stale.
    return header is None or header.strip() == etag


def _finish(response: HttpResponseBase, stored: StoredFile) -> HttpResponseBase:
    response["ETag"] = stored.etag
    response["Accept-Ranges"] = "bytes"
    response["X-Content-Type-Options"] = "nosniff"
    scope = "public" if stored.public else "private"
    response["Cache-Control"] = f"{scope}, max-age={CACHE_SECONDS}"
    if not _shown_inline(stored.content_type):
        # Text or XML opened in a tab must not run script on the site's origin.
        response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response
