"""Access copies of images: a thumbnail and a web-sized JPEG, upright and in sRGB-ish RGB."""

from __future__ import annotations

import io

from django.core.files.base import ContentFile
from PIL import Image, ImageOps

from .storage import derivative_name, derivative_storage, master_storage
from .technical import open_image

# name → longest side in pixels; biggest first, each made from the one before.
IMAGE_DERIVATIVES = {"web.jpg": 2000, "thumb.jpg": 400}
DERIVATIVE_NAMES = frozenset(IMAGE_DERIVATIVES)
JPEG_QUALITY = 85
_SIXTEEN_BIT_MODES = {"I;16", "I;16B", "I;16L", "I;16N", "I", "F"}


def make_derivatives(item_file) -> dict:
    """The `technical` keys this step contributes: {"derivatives": {name: details}}."""
    if not item_file.is_image:
        return {"derivatives": {}}
    with master_storage().open(item_file.master.name, "rb") as fileobj:
        with open_image(fileobj) as image:
            upright = _prepare(image, max(IMAGE_DERIVATIVES.values()))
    made = {}
    for name, longest in IMAGE_DERIVATIVES.items():
        upright.thumbnail((longest, longest), Image.Resampling.LANCZOS)
        made[name] = _save_jpeg(upright, derivative_name(item_file.sha256, name))
    return {"derivatives": made}


def _prepare(image: Image.Image, longest: int) -> Image.Image:
    if getattr(image, "n_frames", 1) > 1:
        image.seek(0)  # multi-page TIFF, animated GIF: the first page stands for the file
    # JPEG can decode at a reduced scale, which makes huge scans cheap to shrink.
    image.draft("RGB", (longest, longest))
    upright = ImageOps.exif_transpose(image)
    return _to_rgb(upright)


def _to_rgb(image: Image.Image) -> Image.Image:
    if image.mode in _SIXTEEN_BIT_MODES:
        # Stretch the used range to 8 bits; a plain convert would clip 16-bit scans to white.
        image = image if image.mode == "F" else image.convert("I")
        low, high = image.getextrema()
        scale = 255 / (high - low) if high > low else 1
        image = image.point(lambda v: (v - low) * scale).convert("L")
    if image.mode == "P":
        image = image.convert("RGBA")
    if image.mode in {"RGBA", "LA", "PA", "La", "RGBa"}:
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, "white")
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


def _save_jpeg(image: Image.Image, name: str) -> dict:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    storage = derivative_storage()
    if storage.exists(name):
        storage.delete(name)  # a rerun replaces the file instead of saving a renamed copy
    stored = storage.save(name, ContentFile(buffer.getvalue()))
    return {"path": stored, "width": image.width, "height": image.height,
            "bytes": buffer.tell()}
