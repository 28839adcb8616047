"""A seal's text read from its own ink (media_pipeline/ocr/seals.py): the name arched along a
round seal, a square seal's characters, and nothing at all from a seal too smudged to read."""

import pytest
from PIL import Image, ImageChops, ImageDraw, ImageFilter

from bench import ocr_pages
from media_pipeline.ocr import clean, seals
from media_pipeline.ocr.recognise import recognise

from . import pages

pytestmark = [pytest.mark.ocr, pytest.mark.slow]


def _seal_texts(image: Image.Image) -> list[str | None]:
    return [block.get("text") for block in seals.seal_blocks(image, clean.clean(image).seals)]


def test_the_seal_over_a_letters_signature_is_read_into_its_block_and_kept_out_of_the_text():
    image, truth = ocr_pages.seal_letter(seed=1)  # 中国科学院物理研究所 over the signer and date
    result = recognise(image)
    (seal,) = [block for block in result.blocks if block["kind"] == "seal"]
    assert seal["shape"] == "round"
    assert seal["text"] == "中国科学院物理研究所"
    assert seal["confidence"] >= seals.SEAL_CONFIDENCE and seal["lines"] == []
    # The signature beneath it reads as written, with nothing of the seal in it.
    signer, date = truth.splitlines()[-2:]
    signature = [line.text for line in result.lines if signer in line.text or date in line.text]
    assert signature == [signer, date]
    assert result.text.count("中国科学院") == truth.count("中国科学院")  # the body's own
    assert pages.cer(result.text, truth) <= 0.03


def test_a_seal_pressed_at_a_slant_or_in_blue_is_read_from_the_gap_of_its_name():
    sheet = Image.new("RGB", (1200, 1200), "white")
    slanted = ocr_pages.stamp(sheet, (600, 600), 260, "中国科学院力学研究所", 2).rotate(
        50, fillcolor="white"
    )
    assert _seal_texts(slanted) == ["中国科学院力学研究所"]
    blue = ocr_pages.stamp(sheet, (600, 600), 260, "北京大学物理系", 1, ocr_pages.SEAL_BLUE)
    assert _seal_texts(blue) == ["北京大学物理系"]


def test_a_square_name_seal_is_read_in_columns_right_to_left():
    sheet = Image.new("RGB", (1200, 1200), "white")
    ink = Image.new("L", sheet.size, 0)
    draw = ImageDraw.Draw(ink)
    draw.rectangle([400, 400, 800, 800], outline=255, width=16)
    face = ocr_pages._font(pages.SANS, 150, pages.SIMPLIFIED)
    # 张文 in the right-hand column, 华印 in the left, as a name seal is cut.
    places = [(610, 440), (610, 610), (440, 440), (440, 610)]
    for char, place in zip("张文华印", places, strict=True):
        draw.text(place, char, font=face, fill=255)
    tinted = ImageChops.multiply(sheet, Image.new("RGB", sheet.size, ocr_pages.SEAL_RED))
    sealed = Image.composite(tinted, sheet, ink.filter(ImageFilter.GaussianBlur(1.2)))
    (block,) = seals.seal_blocks(sealed, clean.clean(sealed).seals)
    assert (block["shape"], block.get("text")) == ("square", "张文华印")


def test_a_seal_too_smudged_to_read_is_a_region_without_text():
    sheet = Image.new("RGB", (1200, 1200), "white")
    smudged = ocr_pages.stamp(sheet, (600, 600), 260, "中国科学院物理研究所", 1).filter(
        ImageFilter.GaussianBlur(9)
    )
    result = recognise(smudged)
    found = [block for block in result.blocks if block["kind"] == "seal"]
    assert found
    # No guess at the smudge: neither text nor a confidence on any seal region.
    assert all("text" not in block and "confidence" not in block for block in found)
