"""WebVTT and SRT: cues in, transcript lines and index points out, and back.

A cue that starts before the previous one is an error rather than something to sort: out-of-order
cues usually mean a mistyped timecode, and sorting would hide it. Speakers come from a WebVTT voice
tag (`<v 钱学森>`) or a leading `钱学森：` — a short run without sentence punctuation before a
full-width or ASCII colon, so no assumption about spaces between words is made.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .document import Document, FormatError, Line, Point
from .timecodes import timecode

TIMECODE = r"(?:(\d{1,3}):)?([0-5]\d):([0-5]\d)[.,](\d{3})"
TIMING_LINE = re.compile(rf"^\s*{TIMECODE}\s+-->\s+{TIMECODE}(?:\s+.*)?$")
VOICE_TAG = re.compile(r"^<v(?:\.[^\s>]+)*\s+([^>]+)>")
ANY_TAG = re.compile(r"</?[a-zA-Z][^>]*>|<\d[\d:.]*>")
SPEAKER_PREFIX = re.compile(r"^([^\s：:，。,.!?！？；;]{1,20})[：:]\s*(.+)$", re.DOTALL)
MAX_SPEAKER = 100
MAX_TITLE = 300


@dataclass(frozen=True)
class Cue:
    line: int  # the timing line's number, for messages
    start_ms: int
    end_ms: int
    lines: tuple[str, ...]


def _ms(hours, minutes, seconds, millis) -> int:
    return ((int(hours or 0) * 60 + int(minutes)) * 60 + int(seconds)) * 1000 + int(millis)


def _blocks(text: str) -> list[tuple[int, list[str]]]:
    """Blank-line separated blocks, each with the number of its first line."""
    blocks: list[tuple[int, list[str]]] = []
    current: list[str] = []
    start = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            if not current:
                start = number
            current.append(line.rstrip())
        elif current:
            blocks.append((start, current))
            current = []
    if current:
        blocks.append((start, current))
    return blocks


def _timing(name: str, number: int, line: str) -> tuple[int, int]:
    match = TIMING_LINE.match(line)
    if not match:
        raise FormatError(
            name,
            number,
            _("malformed timing line “%(line)s”; expected HH:MM:SS.mmm --> HH:MM:SS.mmm")
            % {"line": line},
        )
    groups = match.groups()
    start, end = _ms(*groups[:4]), _ms(*groups[4:])
    if end < start:
        raise FormatError(name, number, _("the cue ends before it starts"))
    return start, end


def _cue(name: str, first: int, lines: list[str], skip_id: bool) -> Cue:
    timing_at = next((i for i, line in enumerate(lines[:2]) if "-->" in line), None)
    if timing_at is None or (timing_at == 1 and not skip_id):
        raise FormatError(
            name, first, _("expected a timing line (HH:MM:SS.mmm --> HH:MM:SS.mmm) in this cue")
        )
    start, end = _timing(name, first + timing_at, lines[timing_at])
    return Cue(first + timing_at, start, end, tuple(lines[timing_at + 1 :]))


def _ordered(name: str, cues: list[Cue]) -> list[Cue]:
    for previous, cue in zip(cues, cues[1:], strict=False):
        if cue.start_ms < previous.start_ms:
            raise FormatError(
                name,
                cue.line,
                _("timecodes go backwards: this cue starts before the cue on line %(line)d")
                % {"line": previous.line},
            )
    return cues


def parse_webvtt(text: str, name: str) -> list[Cue]:
    lines = text.splitlines()
    if not lines or not re.match(r"^WEBVTT(?:[ \t].*)?$", lines[0].lstrip("\ufeff")):
        raise FormatError(name, 1, _("a WebVTT file must start with the line WEBVTT"))
    cues = []
    for first, block in _blocks(text)[1:]:  # the first block is the WEBVTT header
        if re.match(r"^(NOTE|STYLE|REGION)(\s|$)", block[0]):
            continue
        cues.append(_cue(name, first, block, skip_id=True))
    return _ordered(name, cues)


def parse_srt(text: str, name: str) -> list[Cue]:
    cues = []
    for first, block in _blocks(text.lstrip("\ufeff")):
        has_number = bool(re.fullmatch(r"\s*\d+\s*", block[0]))
        cues.append(_cue(name, first, block, skip_id=has_number))
    if not cues:
        raise FormatError(name, 1, _("the file has no cues"))
    return _ordered(name, cues)


def plain(line: str) -> str:
    return html.unescape(ANY_TAG.sub("", line)).strip()


def split_speaker(body: str) -> tuple[str, str]:
    if prefix := SPEAKER_PREFIX.match(body):
        return prefix.group(1), prefix.group(2).strip()
    return "", body


def transcript_line(name: str, cue: Cue) -> Line:
    first = cue.lines[0] if cue.lines else ""
    speaker = ""
    if voice := VOICE_TAG.match(first):
        speaker = html.unescape(voice.group(1)).strip()
    body = "\n".join(filter(None, (plain(line) for line in cue.lines)))
    if not speaker:
        speaker, body = split_speaker(body)
    if not body:
        raise FormatError(name, cue.line, _("the cue has no text"))
    return Line(cue.start_ms, cue.end_ms, speaker[:MAX_SPEAKER], body)


def index_point(name: str, cue: Cue, title_limit: int = MAX_TITLE) -> Point:
    lines = [plain(line) for line in cue.lines]
    if not lines or not lines[0]:
        raise FormatError(name, cue.line, _("the cue has no title on its first line"))
    if len(lines[0]) > title_limit:
        raise FormatError(
            name, cue.line + 1, _("the title is longer than %(n)d characters") % {"n": title_limit}
        )
    return Point(cue.start_ms, lines[0], "\n".join(line for line in lines[1:] if line))


def read_transcript(text: str, name: str, srt: bool = False) -> Document:
    cues = parse_srt(text, name) if srt else parse_webvtt(text, name)
    return Document(transcript=[transcript_line(name, cue) for cue in cues])


def read_index(text: str, name: str) -> Document:
    return Document(index=[index_point(name, cue) for cue in parse_webvtt(text, name)])


# Writing ----------------------------------------------------------------------------------------


def _escape(text: str) -> str:
    # "-->" would end a cue's timing inside text; the entity keeps the text as written.
    return html.escape(text, quote=False).replace("-->", "--&gt;")


def _cue_text(line: Line) -> str:
    text = "\n".join(part for part in line.text.splitlines() if part.strip()) or line.text
    if line.speaker:
        return f"<v {_escape(line.speaker)}>{_escape(text)}"
    return _escape(text)


def write_webvtt(lines: list[Line]) -> str:
    cues = [
        f"{n}\n{timecode(line.start_ms)} --> {timecode(line.end_ms)}\n{_cue_text(line)}"
        for n, line in enumerate(lines, start=1)
    ]
    return "WEBVTT\n\n" + "\n\n".join(cues) + ("\n" if cues else "")


def write_srt(lines: list[Line]) -> str:
    cues = []
    for n, line in enumerate(lines, start=1):
        text = "\n".join(part for part in line.text.splitlines() if part.strip()) or line.text
        body = f"{line.speaker}：{text}" if line.speaker else text
        start, end = timecode(line.start_ms, ","), timecode(line.end_ms, ",")
        cues.append(f"{n}\n{start} --> {end}\n{body}")
    return "\n\n".join(cues) + ("\n" if cues else "")


def write_index_webvtt(points: list[Point], duration_ms: int | None) -> str:
    """Index points as WebVTT chapters: each runs to the next point (or the recording's end)."""
    cues = []
    for n, point in enumerate(points):
        following = points[n + 1].start_ms if n + 1 < len(points) else None
        end = following if following is not None else max(duration_ms or 0, point.start_ms)
        synopsis = "\n".join(part for part in point.synopsis.splitlines() if part.strip())
        body = _escape(point.title) + (f"\n{_escape(synopsis)}" if synopsis else "")
        cues.append(f"{timecode(point.start_ms)} --> {timecode(end)}\n{body}")
    return "WEBVTT\n\n" + "\n\n".join(cues) + ("\n" if cues else "")
