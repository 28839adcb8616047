"""Factories for the media pipeline's records: files with a real master, and page text.

``ItemFileFactory`` stores a small JPEG in the masters storage under its content address, with
the hash and size of those bytes, so the pipeline, fixity audit and IIIF can work on it. Each
call draws a different image, so two files never share a master by accident.
"""

from __future__ import annotations

import hashlib
import io

import factory
from django.core.files.base import ContentFile
from factory.django import DjangoModelFactory
from PIL import Image

from media_pipeline.models import FileStatus, ItemFile, PageText, PageTextSource
from media_pipeline.storage import master_name

from .catalogue import ItemFactory


def small_jpeg(seed: int, size: tuple[int, int] = (64, 48)) -> bytes:
    """A tiny JPEG whose colour depends on `seed` and whose hash is `seed`'s own: the colours
    repeat every 256 seeds, so the seed is also written into the JPEG's comment (a session that
    made more than 256 files drew a master it had already stored, which the storage renamed)."""
    colour = (seed * 37 % 256, seed * 91 % 256, seed * 53 % 256)
    buffer = io.BytesIO()
    image = Image.new("RGB", size, colour)
    image.save(buffer, format="JPEG", quality=90, comment=f"factory seed {seed}".encode())
    return buffer.getvalue()


class ItemFileFactory(DjangoModelFactory):
    class Meta:
        model = ItemFile

    class Params:
        data = factory.Sequence(small_jpeg)

    item = factory.SubFactory(ItemFactory, item_type="photograph")
    sequence = factory.Sequence(lambda n: n + 1)
    original_filename = factory.LazyAttribute(lambda o: f"scan-{o.sequence}.jpg")
    sha256 = factory.LazyAttribute(lambda o: hashlib.sha256(o.data).hexdigest())
    size = factory.LazyAttribute(lambda o: len(o.data))
    mime_type = "image/jpeg"
    status = FileStatus.PENDING
    master = factory.LazyAttribute(
        lambda o: ContentFile(o.data, name=master_name(o.sha256, ".jpg"))
    )


class PageTextFactory(DjangoModelFactory):
    """One page of recognised text with a line box, as OCR stores it."""

    class Meta:
        model = PageText

    item_file = factory.SubFactory(ItemFileFactory, status=FileStatus.DONE)
    page_number = factory.Sequence(lambda n: n + 1)
    text = factory.Sequence(lambda n: f"第{n + 1}页：关于工程控制论的笔记。")
    lines = factory.LazyAttribute(
        lambda o: [{"text": o.text, "box": [40, 60, 900, 48], "confidence": 91.5}]
    )
    source = PageTextSource.OCR
    engine = "tesseract 5 chi_sim"
    engine_version = "5.3.0"
    width = 1000
    height = 1400
