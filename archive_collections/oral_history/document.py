"""The neutral form of an interview's timed text, shared by every format reader and writer."""

from __future__ import annotations

import codecs
from dataclasses import dataclass, field

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _


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


# Byte order marks first (longest first: UTF-32 LE starts with the UTF-16 LE mark).
_BOMS = (
    (codecs.BOM_UTF8, "utf-8", "UTF-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
)


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


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 written without a byte order mark: ASCII-range characters leave every other byte
    zero, which no UTF-8 or GB18030 text does."""
    sample = data[:4000]
    if len(sample) < 4 or len(sample) % 2:
        return None
    even_zero = sample[0::2].count(0) / (len(sample) / 2)
    odd_zero = sample[1::2].count(0) / (len(sample) / 2)
    if odd_zero > 0.3 and even_zero < 0.05:
        return "utf-16-le"
    if even_zero > 0.3 and odd_zero < 0.05:
        return "utf-16-be"
    return None


def _line_at(data: bytes, offset: int, codec: str = "latin-1") -> int:
    return data[:offset].decode(codec, errors="replace").count("\n") + 1


def decode_text(data: bytes, name: str) -> tuple[str, str]:
    """(text, encoding label) for a transcript file.

    A byte order mark decides (UTF-8, UTF-16, UTF-32); so does a BOM-less UTF-16 file, recognised
    by its zero bytes. Otherwise strict UTF-8, then strict GB18030: valid UTF-8 is always taken
    as UTF-8, since GB18030 would accept most UTF-8 as mojibake.
    """
    check_size(len(data), name)
    for bom, codec, label in _BOMS:
        if data.startswith(bom):
            body = data[len(bom) :]
            try:
                return body.decode(codec), f"{label} (BOM)"
            except UnicodeDecodeError as exc:
                raise FormatError(
                    name,
                    _line_at(body, exc.start, codec),
                    _(
                        "the file starts with a %(encoding)s byte order mark but byte %(offset)d "
                        "is not valid %(encoding)s"
                    )
                    % {"encoding": label, "offset": exc.start + len(bom)},
                ) from exc
    if codec := _utf16_without_bom(data):
        try:
            return data.decode(codec), "UTF-16"
        except UnicodeDecodeError:
            pass  # not UTF-16 after all; the checks below give the error
    if b"\0" in data:
        raise FormatError(
            name,
            _line_at(data, data.index(b"\0")),
            _(
                "the file contains NUL bytes; it is binary or in an encoding other than UTF-8, "
                "UTF-16 or GB18030"
            ),
        )
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError as utf8_error:
        try:
            return data.decode("gb18030"), "GB18030"
        except UnicodeDecodeError as gb_error:
            offset = max(utf8_error.start, gb_error.start)
            raise FormatError(
                name,
                _line_at(data, offset),
                _(
                    "the text is neither UTF-8 nor GB18030 (byte %(offset)d: %(bytes)s); save it "
                    "as UTF-8 and try again"
                )
                % {"offset": offset, "bytes": data[offset : offset + 4].hex(" ")},
            ) from gb_error
