"""Technical metadata of a stored master: image properties, PDF basics, audio/video streams."""

from __future__ import annotations

import warnings
from contextlib import contextmanager
from typing import BinaryIO

from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from .storage import master_storage

DEFAULT_MAX_IMAGE_PIXELS = 200_000_000


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
        from .imaging import image_info  # imaging imports StepError from here

        return {"image": image_info(item_file)}
    if item_file.is_pdf:
        from .pdf import pdf_info  # pdf imports StepError from here
        from .storage import local_path

        with local_path(master_storage(), item_file.master.name) as path:
            return {"pdf": pdf_info(path)}
    if item_file.is_audio or item_file.is_video:
        from .av import probe_master  # av imports StepError from here

        return {"av": probe_master(item_file)}
    return {}
