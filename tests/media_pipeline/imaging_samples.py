"""Images made by code for the libvips tests: every format curators hand in, and broken ones."""

from __future__ import annotations

import io
import struct

import pillow_heif
import pyvips
from PIL import Image

from . import samples


def gradient(size=(640, 480)) -> Image.Image:
    """A picture with structure (so tiles differ) and a red top-left corner to find."""
    width, height = size
    image = Image.linear_gradient("L").resize(size).convert("RGB")
    image.paste((220, 20, 20), (0, 0, width // 8, height // 8))
    return image


def encoded(fmt: str, size=(640, 480), **options) -> bytes:
    buffer = io.BytesIO()
    image = gradient(size)
    if fmt == "HEIF":
        pillow_heif.from_pillow(image).save(buffer, quality=90)
        return buffer.getvalue()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def sixteen_bit_tiff(size=(300, 200), value=40000) -> bytes:
    """A 16-bit RGB TIFF, flat at `value` of 65535, written by libvips itself."""
    image = (pyvips.Image.black(*size, bands=3) + value).cast("ushort")
    return image.copy(interpretation="rgb16").tiffsave_buffer(compression="lzw")


def pyramid_tiff(size=(1024, 768)) -> bytes:
    """A TIFF storing its own half-size reductions as extra pages, as pyramid writers do."""
    full = gradient(size)
    levels = [full.resize((size[0] // 2, size[1] // 2)), full.resize((size[0] // 4, size[1] // 4))]
    buffer = io.BytesIO()
    full.save(buffer, "TIFF", save_all=True, append_images=levels)
    return buffer.getvalue()


def tiff_declaring(width: int, height: int) -> bytes:
    """A little-endian TIFF whose header claims width×height with one tiny strip."""
    entries = [
        (256, 4, 1, width),
        (257, 4, 1, height),
        (258, 3, 1, 8),
        (259, 3, 1, 1),
        (262, 3, 1, 1),
        (273, 4, 1, 8 + 2 + 12 * 10 + 4),
        (277, 3, 1, 1),
        (278, 4, 1, height),
        (279, 4, 1, 16),
        (284, 3, 1, 1),
    ]
    ifd = struct.pack("<H", len(entries))
    for tag, kind, count, value in entries:
        packed = struct.pack("<HH", value, 0) if kind == 3 else struct.pack("<I", value)
        ifd += struct.pack("<HHI", tag, kind, count) + packed
    return b"II*\x00" + struct.pack("<I", 8) + ifd + struct.pack("<I", 0) + b"\x00" * 16


def truncated(data: bytes, keep: float = 0.5) -> bytes:
    return data[: int(len(data) * keep)]


rotated_jpeg = samples.rotated_jpeg
multipage_tiff = samples.multipage_tiff
