import io

import pytest

from media_pipeline.sniff import UNKNOWN, sniff_bytes, sniff_file

from . import samples

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _sniff(data: bytes, name: str = ""):
    return sniff_file(io.BytesIO(data), name)


@pytest.mark.parametrize(
    ("data", "mime"),
    [
        (samples.image_bytes("JPEG"), "image/jpeg"),
        (samples.image_bytes("PNG"), "image/png"),
        (samples.image_bytes("GIF", mode="L"), "image/gif"),
        (samples.image_bytes("TIFF"), "image/tiff"),
        (b"MM\x00*\x00\x00\x00\x08" + b"\x00" * 32, "image/tiff"),
        (b"II+\x00\x08\x00\x00\x00" + b"\x00" * 32, "image/tiff"),
        (b"MM\x00+\x00\x08\x00\x00" + b"\x00" * 32, "image/tiff"),
        (samples.image_bytes("WEBP"), "image/webp"),
        (samples.image_bytes("AVIF", size=(64, 64)), "image/avif"),
        (samples.ftyp(b"heic", b"mif1", b"heic"), "image/heic"),
        (samples.ftyp(b"mif1", b"mif1", b"heic"), "image/heic"),
        (samples.ftyp(b"mif1", b"mif1"), "image/heif"),
        (samples.image_bytes("JPEG2000", size=(64, 64)), "image/jp2"),
        (samples.image_bytes("JPEG2000", size=(64, 64), no_jp2=True), "image/x-jp2-codestream"),
        (samples.pdf_bytes(), "application/pdf"),
        (samples.wav_bytes(), "audio/wav"),
        (b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x64" + b"\x00" * 64, "audio/mpeg"),
        (b"\xff\xfb\x90\x64" + b"\x00" * 64, "audio/mpeg"),
        (b"fLaC\x00\x00\x00\x22" + b"\x00" * 40, "audio/flac"),
        (b"OggS\x00\x02" + b"\x00" * 22 + b"\x01vorbis" + b"\x00" * 20, "audio/ogg"),
        (samples.ftyp(b"M4A ", b"M4A ", b"mp42", b"isom"), "audio/mp4"),
        (samples.ftyp(b"isom", b"isom", b"iso2", b"avc1", b"mp41"), "video/mp4"),
        (samples.ftyp(b"qt  ", b"qt  "), "video/quicktime"),
        (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x84webm" + b"\x00" * 16, "video/webm"),
        (
            b"\x1a\x45\xdf\xa3\xa3\x42\x86\x81\x01\x42\x82\x88matroska" + b"\x00" * 16,
            "video/x-matroska",
        ),
        ("第一行：口述访谈记录\n第二行\n".encode(), "text/plain"),
        ("\ufeffWEBVTT\n\n00:00.000 --> 00:04.000\n我小时候在上海读书。\n".encode(), "text/vtt"),
        (samples.office_zip("word/"), DOCX),
        (samples.xlsx_bytes(), XLSX),
        (samples.office_zip("other/"), "application/zip"),
        (b"\x00\x01\x02\x03binary", UNKNOWN),
    ],
)
def test_sniffs_format_from_content(data, mime):
    assert _sniff(data).mime == mime


def test_name_does_not_decide_the_format():
    result = _sniff(samples.image_bytes("JPEG"), "第1页.png")
    assert result.mime == "image/jpeg"
    assert result.extension == ".jpg"
    assert len(result.warnings) == 1
    assert ".png" in result.warnings[0] and "image/jpeg" in result.warnings[0]


@pytest.mark.parametrize("name", ["scan.JPG", "scan.jpeg", "scan"])
def test_matching_or_missing_extension_is_not_warned_about(name):
    assert _sniff(samples.image_bytes("JPEG"), name).warnings == []


def test_unknown_content_is_warned_about():
    assert _sniff(b"\x00\x00garbage", "x.bin").warnings


def test_text_with_multibyte_character_cut_at_sample_end_is_still_text():
    data = ("汉" * 5000).encode()  # 15000 bytes: the 8 KiB sample ends inside a character
    assert _sniff(data).mime == "text/plain"


def test_invalid_utf8_is_not_text():
    assert sniff_bytes("中文".encode("gb18030") * 10) == UNKNOWN


def test_text_quoting_a_pdf_header_is_not_a_pdf():
    assert sniff_bytes(b"Notes: files begin with %PDF-1.7 usually\n") == "text/plain"


def test_pdf_with_leading_junk_is_pdf():
    assert sniff_bytes(b"\x00\x01junk" + samples.pdf_bytes()) == "application/pdf"
