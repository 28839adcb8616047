"""Audio and video: ffprobe metadata, a web-playable copy when the master is not, a poster frame.

Interview masters are typically WAV/FLAC (≈ 600 MB per hour) or camera MOV/MTS files: browsers
either cannot play them or would download far too much, so the `av` step makes `web.m4a` (AAC)
or `web.mp4` (H.264/AAC, at most 1280×720, moov atom first so playback starts before the whole
file arrives). Masters that already are small web formats are played directly.

ffmpeg reads from a local path and streams through the file, so hours-long recordings never sit
in memory; masters on S3 are first copied to a temporary file by `storage.local_path`.
"""

from __future__ import annotations

import json
import math
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files import File
from django.utils.translation import gettext as _

from .errors import StepError
from .results import AvResult, AvWeb
from .storage import derivative_name, derivative_storage, local_path, master_storage

# Derivative name → content type, for serving (media_pipeline.views).
AV_DERIVATIVES = {"web.m4a": "audio/mp4", "web.mp4": "video/mp4", "poster.jpg": "image/jpeg"}
DEFAULT_WEB_VIDEO_SHORT_SIDE = 720
DEFAULT_WEB_VIDEO_LONG_SIDE = 1280
AUDIO_BITRATE_PER_CHANNEL = 64_000
PROBE_TIMEOUT_SECONDS = 300
# ffmpeg is given this long plus a multiple of the recording's length before it is stopped.
FFMPEG_BASE_TIMEOUT_SECONDS = 600
FFMPEG_TIMEOUT_PER_MEDIA_SECOND = 10
POSTER_AT_SECONDS = 5.0

_COMPONENT_TAG = re.compile(r"^\[[^\]]*@ 0x[0-9a-f]+\]\s*")
_PLAYABLE_AUDIO = {("audio/mpeg", "mp3"), ("audio/mp4", "aac"), ("video/mp4", "aac")}
_PLAYABLE_VIDEO_AUDIO = {None, "aac", "mp3"}


def web_video_bounds() -> tuple[int, int]:
    """(short side, long side) limits of web.mp4, from MEDIA_WEB_VIDEO_SHORT_SIDE/_LONG_SIDE."""
    short = int(getattr(settings, "MEDIA_WEB_VIDEO_SHORT_SIDE", DEFAULT_WEB_VIDEO_SHORT_SIDE))
    long = int(getattr(settings, "MEDIA_WEB_VIDEO_LONG_SIDE", DEFAULT_WEB_VIDEO_LONG_SIDE))
    return short, long


def tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise StepError(
            _(
                "%(tool)s is not installed (scripts/system-deps.sh base installs ffmpeg), so audio "
                "and video cannot be processed."
            )
            % {"tool": name}
        )
    return path


# --- technical metadata ----------------------------------------------------------------------


def probe_master(item_file) -> dict:
    """technical["av"] for a stored master (the `technical` step calls this)."""
    with local_path(master_storage(), item_file.master.name) as path:
        return probe(path)


def probe(path: Path) -> dict:
    """Duration, container and streams of a local file; StepError when there is nothing to play."""
    try:
        result = subprocess.run(
            [
                tool("ffprobe"),
                "-v",
                "error",
                "-print_format",
                "json",
                "-show_format",
                "-show_streams",
                f"file:{path}",
            ],
            capture_output=True,
            timeout=PROBE_TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise StepError(
            _("ffprobe did not finish within %(s)s seconds.") % {"s": PROBE_TIMEOUT_SECONDS}
        ) from exc
    if result.returncode != 0:
        raise StepError(
            _("ffprobe could not read the file: %(detail)s")
            % {"detail": _last_line(result.stderr, path)}
        )
    info = summarise_probe(json.loads(result.stdout or b"{}"))
    if not (info["has_audio"] or info["has_video"]):
        found = ", ".join(s.get("codec_type", "?") for s in info["streams"]) or _("none")
        raise StepError(
            _("The file contains no audio or video stream (streams found: %(found)s).")
            % {"found": found}
        )
    return info


def summarise_probe(probe_output: dict) -> dict:
    fmt = probe_output.get("format", {})
    streams = [_summarise_stream(s) for s in probe_output.get("streams", [])]
    audio = [s for s in streams if s.get("codec_type") == "audio"]
    # Cover art in MP3/M4A files is a "video" stream of one picture; it is not a video.
    video = [s for s in streams if s.get("codec_type") == "video" and not s.get("attached_pic")]
    duration = _number(fmt.get("duration"))
    if duration is None:
        durations = [s["duration"] for s in audio + video if s.get("duration") is not None]
        duration = max(durations, default=None)
    info = {
        "container": fmt.get("format_name"),
        "duration": duration,
        "duration_ms": round(duration * 1000) if duration is not None else None,
        "bit_rate": _number(fmt.get("bit_rate")),
        "has_audio": bool(audio),
        "has_video": bool(video),
        "streams": streams,
    }
    if video:
        # Display size: phones store portrait video as landscape frames plus a rotation, which
        # players and ffmpeg (autorotate) apply; scaling and bounds must use the turned size.
        width, height = video[0].get("width"), video[0].get("height")
        if video[0].get("rotation", 0) % 180 == 90:
            width, height = height, width
        info["width"], info["height"] = width, height
    if audio:
        info["sample_rate"] = audio[0].get("sample_rate")
        info["channels"] = audio[0].get("channels")
    return info


def _summarise_stream(stream: dict) -> dict:
    keys = (
        "index",
        "codec_type",
        "codec_name",
        "profile",
        "sample_rate",
        "channels",
        "channel_layout",
        "width",
        "height",
        "pix_fmt",
        "bit_rate",
        "duration",
        "avg_frame_rate",
    )
    summary = {key: stream[key] for key in keys if key in stream}
    for key in ("sample_rate", "bit_rate", "duration"):
        if key in summary:
            summary[key] = _number(summary[key])
    if (stream.get("disposition") or {}).get("attached_pic"):
        summary["attached_pic"] = True
    rotation = _rotation(stream)
    if rotation:
        summary["rotation"] = rotation
    return summary


def _rotation(stream: dict) -> int:
    """Clockwise display rotation in degrees (0, 90, 180, 270) from the display matrix or tag."""
    for side_data in stream.get("side_data_list") or []:
        if "rotation" in side_data:
            return round(-float(side_data["rotation"])) % 360
    rotate = (stream.get("tags") or {}).get("rotate")
    try:
        return round(float(rotate)) % 360 if rotate is not None else 0
    except ValueError:
        return 0


# --- the `av` step ---------------------------------------------------------------------------


def av_derivatives(item_file) -> AvResult:
    """The `av` step's work: the web copy and poster made, and what a player should load."""
    with local_path(master_storage(), item_file.master.name) as path:
        info = probe(path)
        check_integrity(path, info)
        made: dict[str, dict[str, Any]] = {}
        web_name = web_derivative_needed(item_file.mime_type, info)
        with tempfile.TemporaryDirectory(prefix="archive-av-") as workdir:
            if web_name:
                made[web_name] = transcode(path, info, web_name, Path(workdir), item_file.sha256)
            if info["has_video"]:
                made["poster.jpg"] = poster(path, info, Path(workdir), item_file.sha256)
    if web_name:
        web = AvWeb(source=web_name, mime=AV_DERIVATIVES[web_name])
    else:
        web = AvWeb(source="master", mime=item_file.mime_type)
    return AvResult(derivatives=made, web=web)


def web_derivative_needed(mime: str, info: dict) -> str | None:
    """None when browsers play the master as it is; else the derivative to make."""
    audio = next((s for s in info["streams"] if s.get("codec_type") == "audio"), None)
    audio_codec = audio.get("codec_name") if audio else None
    if not info["has_video"]:
        return None if (mime, audio_codec) in _PLAYABLE_AUDIO else "web.m4a"
    video = next(
        s for s in info["streams"] if s.get("codec_type") == "video" and not s.get("attached_pic")
    )
    playable = (
        mime == "video/mp4"
        and video.get("codec_name") == "h264"
        and video.get("pix_fmt") in {"yuv420p", "yuvj420p"}
        and audio_codec in _PLAYABLE_VIDEO_AUDIO
        and _scaled_size(info.get("width"), info.get("height"))
        == (info.get("width"), info.get("height"))
    )
    return None if playable else "web.mp4"


def check_integrity(path: Path, info: dict) -> None:
    """Read every packet without decoding: a truncated or damaged file fails here, cheaply.

    ffprobe only reads the headers, so a recording cut off in the middle still "probes" fine.
    """
    command = [
        tool("ffmpeg"),
        "-nostdin",
        "-v",
        "error",
        "-xerror",
        "-i",
        f"file:{path}",
        "-map",
        "0:a?",
        "-map",
        "0:v?",
        "-c",
        "copy",
        "-f",
        "null",
        "-",
    ]
    result = _run_ffmpeg(command, info)
    if result.returncode != 0:
        raise StepError(
            _("The recording is damaged or truncated: %(detail)s")
            % {"detail": _last_line(result.stderr, path)}
        )


def transcode(path: Path, info: dict, name: str, workdir: Path, sha256: str) -> dict:
    out = workdir / name
    command = [
        tool("ffmpeg"),
        "-nostdin",
        "-v",
        "error",
        "-xerror",
        "-y",
        "-i",
        f"file:{path}",
        "-map_metadata",
        "-1",
        "-sn",
        "-dn",
    ]
    details: dict = {}
    if name == "web.m4a":
        channels = min(int(info.get("channels") or 1), 2)
        command += ["-map", "0:a:0", "-vn", *_aac(channels)]
        details["channels"] = channels
    else:
        width, height = _scaled_size(info.get("width"), info.get("height"))
        command += [
            "-map",
            _video_map(info),
            "-map",
            "0:a:0?",
            "-c:v",
            "libx264",
            "-preset",
            "veryfast",
            "-crf",
            "23",
            "-profile:v",
            "high",
            "-pix_fmt",
            "yuv420p",
            "-vf",
            f"scale={width}:{height}",
            *_aac(2),
        ]
        details.update(width=width, height=height)
    command += ["-movflags", "+faststart", "-f", "mp4", f"file:{out}"]
    result = _run_ffmpeg(command, info)
    if result.returncode != 0 or not out.exists() or out.stat().st_size == 0:
        raise StepError(
            _("ffmpeg could not make %(name)s: %(detail)s")
            % {"name": name, "detail": _last_line(result.stderr, path)}
        )
    return {**_store(out, sha256, name), **details}


def poster(path: Path, info: dict, workdir: Path, sha256: str) -> dict:
    """A still from early in the video (not the first frame, which is often black)."""
    out = workdir / "poster.jpg"
    width, height = _scaled_size(info.get("width"), info.get("height"))
    duration = info.get("duration") or 0
    for at in (min(POSTER_AT_SECONDS, duration / 10), 0):
        command = [
            tool("ffmpeg"),
            "-nostdin",
            "-v",
            "error",
            "-y",
            "-ss",
            f"{at:.3f}",
            "-i",
            f"file:{path}",
            "-map",
            _video_map(info),
            "-frames:v",
            "1",
            "-vf",
            f"scale={width}:{height}",
            "-q:v",
            "3",
            f"file:{out}",
        ]
        result = _run_ffmpeg(command, info)
        if result.returncode == 0 and out.exists() and out.stat().st_size > 0:
            return {**_store(out, sha256, "poster.jpg"), "width": width, "height": height}
    raise StepError(
        _("ffmpeg could not take a poster frame: %(detail)s")
        % {"detail": _last_line(result.stderr, path)}
    )


def _aac(channels: int) -> list[str]:
    return ["-c:a", "aac", "-b:a", str(AUDIO_BITRATE_PER_CHANNEL * channels), "-ac", str(channels)]


def _video_map(info: dict) -> str:
    video = next(
        s for s in info["streams"] if s.get("codec_type") == "video" and not s.get("attached_pic")
    )
    return f"0:{video['index']}" if "index" in video else "0:v:0"


def _scaled_size(width, height) -> tuple[int, int]:
    """Fit within the web bounds (short side, long side), keeping the shape; even numbers."""
    if not width or not height:
        return width, height
    short_limit, long_limit = web_video_bounds()
    scale = min(1.0, short_limit / min(width, height), long_limit / max(width, height))
    if scale == 1.0 and width % 2 == 0 and height % 2 == 0:
        return width, height
    # H.264 in yuv420p needs even dimensions.
    return (max(2, math.floor(width * scale / 2) * 2), max(2, math.floor(height * scale / 2) * 2))


def _run_ffmpeg(command: list[str], info: dict) -> subprocess.CompletedProcess:
    timeout = FFMPEG_BASE_TIMEOUT_SECONDS + FFMPEG_TIMEOUT_PER_MEDIA_SECOND * (
        info.get("duration") or 0
    )
    try:
        return subprocess.run(command, capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired as exc:
        raise StepError(
            _("ffmpeg did not finish within %(s)s seconds.") % {"s": round(timeout)}
        ) from exc


def _store(local: Path, sha256: str, name: str) -> dict:
    storage = derivative_storage()
    target = derivative_name(sha256, name)
    if storage.exists(target):
        storage.delete(target)  # a rerun replaces the file instead of saving a renamed copy
    size = local.stat().st_size
    with local.open("rb") as fileobj:
        stored = storage.save(target, File(fileobj, name=target))
    return {"path": stored, "mime": AV_DERIVATIVES[name], "bytes": size}


def _last_line(stderr: bytes, path: Path | None = None) -> str:
    """The last two distinct messages of ffmpeg's stderr, without paths and component tags."""
    text = stderr.decode("utf-8", "replace")
    if path is not None:
        # The local path is a temporary copy for S3 masters; it means nothing to curators.
        text = text.replace(f"file:{path}", "").replace(str(path), "")
    lines = []
    for line in text.splitlines():
        line = _COMPONENT_TAG.sub("", line).strip(" :")
        if line and line not in lines:
            lines.append(line)
    return "; ".join(lines[-2:]) if lines else _("no details given")


def _number(value):
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    if not math.isfinite(number):
        return None
    return int(number) if number.is_integer() else number
