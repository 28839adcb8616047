"""Small audio/video files made with Debian's ffmpeg at test time (nothing binary is committed)."""

from __future__ import annotations

import shutil
import struct
import subprocess
import tempfile
from pathlib import Path

import pytest

needs_ffmpeg = pytest.mark.skipif(
    shutil.which("ffmpeg") is None or shutil.which("ffprobe") is None,
    reason="ffmpeg/ffprobe not installed (scripts/system-deps.sh base)",
)


def ffmpeg_bytes(suffix: str, *args: str) -> bytes:
    """Run ffmpeg with lavfi test sources; returns the output file's bytes."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / f"out{suffix}"
        subprocess.run(
            ["ffmpeg", "-nostdin", "-v", "error", "-y", *args, str(out)], check=True, timeout=120
        )
        return out.read_bytes()


def _sources(seconds: float, size: str, rate: int = 10, audio: bool = True) -> list[str]:
    sources = ["-f", "lavfi", "-i", f"testsrc=size={size}:rate={rate}:duration={seconds}"]
    if audio:
        sources += ["-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=8000:duration={seconds}"]
    return sources


def flac_bytes(seconds: float = 1.0, channels: int = 1) -> bytes:
    layout = "mono" if channels == 1 else "stereo"
    return ffmpeg_bytes(
        ".flac",
        "-f",
        "lavfi",
        "-i",
        f"sine=frequency=300:sample_rate=16000:duration={seconds}",
        "-af",
        f"aformat=channel_layouts={layout}",
        "-c:a",
        "flac",
    )


def mp3_bytes(seconds: float = 1.0) -> bytes:
    return ffmpeg_bytes(
        ".mp3",
        "-f",
        "lavfi",
        "-i",
        f"sine=frequency=300:sample_rate=22050:duration={seconds}",
        "-c:a",
        "libmp3lame",
        "-b:a",
        "32k",
    )


def mp4_h264_bytes(seconds: float = 1.0, size: str = "320x240", faststart: bool = True) -> bytes:
    """A browser-playable MP4: H.264 yuv420p + AAC."""
    flags = ["-movflags", "+faststart"] if faststart else []
    return ffmpeg_bytes(
        ".mp4",
        *_sources(seconds, size),
        "-c:v",
        "libx264",
        "-preset",
        "ultrafast",
        "-pix_fmt",
        "yuv420p",
        "-c:a",
        "aac",
        "-b:a",
        "32k",
        "-shortest",
        *flags,
    )


def avi_mjpeg_bytes(seconds: float = 1.0, size: str = "320x240") -> bytes:
    """A camera-style AVI (Motion JPEG + PCM) that browsers cannot play."""
    return ffmpeg_bytes(
        ".avi",
        *_sources(seconds, size, rate=5),
        "-c:v",
        "mjpeg",
        "-q:v",
        "8",
        "-c:a",
        "pcm_s16le",
        "-shortest",
    )


def mkv_with_only_subtitles() -> bytes:
    """A Matroska file whose one stream is a subtitle track: nothing to play."""
    with tempfile.TemporaryDirectory() as tmp:
        vtt = Path(tmp) / "s.vtt"
        vtt.write_text("WEBVTT\n\n00:00.000 --> 00:01.000\n你好\n", encoding="utf-8")
        return ffmpeg_bytes(".mkv", "-i", str(vtt), "-c:s", "webvtt")


def m4a_without_tracks() -> bytes:
    """An M4A container (ftyp + moov with a movie header) holding no track at all."""

    def box(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", 8 + len(body)) + kind + body

    matrix = struct.pack(">9I", 0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000)
    mvhd = box(
        b"mvhd",
        b"\0\0\0\0"
        + struct.pack(">IIII", 0, 0, 1000, 0)
        + struct.pack(">IH", 0x10000, 0x100)
        + b"\0" * 10
        + matrix
        + b"\0" * 24
        + struct.pack(">I", 2),
    )
    return box(b"ftyp", b"M4A \0\0\0\0M4A isom") + box(b"moov", mvhd)


def blob(n: int = 0, size: int = 64 * 1024) -> bytes:
    """Distinct binary bytes of no known format: only the format-independent steps apply."""
    pattern = bytes((i * 7 + n) % 256 for i in range(256))
    return f"blob-{n}\0".encode() + pattern * (size // 256)


def portrait_phone_mp4_bytes() -> bytes:
    """320×240 frames with a 90° display rotation, as phones record portrait video."""
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "landscape.mp4"
        source.write_bytes(mp4_h264_bytes())
        return ffmpeg_bytes(".mp4", "-i", str(source), "-c", "copy", "-metadata:s:v:0", "rotate=90")
