"""The neutral form of an interview's timed text, shared by every format reader and writer."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from archive_collections import textcodec


class FormatError(ValueError):
    """A file cannot be read; names the file, the line and the reason."""

    def __init__(self, name: str, line: int, reason: str):
        self.name, self.line, self.reason = name, line, reason
        super().__init__(
            _("%(name)s, line %(line)d: %(reason)s")
            % {"name": name, "line": line, "reason": reason}
        )


@dataclass(frozen=True)
class Line:
    """One transcript segment."""

    start_ms: int
    end_ms: int
    speaker: str
    text: str


@dataclass(frozen=True)
class Point:
    """One OHMS index point."""

    start_ms: int
    title: str
    synopsis: str = ""
    keywords: str = ""  # separated by ；, as the model keeps them
    partial_transcript: str = ""


@dataclass
class Document:
    transcript: list[Line] = field(default_factory=list)
    index: list[Point] = field(default_factory=list)
    duration_ms: int | None = None  # when the file says how long the recording is (OHMS)


def max_upload_bytes() -> int:
    return settings.ORAL_HISTORY_MAX_FILE_BYTES


def check_size(size: int, name: str) -> None:
    limit = max_upload_bytes()
    if size > limit:
        raise FormatError(
            name,
            1,
            _(
                "the file is %(size)s, larger than the limit of %(limit)s for transcript and "
                "index files (setting ORAL_HISTORY_MAX_FILE_BYTES); split it or raise the limit"
            )
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)},
        )


def decode_text(data: bytes, name: str) -> tuple[str, str]:
    """(text, encoding label) for a transcript file: see archive_collections.textcodec."""
    check_size(len(data), name)
    try:
        return textcodec.decode_text(data)
    except textcodec.UndecodableText as exc:
        if exc.problem == "bom":
            message = _(
                "the file starts with a %(encoding)s byte order mark but byte %(offset)d "
                "is not valid %(encoding)s"
            )
        elif exc.problem == "nul":
            message = _(
                "the file contains NUL bytes; it is binary or in an encoding other than UTF-8, "
                "UTF-16 or GB18030"
            )
        else:
            message = _(
                "the text is neither UTF-8 nor GB18030 (byte %(offset)d: %(bytes)s); save it "
                "as UTF-8 and try again"
            )
        values = {"encoding": exc.encoding, "offset": exc.offset, "bytes": exc.bad_bytes}
        raise FormatError(name, exc.line, message % values) from exc
