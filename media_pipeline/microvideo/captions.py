"""Captions of a micro-video: the transcript lines of the span, broken for Chinese, as the ASS
script ffmpeg burns in (libass) and the WebVTT file players load beside the video.

Chinese has no spaces to break at: a line breaks between words (jieba's, without its HMM
guesses; a word longer than six characters may be split), preferably after punctuation, never
before closing punctuation (，。、；：！？ and closing brackets) nor after an opening bracket.
Latin words and numbers stay whole. A caption holds at most two lines;
a longer transcript segment is shown as several captions one after another, its time shared out
by length.
"""

from __future__ import annotations

import logging
import os
import re
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import jieba

MAX_LINES = 2
# Never at the start of a line.
_NO_START = set("，。、；：！？）》」』】〕〉”’…—·%,.;:!?)]}")
# Never at the end of a line.
_NO_END = set("（《「『【〔〈“‘([{")
# A good place to break: after these.
_BREAK_AFTER = set("，。、；：！？,.;:!?")
# A run that must not be broken: a Latin word, a number with its punctuation.
_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’.\-/:%]*|\s+|.", re.DOTALL)
_LATIN_WIDTH = 0.55
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
LONGEST_WHOLE_WORD = 6
_words_lock = threading.Lock()
_words: jieba.Tokenizer | None = None


def _word_splitter() -> jieba.Tokenizer:
    """One jieba dictionary per process (about a second to load), its ~9 MB cache in the same
    place the search app keeps it (JIEBA_CACHE_DIR, else ~/.cache/scientist-archive)."""
    global _words
    with _words_lock:
        if _words is None:
            logging.getLogger("jieba").setLevel(logging.WARNING)
            folder = os.environ.get("JIEBA_CACHE_DIR") or str(
                Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
                / "scientist-archive"
            )
            tokenizer = jieba.Tokenizer()
            try:
                Path(folder).mkdir(parents=True, exist_ok=True)
                tokenizer.tmp_dir, tokenizer.cache_file = folder, str(Path(folder) / "jieba.cache")
            except OSError:
                tokenizer.tmp_dir = None  # an unwritable home: the dictionary stays in memory
            tokenizer.initialize()
            _words = tokenizer
    return _words


def _tokens(text: str) -> list[str]:
    """Units a line may not break inside: Chinese words up to six characters, Latin words and
    numbers, single spaces and punctuation."""
    tokens: list[str] = []
    for run in _TOKEN.findall(text):
        tokens.append(run)
    merged: list[str] = []
    buffer = ""
    for token in tokens + [""]:
        if token and _CJK.fullmatch(token):
            buffer += token
            continue
        if buffer:
            for word in _word_splitter().cut(buffer, HMM=False):
                merged.extend([word] if len(word) <= LONGEST_WHOLE_WORD else list(word))
            buffer = ""
        if token:
            merged.append(token)
    return merged


@dataclass(frozen=True)
class Cue:
    start_ms: int
    end_ms: int
    lines: tuple[str, ...]

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def char_width(ch: str) -> float:
    """Width in em: full-width (CJK) characters 1, others about half."""
    return 1.0 if unicodedata.east_asian_width(ch) in ("W", "F") else _LATIN_WIDTH


def text_width(text: str) -> float:
    return sum(char_width(ch) for ch in text)


def break_lines(text: str, per_line: float) -> list[str]:
    """`text` as lines of at most `per_line` em (a single longer word keeps its own line)."""
    lines: list[list[str]] = []
    current: list[str] = []
    for token in _tokens(" ".join(text.split())):
        if token.isspace() and not current:
            continue
        if current and not token.isspace() and text_width("".join(current) + token) > per_line:
            carried = _carried(current, token)
            lines.append(current)
            current = carried
        current.append(token)
    lines.append(current)
    joined = ["".join(line).strip() for line in lines]
    return _prefer_punctuation([line for line in joined if line], per_line)


def balanced_lines(text: str, per_line: float) -> list[str]:
    """Lines of even length that end at punctuation where they can: a caption of one full
    line and a stub of two characters reads worse than two half lines. Tries each width from
    the even share up to `per_line` that needs no more lines, and keeps the best."""
    lines = break_lines(text, per_line)
    if len(lines) < 2:
        return lines
    count = len(lines) + len(lines) % MAX_LINES if len(lines) > MAX_LINES else len(lines)
    best, best_score = lines, _score(lines)
    width = text_width(text) / count
    while width < per_line:
        candidate = break_lines(text, width)
        if len(candidate) <= count and _score(candidate) > best_score:
            best, best_score = candidate, _score(candidate)
        width += 0.5
    return best


def _score(lines: list[str]) -> tuple[int, float]:
    """More lines ending at punctuation first, then lengths closer to each other."""
    ends = sum(1 for line in lines[:-1] if line[-1] in _BREAK_AFTER)
    widths = [text_width(line) for line in lines]
    return ends, -(max(widths) - min(widths))


def _carried(line: list[str], token: str) -> list[str]:
    """Whole words taken off the end of `line` (in place) to go down with `token`, so that
    no line starts with closing punctuation or ends with an opening bracket."""
    carried: list[str] = []
    while len(line) > 1 and (
        (carried[0] if carried else token)[:1] in _NO_START or line[-1][-1:] in _NO_END
    ):
        carried.insert(0, line.pop())
    return carried


def _prefer_punctuation(lines: list[str], per_line: float) -> list[str]:
    """Move a break back to punctuation when that keeps the line at least two-thirds full."""
    result = list(lines)
    for n in range(len(result) - 1):
        line = result[n]
        cut = max((i for i, ch in enumerate(line[:-1]) if ch in _BREAK_AFTER), default=-1)
        if cut < 0 or text_width(line[: cut + 1]) < per_line * 2 / 3:
            continue
        moved = line[cut + 1 :]
        if text_width(moved + result[n + 1]) <= per_line:
            result[n], result[n + 1] = line[: cut + 1], moved + result[n + 1]
    return [line for line in result if line]


def cues_for(segments, start_ms: int, end_ms: int, per_line: float) -> list[Cue]:
    """Captions for the span [start_ms, end_ms) of the recording, timed from the span's start.

    `segments`: objects with start_ms, end_ms and text (transcript segments), in time order.
    """
    cues: list[Cue] = []
    for segment in segments:
        begin, finish = max(segment.start_ms, start_ms), min(segment.end_ms, end_ms)
        text = " ".join((segment.text or "").split())
        if finish <= begin or not text:
            continue
        lines = balanced_lines(text, per_line)
        groups = [lines[i : i + MAX_LINES] for i in range(0, len(lines), MAX_LINES)]
        total = sum(text_width("".join(g)) for g in groups) or 1.0
        at = float(begin - start_ms)
        span = finish - begin
        for group in groups:
            share = span * text_width("".join(group)) / total
            cues.append(Cue(round(at), round(at + share), tuple(group)))
            at += share
    return cues


def _ass_time(ms: int) -> str:
    centis = max(0, round(ms / 10))
    seconds, cs = divmod(centis, 100)
    minutes, s = divmod(seconds, 60)
    h, m = divmod(minutes, 60)
    return f"{h}:{m:02d}:{s:02d}.{cs:02d}"


def _ass_text(line: str) -> str:
    # Braces start override tags and a backslash escapes in ASS: show them as plain characters.
    return line.replace("\\", "＼").replace("{", "｛").replace("}", "｝")


def ass_script(
    cues: list[Cue], width: int, height: int, font: str, size: int, margin_v: int
) -> str:
    """An ASS script with one style: white text, dark outline, bottom centre, no auto-wrap
    (WrapStyle 2: the lines are already broken)."""
    outline = max(1, round(size / 14))
    header = "\n".join(
        [
            "[Script Info]",
            "ScriptType: v4.00+",
            f"PlayResX: {width}",
            f"PlayResY: {height}",
            "WrapStyle: 2",
            "ScaledBorderAndShadow: yes",
            "",
            "[V4+ Styles]",
            "Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, "
            "BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, "
            "BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding",
            f"Style: Caption,{font},{size},&H00FFFFFF,&H00FFFFFF,&H00101010,&H80000000,0,0,0,0,"
            f"100,100,0,0,1,{outline},0,2,{size},{size},{margin_v},1",
            "",
            "[Events]",
            "Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text",
        ]
    )
    events = [
        f"Dialogue: 0,{_ass_time(c.start_ms)},{_ass_time(c.end_ms)},Caption,,0,0,0,,"
        + r"\N".join(_ass_text(line) for line in c.lines)
        for c in cues
    ]
    return header + "\n" + "\n".join(events) + "\n"


def _vtt_time(ms: int) -> str:
    seconds, millis = divmod(max(0, int(ms)), 1000)
    minutes, s = divmod(seconds, 60)
    h, m = divmod(minutes, 60)
    return f"{h:02d}:{m:02d}:{s:02d}.{millis:03d}"


def webvtt(cues: list[Cue], offset_ms: int = 0) -> str:
    """WebVTT for the rendered video: cue times shifted by `offset_ms` (the title card)."""
    blocks = ["WEBVTT", ""]
    for n, cue in enumerate(cues, start=1):
        text = cue.text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        blocks += [
            str(n),
            f"{_vtt_time(cue.start_ms + offset_ms)} --> {_vtt_time(cue.end_ms + offset_ms)}",
            text,
            "",
        ]
    return "\n".join(blocks)
