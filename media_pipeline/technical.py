"""Technical metadata of a stored master: image properties, PDF basics, audio/video streams."""

from __future__ import annotations

import json
import shutil
import subprocess
import warnings
from contextlib import contextmanager
from typing import BinaryIO

from django.conf import settings
from django.utils.translation import gettext as _
from PIL import ExifTags, Image, UnidentifiedImageError

from .pdfinfo import pdf_info
from .storage import local_path, master_storage

DEFAULT_MAX_IMAGE_PIXELS = 200_000_000
FFPROBE_TIMEOUT_SECONDS = 300


class StepError(Exception):
    """An expected failure of a processing step; the message is shown to curators."""


def max_image_pixels() -> int:
    return int(getattr(settings, "MEDIA_MAX_IMAGE_PIXELS", DEFAULT_MAX_IMAGE_PIXELS))


@contextmanager
def open_image(fileobj: BinaryIO):
    """Open an image lazily, refusing sizes above MEDIA_MAX_IMAGE_PIXELS before decoding."""
    limit = max_image_pixels()
    # Pillow's own guard (error above twice this) backs up the explicit check below.
    Image.MAX_IMAGE_PIXELS = limit
    try:
        with warnings.catch_warnings():
            # Between the limit and twice it Pillow only warns; the check below refuses those.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(fileobj)
    except Image.DecompressionBombError as exc:
        raise StepError(_bomb_message(None, limit)) from exc
    except UnidentifiedImageError as exc:
        raise StepError(_("The image could not be decoded (format not supported here).")) from exc
    with image:
        if image.width * image.height > limit:
            raise StepError(_bomb_message(image.size, limit))
        yield image


def _bomb_message(size, limit: int) -> str:
    if size is None:
        return _(
            "The image declares more than %(limit)s pixels (MEDIA_MAX_IMAGE_PIXELS); it was not "
            "decoded because it may be a decompression bomb."
        ) % {"limit": f"{limit:,}"}
    width, height = size
    return _(
        "The image is %(width)s×%(height)s pixels (%(pixels)s), above the limit of %(limit)s "
        "(MEDIA_MAX_IMAGE_PIXELS); it was not decoded because it may be a decompression bomb."
    ) % {"width": width, "height": height, "pixels": f"{width * height:,}", "limit": f"{limit:,}"}


def technical_metadata(item_file) -> dict:
    """The `technical` keys this step contributes, by kind of file."""
    if item_file.is_image:
        with master_storage().open(item_file.master.name, "rb") as fileobj:
            return {"image": image_info(fileobj)}
    if item_file.is_pdf:
        with master_storage().open(item_file.master.name, "rb") as fileobj:
            return {"pdf": pdf_info(fileobj)}
    if item_file.is_audio or item_file.is_video:
        return {"av": av_info(item_file.master.name)}
    return {}


def image_info(fileobj: BinaryIO) -> dict:
    with open_image(fileobj) as image:
        dpi = image.info.get("dpi")
        return {
            "width": image.width,
            "height": image.height,
            "mode": image.mode,
            "format": image.format,
            "frames": getattr(image, "n_frames", 1),
            "dpi": [round(float(v), 2) for v in dpi] if dpi else None,
            "orientation": image.getexif().get(ExifTags.Base.Orientation),
            "icc_profile": bool(image.info.get("icc_profile")),
        }


def av_info(name: str) -> dict:
    ffprobe = shutil.which("ffprobe")
    if ffprobe is None:
        raise StepError(
            _("ffprobe is not installed (scripts/system-deps.sh installs ffmpeg), so audio and "
              "video cannot be examined.")
        )
    with local_path(master_storage(), name) as path:
        try:
            result = subprocess.run(
                [ffprobe, "-v", "error", "-print_format", "json", "-show_format",
                 "-show_streams", f"file:{path}"],
                capture_output=True, timeout=FFPROBE_TIMEOUT_SECONDS, check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise StepError(_("ffprobe did not finish within %(s)s seconds.")
                            % {"s": FFPROBE_TIMEOUT_SECONDS}) from exc
    if result.returncode != 0:
        detail = result.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
        raise StepError(_("ffprobe could not read the file: %(detail)s") % {"detail": detail[0]})
    return _summarise_probe(json.loads(result.stdout or b"{}"))


def _summarise_probe(probe: dict) -> dict:
    fmt = probe.get("format", {})
    return {
        "container": fmt.get("format_name"),
        "duration": _number(fmt.get("duration")),
        "bit_rate": _number(fmt.get("bit_rate")),
        "streams": [_summarise_stream(stream) for stream in probe.get("streams", [])],
    }


def _summarise_stream(stream: dict) -> dict:
    keys = ("codec_type", "codec_name", "sample_rate", "channels", "width", "height",
            "bit_rate", "duration", "avg_frame_rate")
    summary = {key: stream[key] for key in keys if key in stream}
    for key in ("sample_rate", "bit_rate", "duration"):
        if key in summary:
            summary[key] = _number(summary[key])
    return summary


def _number(value):
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return int(number) if number.is_integer() else number
