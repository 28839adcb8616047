"""Which reader a file needs, and the exports an interview offers."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .document import Document, FormatError, Line, Point, check_size, decode_text
from .ohms import read_ohms, write_ohms
from .plaintext import read_text, write_text
from .webvtt import read_index, read_transcript, write_index_webvtt, write_srt, write_webvtt
from .wordfile import read_docx, write_docx

IMPORT_FORMATS = {
    "vtt": gettext_lazy("WebVTT transcript (.vtt)"),
    "vtt-index": gettext_lazy("WebVTT index: title on the first line, synopsis below (.vtt)"),
    "srt": gettext_lazy("SRT subtitles (.srt)"),
    "txt": gettext_lazy("Timed plain text: [hh:mm:ss] 说话人：内容 (.txt)"),
    "docx": gettext_lazy("Word document with timestamps (.docx)"),
    "ohms": gettext_lazy("OHMS XML: index and transcript (.xml)"),
}
_BY_SUFFIX = {".vtt": "vtt", ".srt": "srt", ".txt": "txt", ".docx": "docx", ".xml": "ohms"}


def guess_format(name: str) -> str:
    suffix = PurePath(name).suffix.lower()
    if suffix not in _BY_SUFFIX:
        raise FormatError(
            name,
            1,
            _(
                "cannot tell the format from the file name; use .vtt, .srt, .txt, "
                ".docx or .xml (OHMS), or choose the format"
            ),
        )
    return _BY_SUFFIX[suffix]


def read_file(
    data: bytes, name: str, fmt: str | None = None, duration_ms: int | None = None
) -> Document:
    """Parse an uploaded or manifest file; raises FormatError naming the line and reason."""
    fmt = fmt or guess_format(name)
    check_size(len(data), name)
    if fmt == "docx":
        return read_docx(data, name, duration_ms)
    if fmt == "ohms":
        return read_ohms(data, name)
    text, _encoding = decode_text(data, name)
    if fmt == "vtt":
        return read_transcript(text, name)
    if fmt == "vtt-index":
        return read_index(text, name)
    if fmt == "srt":
        return read_transcript(text, name, srt=True)
    if fmt == "txt":
        return read_text(text, name, duration_ms)
    raise FormatError(name, 1, _("unknown format “%(format)s”") % {"format": fmt})


# Exports ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Export:
    filename: str
    content_type: str
    label: str | Promise  # translated when shown, in the visitor's language


EXPORTS = {
    "transcript.vtt": Export("transcript.vtt", "text/vtt", gettext_lazy("WebVTT captions")),
    "transcript.srt": Export("transcript.srt", "application/x-subrip", gettext_lazy("SRT")),
    "transcript.txt": Export("transcript.txt", "text/plain", gettext_lazy("Plain text")),
    "transcript.docx": Export(
        "transcript.docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        gettext_lazy("Word"),
    ),
    "ohms.xml": Export("ohms.xml", "application/xml", gettext_lazy("OHMS XML")),
    "index.vtt": Export("index.vtt", "text/vtt", gettext_lazy("Index as WebVTT chapters")),
}


def interview_document(interview, transcript=None, index=None) -> Document:
    transcript = (
        transcript
        if transcript is not None
        else interview.transcript.order_by("start_ms", "sort_order")
    )
    index = (
        index if index is not None else interview.index_segments.order_by("start_ms", "sort_order")
    )
    return Document(
        transcript=[Line(s.start_ms, s.end_ms, s.speaker, s.text) for s in transcript],
        index=[
            Point(p.start_ms, p.title, p.synopsis, p.keywords, p.partial_transcript) for p in index
        ],
        duration_ms=interview.duration_ms,
    )


def _header(interview) -> list[str]:
    item = interview.item
    rows = [
        f"{item.title}",
        f"档号：{item.identifier}",
        f"受访人：{interview.interviewee.name}",
    ]
    if interview.interviewers:
        rows.append(f"访谈人：{interview.interviewers}")
    if interview.interview_date:
        rows.append(f"访谈日期：{interview.interview_date.isoformat()}")
    return rows


def _meta(interview, media_url: str = "") -> dict:
    item = interview.item
    return {
        "id": item.identifier,
        "title": item.title,
        "date": interview.interview_date.isoformat() if interview.interview_date else "",
        "interviewee": interview.interviewee.name,
        "interviewer": interview.interviewers,
        "language": interview.language,
        "rights": item.rights_statement,
        "collection": item.series.fonds.title,
        "repository": item.series.fonds.collecting_institution,
        "media_url": media_url,
    }


def render_export(
    filename: str, interview, document: Document, media_url: str = "", legacy: bool = False
) -> bytes:
    if filename == "transcript.vtt":
        return write_webvtt(document.transcript).encode()
    if filename == "transcript.srt":
        return write_srt(document.transcript).encode()
    if filename == "transcript.txt":
        return write_text(document.transcript, _header(interview)).encode()
    if filename == "transcript.docx":
        header = _header(interview)
        return write_docx(document.transcript, header[0], header[1:])
    if filename == "ohms.xml":
        return write_ohms(document, _meta(interview, media_url), legacy=legacy)
    if filename == "index.vtt":
        return write_index_webvtt(document.index, document.duration_ms).encode()
    raise KeyError(filename)
