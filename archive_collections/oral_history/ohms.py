"""OHMS XML (Oral History Metadata Synchronizer): index points and transcript, in and out.

Reading accepts both transcript styles found in OHMS files:
- WebVTT inside `<transcript>` (OHMS 5 and later, Aviary): read exactly like a .vtt file;
- legacy plain text with a `<sync>` element such as `1:|13(3)|19(14)` — an interval in minutes,
  then for each interval the line and word where it begins. Paragraphs (blank-line separated)
  become segments; a segment starting at a sync point gets that exact time, others get a time
  interpolated by text position between the surrounding sync points. A Chinese character counts
  as one word (OHMS tools count space-separated words, which Chinese text does not have).

Writing puts the transcript in as WebVTT so every segment keeps its exact times (what a round
trip needs), or, with `legacy=True`, as plain text with minute `<sync>` markers for old viewers.
Index `<time>` is in seconds; fractions are written only when a point has milliseconds.
"""

from __future__ import annotations

import math
import re
from xml.etree.ElementTree import Element, SubElement, tostring

from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException
from django.utils.translation import gettext as _

from .document import Document, FormatError, Line, Point
from .plaintext import MIN_SEGMENT_MS, MS_PER_CHARACTER
from .timecodes import seconds_text
from .webvtt import MAX_TITLE, read_transcript, split_speaker, write_webvtt

OHMS_NS = "https://www.weareavp.com/nunncenter/ohms"
OHMS_VERSION = "5.4"
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]")
_WORDS = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]|[^\s\u3400-\u9fff]+")
_SYNC_ENTRY = re.compile(r"^\s*(\d+)\((\d+)\)\s*$")


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child(element, name: str):
    for child in element:
        if _local(child.tag) == name:
            return child
    return None


def _text(element, name: str) -> str:
    child = _child(element, name)
    return (child.text or "").strip() if child is not None else ""


def _parse_xml(data: bytes, name: str):
    try:
        return SafeET.fromstring(data)
    except DefusedXmlException as exc:
        raise FormatError(
            name,
            1,
            _("the XML uses entities or a DTD, which are refused for safety: %(error)s")
            % {"error": exc},
        ) from exc
    except SafeET.ParseError as exc:
        line, column = getattr(exc, "position", (1, 0))
        raise FormatError(
            name,
            line,
            _("malformed XML (column %(column)d): %(error)s")
            % {"column": column + 1, "error": exc.msg if hasattr(exc, "msg") else exc},
        ) from exc


def _seconds_ms(text: str, name: str, what: str) -> int:
    value = text.strip()
    try:
        if ":" in value:
            parts = [float(p) for p in value.split(":")]
            seconds = 0.0
            for part in parts:
                seconds = seconds * 60 + part
        else:
            seconds = float(value)
        if not math.isfinite(seconds):  # "nan", "inf", "1e400": float() reads them, round() not
            raise ValueError(value)
    except ValueError as exc:
        raise FormatError(
            name,
            1,
            _("%(what)s “%(value)s” is not a number of seconds") % {"what": what, "value": value},
        ) from exc
    if seconds < 0:
        raise FormatError(
            name, 1, _("%(what)s “%(value)s” is negative") % {"what": what, "value": value}
        )
    return round(seconds * 1000)


def _keywords(text: str) -> str:
    return "；".join(k.strip() for k in re.split(r"[;；]", text) if k.strip())


def _index(record, name: str) -> list[Point]:
    index = _child(record, "index")
    if index is None:
        return []
    points: list[Point] = []
    for number, point in enumerate((p for p in index if _local(p.tag) == "point"), start=1):
        title = _text(point, "title")
        where = _("index point %(n)d") % {"n": number}
        if not title:
            raise FormatError(name, 1, _("%(where)s has no <title>") % {"where": where})
        if len(title) > MAX_TITLE:
            raise FormatError(
                name,
                1,
                _("%(where)s: the title is longer than %(n)d characters")
                % {"where": where, "n": MAX_TITLE},
            )
        time = _text(point, "time")
        if not time:
            raise FormatError(name, 1, _("%(where)s has no <time>") % {"where": where})
        start = _seconds_ms(time, name, where)
        if points and start < points[-1].start_ms:
            raise FormatError(
                name, 1, _("%(where)s starts before the point before it") % {"where": where}
            )
        points.append(
            Point(
                start,
                title,
                _text(point, "synopsis"),
                _keywords(_text(point, "keywords")),
                _text(point, "partial_transcript"),
            )
        )
    return points


def _words(line: str) -> int:
    return len(_WORDS.findall(line))


def _offset(lines: list[str], line_no: int, word_no: int) -> int:
    """Character offset in the joined transcript of word `word_no` on 1-based line `line_no`."""
    offset = sum(len(line) + 1 for line in lines[: line_no - 1])
    words = list(_WORDS.finditer(lines[line_no - 1])) if line_no - 1 < len(lines) else []
    if words and word_no > 1:
        offset += words[min(word_no, len(words)) - 1].start()
    return offset


def _sync_points(sync: str, lines: list[str], name: str) -> list[tuple[int, int]]:
    """(character offset, ms) for every sync marker."""
    interval_text, _sep, entries = sync.partition(":")
    try:
        interval = int(interval_text.strip())
    except ValueError as exc:
        raise FormatError(
            name, 1, _("<sync> must start with an interval in minutes, like 1:|13(3)|19(14)")
        ) from exc
    points = [(0, 0)]
    for position, entry in enumerate(entries.split("|")):
        if not entry.strip():
            continue
        match = _SYNC_ENTRY.match(entry)
        if not match:
            raise FormatError(
                name,
                1,
                _("<sync> entry %(n)d “%(entry)s” is not line(word)")
                % {"n": position, "entry": entry},
            )
        line_no, word_no = int(match.group(1)), int(match.group(2))
        if not 1 <= line_no <= len(lines):
            raise FormatError(
                name,
                1,
                _(
                    "<sync> entry %(n)d points at line %(line)d, but the "
                    "transcript has %(count)d lines"
                )
                % {"n": position, "line": line_no, "count": len(lines)},
            )
        offset = _offset(lines, line_no, word_no)
        if offset < points[-1][0]:
            raise FormatError(
                name, 1, _("<sync> entry %(n)d goes backwards in the transcript") % {"n": position}
            )
        points.append((offset, position * interval * 60_000))
    return points


def _time_at(offset: int, sync: list[tuple[int, int]]) -> int:
    before = max((p for p in sync if p[0] <= offset), key=lambda p: (p[0], p[1]))
    after = next((p for p in sync if p[0] > offset), None)
    if after is None or after[0] == before[0]:
        return before[1]
    share = (offset - before[0]) / (after[0] - before[0])
    return round(before[1] + share * (after[1] - before[1]))


def _legacy_transcript(text: str, sync: str, name: str, duration_ms: int | None) -> list[Line]:
    lines = text.split("\n")
    points = _sync_points(sync, lines, name) if sync.strip() else [(0, 0)]
    # Segment boundaries: every paragraph start and every sync marker.
    starts = {0}
    offset = 0
    for n, line in enumerate(lines):
        if line.strip() and (n == 0 or not lines[n - 1].strip()):
            starts.add(offset)
        offset += len(line) + 1
    starts.update(p[0] for p in points[1:])
    joined = "\n".join(lines)
    bounds = sorted(starts) + [len(joined)]
    segments: list[tuple[int, str]] = []
    for begin, end in zip(bounds, bounds[1:], strict=False):
        chunk = joined[begin:end].strip()
        if chunk:
            segments.append((_time_at(begin, points), chunk))
    result = []
    for n, (start, chunk) in enumerate(segments):
        speaker, body = split_speaker(re.sub(r"\s*\n\s*", "\n", chunk))
        if n + 1 < len(segments):
            end = max(segments[n + 1][0], start)
        else:
            estimate = start + max(MIN_SEGMENT_MS, len(body) * MS_PER_CHARACTER)
            end = duration_ms if duration_ms and duration_ms > start else estimate
        result.append(Line(start, end, speaker, body))
    return result


def read_ohms(data: bytes, name: str) -> Document:
    root = _parse_xml(data, name)
    record = root if _local(root.tag) == "record" else _child(root, "record")
    if record is None:
        raise FormatError(name, 1, _("not an OHMS file: no <record> element"))
    duration_text = _text(record, "duration")
    duration = _seconds_ms(duration_text, name, "<duration>") if duration_text else None
    document = Document(index=_index(record, name), duration_ms=duration or None)
    transcript = _text(record, "transcript")
    if transcript.startswith("WEBVTT"):
        document.transcript = read_transcript(transcript, name).transcript
    elif transcript:
        document.transcript = _legacy_transcript(
            (_child(record, "transcript").text or "").strip("\n"),
            _text(record, "sync"),
            name,
            duration,
        )
    if not document.transcript and not document.index:
        raise FormatError(name, 1, _("the OHMS record has neither an index nor a transcript"))
    return document


# Writing ----------------------------------------------------------------------------------------


def _duration_text(ms: int | None) -> str:
    if not ms:
        return ""
    seconds = ms // 1000
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def _legacy_sync(lines: list[Line]) -> tuple[str, str]:
    """Plain transcript (a paragraph per segment) and minute sync markers for it."""
    text_lines: list[str] = []
    starts: list[tuple[int, int, str]] = []  # (ms, first line number, first line)
    for line in lines:
        if text_lines:
            text_lines.append("")
        body = f"{line.speaker}: {line.text}" if line.speaker else line.text
        starts.append((line.start_ms, len(text_lines) + 1, body))
        text_lines.extend(body.split("\n"))
    entries, minute = [], 1
    last = lines[-1].end_ms if lines else 0
    while minute * 60_000 <= last:
        # The marker goes at the first segment starting at or after the minute mark.
        found = next((s for s in starts if s[0] >= minute * 60_000), None)
        if found is None:
            break
        entries.append(f"{found[1]}(1)")
        minute += 1
    return "\n".join(text_lines), "1:|" + "|".join(entries)


def write_ohms(document: Document, meta: dict, legacy: bool = False) -> bytes:
    root = Element("ROOT", {"xmlns": OHMS_NS})
    record = SubElement(root, "record", {"id": meta.get("id", ""), "dt": meta.get("date", "")})
    for tag, value in (
        ("version", OHMS_VERSION),
        ("date", meta.get("date", "")),
        ("title", meta.get("title", "")),
        ("accession", meta.get("id", "")),
        ("duration", _duration_text(document.duration_ms)),
        ("collection_name", meta.get("collection", "")),
        ("repository", meta.get("repository", "")),
        ("language", meta.get("language", "")),
        ("interviewee", meta.get("interviewee", "")),
        ("interviewer", meta.get("interviewer", "")),
        ("rights", meta.get("rights", "")),
    ):
        SubElement(record, tag).text = value
    mediafile = SubElement(record, "mediafile")
    SubElement(mediafile, "host").text = "Other"
    SubElement(record, "media_url").text = meta.get("media_url", "")
    index = SubElement(record, "index")
    for point in document.index:
        element = SubElement(index, "point")
        SubElement(element, "time").text = seconds_text(point.start_ms)
        SubElement(element, "title").text = point.title
        SubElement(element, "partial_transcript").text = point.partial_transcript
        SubElement(element, "synopsis").text = point.synopsis
        SubElement(element, "keywords").text = ";".join(k for k in point.keywords.split("；") if k)
    if legacy:
        text, sync = _legacy_sync(document.transcript)
        SubElement(record, "sync").text = sync
        SubElement(record, "transcript").text = text
    else:
        SubElement(record, "sync").text = ""
        SubElement(record, "transcript").text = write_webvtt(document.transcript)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + tostring(root, encoding="unicode").encode()
