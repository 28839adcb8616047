"""One ffmpeg run makes a micro-video: title card, the cut with burned-in subtitles, end card.

The cut seeks before decoding (`-ss` ahead of `-i`): ffmpeg jumps to the nearest key frame
and decodes up to the in-point, so the cut starts on the requested moment (within a frame of
video, a few samples of audio) without reading the hours before it. An audio-only interview
gets the background image (the scientist's portrait unless another is chosen) slowly zooming
and drifting (zoompan) under the subtitles. The cards are Pillow images (cards.py) shown as
still frames; their silence comes from `anullsrc`. Everything meets in one `concat` filter
and is encoded once: H.264 (yuv420p, High) and AAC, moov atom first.

`render(inputs, workdir, on_progress)` returns the local files; storing them and the record's
state is the task's business (tasks.py).
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import tempfile
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from media_pipeline.av import _last_line, tool
from media_pipeline.errors import StepError

from . import cards
from .captions import Cue, ass_script, cues_for, webvtt

# Bump when the output for the same inputs changes (layout, encoder settings): every
# micro-video's fingerprint changes with it, so each is rendered again.
RENDERER_VERSION = 1
FPS = 25
DEFAULT_SHORT_SIDE = 1080
DEFAULT_TITLE_SECONDS = 2.5
DEFAULT_END_SECONDS = 3.0
AUDIO_RATE = 48_000
TIMEOUT_BASE_SECONDS = 300
TIMEOUT_PER_OUTPUT_SECOND = 20
# How far the background zooms in over the clip, and how much larger than the frame it is
# scaled before zoompan (zoompan places the crop on whole pixels; a larger source steadies it).
PAN_ZOOM = 0.12
PAN_OVERSCAN = 1.25


class RenderFailed(StepError):
    """ffmpeg (or a card) could not make the video; the message is the reason to show."""


def frame_size(variant: str) -> tuple[int, int]:
    """(width, height) of a variant at MICROVIDEO_SHORT_SIDE (1080; tests make small ones)."""
    short = int(getattr(settings, "MICROVIDEO_SHORT_SIDE", DEFAULT_SHORT_SIDE))
    short -= short % 2
    long = round(short * 16 / 9 / 2) * 2
    return (short, long) if variant == "vertical" else (long, short)


def card_seconds() -> tuple[float, float]:
    """(title, end) card lengths, whole frames: `concat` pads each segment's sound to its
    picture's length, so a title of 62.5 frames (shown as 63) would delay the speech by 20 ms."""
    title = float(getattr(settings, "MICROVIDEO_TITLE_SECONDS", DEFAULT_TITLE_SECONDS))
    end = float(getattr(settings, "MICROVIDEO_END_SECONDS", DEFAULT_END_SECONDS))
    return (round(title * FPS) / FPS, round(end * FPS) / FPS)


@dataclass
class RenderInputs:
    """Everything the output depends on; `fingerprint()` hashes it all but local paths."""

    variant: str
    start_ms: int
    end_ms: int
    recording_sha256: str
    has_video: bool
    segments: list[tuple[int, int, str]]
    card: cards.CardText
    background_key: str = ""
    size: tuple[int, int] = (0, 0)
    cards: tuple[float, float] = (0.0, 0.0)
    recording_path: Path | None = field(default=None, compare=False)
    background_path: Path | None = field(default=None, compare=False)

    def fingerprint(self) -> str:
        data = asdict(self)
        data.pop("recording_path")
        data.pop("background_path")
        data["version"] = RENDERER_VERSION
        encoded = json.dumps(data, ensure_ascii=False, sort_keys=True, default=str).encode()
        return hashlib.sha256(encoded).hexdigest()


@dataclass(frozen=True)
class Rendered:
    video: Path
    captions: Path
    poster: Path
    width: int
    height: int
    seconds: float
    cues: int


@dataclass(frozen=True)
class _Seg:
    start_ms: int
    end_ms: int
    text: str


def caption_layout(size: tuple[int, int]) -> tuple[int, float, int]:
    """(font size, characters per line, bottom margin) for a frame."""
    width, height = size
    font_size = max(10, round(min(width, height) * (0.062 if width < height else 0.052)))
    per_line = (width - 2 * font_size) / font_size
    margin = round(height * (0.16 if width < height else 0.07))
    return font_size, per_line, margin


def captions_for(inputs: RenderInputs) -> list[Cue]:
    _font, per_line, _margin = caption_layout(inputs.size)
    segments = [_Seg(s, e, t) for s, e, t in inputs.segments]
    return cues_for(segments, inputs.start_ms, inputs.end_ms, per_line)


def render(
    inputs: RenderInputs, workdir: Path, on_progress: Callable[[float], None] | None = None
) -> Rendered:
    width, height = inputs.size
    title_s, end_s = inputs.cards
    clip_s = (inputs.end_ms - inputs.start_ms) / 1000
    total_s = title_s + clip_s + end_s
    cues = captions_for(inputs)
    font_size, _per_line, margin = caption_layout(inputs.size)
    ass = workdir / "captions.ass"
    ass.write_text(
        ass_script(cues, width, height, cards.FONT_FAMILY, font_size, margin), encoding="utf-8"
    )
    vtt = workdir / "captions.vtt"
    vtt.write_text(webvtt(cues, offset_ms=round(title_s * 1000)), encoding="utf-8")
    title_png, end_png, poster = workdir / "title.png", workdir / "end.png", workdir / "poster.jpg"
    title_image = cards.title_card(inputs.size, inputs.card)
    title_image.save(title_png)
    title_image.save(poster, quality=85)
    cards.end_card(inputs.size, inputs.card).save(end_png)
    background = None
    if not inputs.has_video:
        background = workdir / "background.png"
        _background(inputs.background_path, inputs.size).save(background)
    out = workdir / "video.mp4"
    command = _command(inputs, ass, title_png, end_png, background, out)
    _run(command, total_s, on_progress)
    return Rendered(out, vtt, poster, width, height, total_s, len(cues))


def _background(path: Path | None, size: tuple[int, int]) -> Image.Image:
    """The still under an audio-only clip, cropped to the frame's shape and overscanned; a
    plain card colour when there is no image."""
    width, height = size
    big = (round(width * PAN_OVERSCAN / 2) * 2, round(height * PAN_OVERSCAN / 2) * 2)
    if path is None:
        return Image.new("RGB", big, cards.INK)
    with Image.open(path) as source:
        upright = ImageOps.exif_transpose(source).convert("RGB")
        fitted = ImageOps.fit(upright, big, Image.Resampling.LANCZOS)
    # Darkened a little so white subtitles stay readable on a light photograph.
    return Image.blend(fitted, Image.new("RGB", big, (0, 0, 0)), 0.25)


def _filter_path(path: Path) -> str:
    # Inside a filter graph ':' and '\' and quotes are special; temporary paths have none
    # of them but escaping keeps a TMPDIR with a colon working.
    return str(path).replace("\\", "\\\\").replace(":", "\\:").replace("'", "\\'")


def _command(inputs, ass: Path, title: Path, end: Path, background: Path | None, out: Path):
    width, height = inputs.size
    title_s, end_s = inputs.cards
    clip_s = (inputs.end_ms - inputs.start_ms) / 1000
    frames = max(1, round(clip_s * FPS))
    ffmpeg = tool("ffmpeg")
    command = [ffmpeg, "-nostdin", "-v", "error", "-y", "-progress", "pipe:1", "-nostats"]
    command += ["-ss", f"{inputs.start_ms / 1000:.3f}", "-t", f"{clip_s:.3f}"]
    command += ["-i", f"file:{inputs.recording_path}"]
    command += ["-loop", "1", "-framerate", str(FPS), "-t", f"{title_s:.3f}", "-i", f"file:{title}"]
    command += ["-loop", "1", "-framerate", str(FPS), "-t", f"{end_s:.3f}", "-i", f"file:{end}"]
    silence = f"anullsrc=r={AUDIO_RATE}:cl=stereo"
    command += ["-f", "lavfi", "-t", f"{title_s:.3f}", "-i", silence]
    command += ["-f", "lavfi", "-t", f"{end_s:.3f}", "-i", silence]
    still = "format=yuv420p,setsar=1"
    if background is not None:
        command += ["-i", f"file:{background}"]
        main = (
            f"[5:v]zoompan=z='1+{PAN_ZOOM}*on/{frames}':x='(iw-iw/zoom)*on/{frames}'"
            f":y='(ih-ih/zoom)/2':d={frames}:s={width}x{height}:fps={FPS},{still}"
        )
    else:
        main = (
            f"[0:v:0]scale={width}:{height}:force_original_aspect_ratio=decrease,"
            f"pad={width}:{height}:(ow-iw)/2:(oh-ih)/2:color=0x182028,fps={FPS},{still}"
        )
    audio = f"aresample={AUDIO_RATE},aformat=sample_fmts=fltp:channel_layouts=stereo"
    graph = ";".join(
        [
            f"{main},ass=filename='{_filter_path(ass)}'[main]",
            f"[1:v]{still}[title]",
            f"[2:v]{still}[end]",
            f"[0:a:0]{audio},apad,atrim=0:{frames / FPS:.3f}[speech]",
            f"[3:a]{audio}[quiet1]",
            f"[4:a]{audio}[quiet2]",
            "[title][quiet1][main][speech][end][quiet2]concat=n=3:v=1:a=1[v][a]",
        ]
    )
    command += ["-filter_complex", graph, "-map", "[v]", "-map", "[a]"]
    command += ["-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-profile:v", "high"]
    command += ["-pix_fmt", "yuv420p", "-r", str(FPS), "-g", str(FPS * 4)]
    command += ["-c:a", "aac", "-b:a", "128k", "-ac", "2", "-ar", str(AUDIO_RATE)]
    command += ["-movflags", "+faststart", "-map_metadata", "-1", "-f", "mp4", f"file:{out}"]
    return command


def _run(command: list[str], total_s: float, on_progress) -> None:
    """Run ffmpeg, reporting its progress lines; a watchdog kills it when it overruns, since
    a stuck ffmpeg may keep its progress pipe open without writing to it."""
    timeout = TIMEOUT_BASE_SECONDS + TIMEOUT_PER_OUTPUT_SECOND * total_s
    with tempfile.TemporaryFile() as stderr:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=stderr)
        watchdog = threading.Timer(timeout, process.kill)
        watchdog.start()
        try:
            assert process.stdout is not None
            for raw in process.stdout:
                key, _sep, value = raw.decode("ascii", "replace").strip().partition("=")
                if key == "out_time_us" and on_progress and value.isdigit() and total_s > 0:
                    on_progress(min(1.0, int(value) / 1e6 / total_s))
            process.wait()
        finally:
            overran = not watchdog.is_alive() and process.returncode != 0
            watchdog.cancel()
        if overran:
            raise RenderFailed(
                _("ffmpeg did not finish within %(s)s seconds.") % {"s": round(timeout)}
            )
        stderr.seek(0)
        errors = stderr.read()
    if process.returncode != 0:
        raise RenderFailed(_("ffmpeg failed: %(reason)s") % {"reason": _last_line(errors)})
