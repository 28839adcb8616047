"""The response envelope, written incrementally so a page leaves as its records are rendered."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from django.utils import timezone
from lxml import etree

from .arguments import Arguments
from .errors import OaiError
from .repository import Repository

OAI = "http://www.openarchives.org/OAI/2.0/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA = "http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd"

if TYPE_CHECKING:
    # lxml names the incremental writer's class only in its type stubs.
    from lxml.etree._serializer import _IncrementalFileWriter as Writer

# A verb's body: writes into the open verb element, yielding whenever a chunk may be sent.
Body = Callable[["Writer"], Iterator[None]]


def utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def leaf(xf: Writer, name: str, text: str, **attrs: str) -> None:
    with xf.element(f"{{{OAI}}}{name}", attrs):
        xf.write(text)


def respond(
    repository: Repository, arguments: Arguments | None, body: Body, *, verb: str | None
) -> Iterator[bytes]:
    """The whole response in chunks. `arguments` are echoed in <request> (None when they were
    not understood); `verb` names the element the body goes in (None for an error)."""
    buffer = io.BytesIO()
    with etree.xmlfile(buffer, encoding="utf-8") as xf:
        xf.write_declaration()
        root_attrs = {f"{{{XSI}}}schemaLocation": f"{OAI} {SCHEMA}"}
        with xf.element(f"{{{OAI}}}OAI-PMH", root_attrs, nsmap={None: OAI, "xsi": XSI}):
            leaf(xf, "responseDate", utc(timezone.now()))
            echoed = {"verb": arguments.verb, **arguments.values} if arguments else {}
            leaf(xf, "request", repository.base_url, **echoed)
            if verb is None:
                yield from _drained(xf, body(xf), buffer)
            else:
                with xf.element(f"{{{OAI}}}{verb}"):
                    yield from _drained(xf, body(xf), buffer)
    yield buffer.getvalue()


def _drained(xf: Writer, steps: Iterator[None], buffer: io.BytesIO) -> Iterator[bytes]:
    for _step in steps:
        xf.flush()
        chunk = buffer.getvalue()
        if chunk:
            buffer.seek(0)
            buffer.truncate()
            yield chunk


def error_body(error: OaiError) -> Body:
    def body(xf: Writer) -> Iterator[None]:
        leaf(xf, "error", error.message, code=error.code)
        yield None

    return body
