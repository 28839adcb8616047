"""Access copies of images, made with libvips: web JPEG + WebP and a thumbnail, upright sRGB.

The `derivatives` step (media_pipeline/steps/derivatives.py) stores them. The first page
stands for a multi-page file here; every page gets deep-zoom tiles and IIIF
sizes in the `iiif` step (media_pipeline/iiif/tiles.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyvips
from django.core.files.base import ContentFile

from . import imaging
from .errors import StepError
from .results import DerivativeRecord
from .storage import derivative_name, derivative_storage

# name → longest side in pixels. ItemFile.thumbnail_url / web_url rely on these names.
IMAGE_DERIVATIVES = {"web.jpg": 2000, "web.webp": 2000, "thumb.jpg": 400}
DERIVATIVE_NAMES = frozenset(IMAGE_DERIVATIVES)
CONTENT_TYPES = {".jpg": "image/jpeg", ".webp": "image/webp"}
JPEG_QUALITY = 85
WEBP_QUALITY = 80


def content_type(name: str) -> str:
    return CONTENT_TYPES["." + name.rsplit(".", 1)[-1]]


def render_derivatives(path: Path, loader: str, page: imaging.Page) -> dict:
    """{name: (encoded bytes, image)} for one page; nothing is stored here."""
    longest = max(IMAGE_DERIVATIVES.values())
    try:
        # One decode (at reduced scale for JPEG) into memory; every copy is cut from it.
        web = imaging.fit(
            imaging.open_page(path, loader, page, **imaging.jpeg_shrink_for(loader, page, longest)),
            longest,
        ).copy_memory()
        return {
            name: _encode(imaging.fit(web, side), name) for name, side in IMAGE_DERIVATIVES.items()
        }
    except pyvips.Error as exc:
        raise StepError(imaging.decode_error(exc)) from exc


def _encode(image, name: str) -> tuple[bytes, object]:
    if name.endswith(".webp"):
        data = image.webpsave_buffer(Q=WEBP_QUALITY, strip=True, effort=2)
    else:
        data = image.jpegsave_buffer(
            Q=JPEG_QUALITY, strip=True, optimize_coding=True, interlace=True
        )
    return data, image


def store_derivative(sha256: str, name: str, data: bytes, image: Any) -> DerivativeRecord:
    storage, stored_name = derivative_storage(), derivative_name(sha256, name)
    if storage.exists(stored_name):
        storage.delete(stored_name)  # a rerun replaces the file instead of saving a renamed copy
    stored = storage.save(stored_name, ContentFile(data))
    return DerivativeRecord(path=stored, width=image.width, height=image.height, bytes=len(data))
