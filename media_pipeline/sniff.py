"""Identify a file's format from its bytes, never from its name.

Curators' folders are full of scans renamed by hand (`.jpg` that are TIFFs, `.mp3` that are WAVs),
so a name that disagrees with the content within one family (images, audio/video, PDF, text,
office/ZIP packages) only earns a warning. A name that claims another family than the content —
a `.pdf` that is text, a `.png` that is an HTML page, a `.mp4` of bytes no reader recognises — is
a wrong or broken file, and `name_conflict` says so; ingest refuses it. Text names (`.txt`,
`.csv`) claim no binary format, so text in a legacy encoding (not recognised as UTF-8) is kept.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import BinaryIO

from django.utils.translation import gettext as _

HEAD_BYTES = 8192
UNKNOWN = "application/octet-stream"


@dataclass(frozen=True)
class Format:
    mime: str
    label: str
    extensions: tuple[str, ...]  # the first is the one masters are stored with

    @property
    def extension(self) -> str:
        return self.extensions[0]


_FORMATS = [
    Format("image/jpeg", "JPEG", (".jpg", ".jpeg", ".jpe", ".jfif")),
    Format("image/png", "PNG", (".png",)),
    Format("image/gif", "GIF", (".gif",)),
    Format("image/tiff", "TIFF", (".tif", ".tiff")),
    Format("image/webp", "WebP", (".webp",)),
    Format("image/heic", "HEIC", (".heic", ".heif")),
    Format("image/heif", "HEIF", (".heif", ".heic")),
    Format("image/avif", "AVIF", (".avif",)),
    Format("image/jp2", "JPEG 2000", (".jp2", ".jpf")),
    Format("image/jpx", "JPEG 2000 (JPX)", (".jpx", ".jpf", ".jp2")),
    Format("image/x-jp2-codestream", "JPEG 2000 codestream", (".j2c", ".j2k", ".jpc")),
    Format("application/pdf", "PDF", (".pdf",)),
    Format("audio/wav", "WAV", (".wav", ".wave")),
    Format("audio/aiff", "AIFF", (".aif", ".aiff", ".aifc")),
    Format("audio/mpeg", "MP3", (".mp3",)),
    Format("audio/flac", "FLAC", (".flac",)),
    Format("audio/ogg", "Ogg audio", (".ogg", ".oga", ".opus")),
    Format("video/ogg", "Ogg video", (".ogv", ".ogg")),
    Format("audio/mp4", "M4A", (".m4a", ".m4b", ".mp4")),
    Format("video/mp4", "MP4", (".mp4", ".m4v")),
    Format("video/quicktime", "QuickTime", (".mov", ".qt")),
    Format("video/3gpp", "3GP", (".3gp",)),
    Format("video/x-msvideo", "AVI", (".avi",)),
    Format("video/mpeg", "MPEG program stream", (".mpg", ".mpeg", ".vob")),
    Format("video/mp2t", "MPEG transport stream", (".ts", ".mts")),
    Format("video/webm", "WebM", (".webm",)),
    Format("video/x-matroska", "Matroska", (".mkv", ".mka")),
    Format("text/vtt", "WebVTT", (".vtt",)),
    Format("application/x-subrip", "SubRip subtitles", (".srt",)),
    Format("application/xml", "XML", (".xml",)),
    Format("text/plain", "plain text", (".txt", ".text", ".md", ".csv", ".tsv")),
    Format(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "Word document (DOCX)",
        (".docx",),
    ),
    Format(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "Excel workbook (XLSX)",
        (".xlsx",),
    ),
    Format(
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "PowerPoint presentation (PPTX)",
        (".pptx",),
    ),
    Format("application/zip", "ZIP archive", (".zip",)),
    Format(UNKNOWN, "unknown", (".bin",)),
]
FORMATS = {fmt.mime: fmt for fmt in _FORMATS}


@dataclass(frozen=True)
class SniffResult:
    format: Format
    warnings: list[str] = field(default_factory=list)

    @property
    def mime(self) -> str:
        return self.format.mime

    @property
    def extension(self) -> str:
        return self.format.extension


def sniff_file(fileobj: BinaryIO, filename: str = "") -> SniffResult:
    """Sniff a seekable binary file; leaves the position at the start."""
    fileobj.seek(0)
    head = fileobj.read(HEAD_BYTES)
    mime = sniff_bytes(head)
    if mime == "application/zip":
        mime = _office_or_zip(fileobj)
    fileobj.seek(0)
    fmt = FORMATS[mime]
    return SniffResult(fmt, extension_warnings(fmt, filename))


def sniff_bytes(head: bytes) -> str:
    """The mime type for a file starting with `head` (a few KiB are plenty)."""
    for detect in (_image, _container, _audio, _document):
        mime = detect(head)
        if mime:
            return mime
    return _text(head) or UNKNOWN


def extension_warnings(fmt: Format, filename: str) -> list[str]:
    suffix = PurePath(filename).suffix.lower() if filename else ""
    if fmt.mime == UNKNOWN:
        return [_("The file's format was not recognised from its content.")]
    if suffix and suffix not in fmt.extensions:
        return [
            _("The file name ends in %(suffix)s but the content is %(label)s (%(mime)s).")
            % {"suffix": suffix, "label": fmt.label, "mime": fmt.mime}
        ]
    return []


def name_conflict(fmt: Format, filename: str) -> str | None:
    """Why the content cannot be what the name says (another family), or None."""
    suffix = PurePath(filename).suffix.lower() if filename else ""
    claimed = {_family(f.mime) for f in _FORMATS if suffix in f.extensions} - {None, "text"}
    found = _family(fmt.mime)
    if not claimed or found in claimed:
        return None
    labels = sorted({f.label for f in _FORMATS if suffix in f.extensions and f.mime != UNKNOWN})
    values = {"suffix": suffix, "claimed": " / ".join(labels), "label": fmt.label}
    if found is None:
        return (
            _(
                "its name ends in %(suffix)s (%(claimed)s) but its content was not recognised "
                "as any format"
            )
            % values
        )
    return _(
        "its name ends in %(suffix)s (%(claimed)s) but its content is %(label)s (%(mime)s)"
    ) % {**values, "mime": fmt.mime}


def _family(mime: str) -> str | None:
    """Formats a hand-renamed file may be confused within; None for unrecognised content."""
    if mime == UNKNOWN:
        return None
    major = mime.split("/", 1)[0]
    if major in {"audio", "video"}:
        return "audio/video"
    if major == "image":
        return "image"
    if mime == "application/pdf":
        return "pdf"
    if major == "text" or mime in {"application/x-subrip", "application/xml"}:
        return "text"
    return "package"  # ZIP and the office formats inside ZIP


def _image(head: bytes) -> str | None:
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if head[:4] in (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"):
        return "image/tiff"  # the last two are BigTIFF
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"\x00\x00\x00\x0cjP  \r\n\x87\n"):
        return _jp2_brand(head)
    if head.startswith(b"\xff\x4f\xff\x51"):
        return "image/x-jp2-codestream"
    return None


def _jp2_brand(head: bytes) -> str:
    # The ftyp box follows the 12-byte signature box; its major brand tells JP2 from JPX.
    if head[16:20] == b"ftyp" and head[20:24] == b"jpx ":
        return "image/jpx"
    return "image/jp2"


_HEIC_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs"}
_HEIF_BRANDS = {b"mif1", b"msf1", b"mif2"}
_AVIF_BRANDS = {b"avif", b"avis"}
_M4A_BRANDS = {b"M4A ", b"M4B ", b"M4P "}
_MP4_BRANDS = {
    b"isom",
    b"iso2",
    b"iso4",
    b"iso5",
    b"iso6",
    b"mp41",
    b"mp42",
    b"avc1",
    b"dash",
    b"M4V ",
    b"M4VH",
    b"M4VP",
    b"MSNV",
    b"f4v ",
}
_3GP_BRANDS = {b"3gp4", b"3gp5", b"3gp6", b"3g2a", b"3gg6"}


def _container(head: bytes) -> str | None:
    if head[4:8] == b"ftyp":
        return _ftyp(head)
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        # The EBML header names its DocType within the first few dozen bytes.
        return "video/webm" if b"webm" in head[:64] else "video/x-matroska"
    if head[:4] == b"OggS":
        return "video/ogg" if b"\x80theora" in head[:512] else "audio/ogg"
    if head[:4] == b"RIFF" and head[8:12] == b"AVI ":
        return "video/x-msvideo"
    if head.startswith(b"\x00\x00\x01\xba"):
        return "video/mpeg"
    if len(head) > 376 and head[0] == head[188] == head[376] == 0x47:
        return "video/mp2t"
    return None


def _ftyp(head: bytes) -> str:
    size = int.from_bytes(head[:4], "big")
    end = min(max(size, 16), len(head))
    brands = [head[8:12]] + [head[i : i + 4] for i in range(16, end - 3, 4)]
    # Specific brands win over generic ones wherever they appear: HEIC files often have the
    # generic major brand "mif1" and list "heic" among the compatible brands.
    for table in (_SPECIFIC_BRANDS, _GENERIC_BRANDS):
        for brand in brands:
            if brand in table:
                return table[brand]
    return "video/mp4"


_SPECIFIC_BRANDS = {
    **dict.fromkeys(_AVIF_BRANDS, "image/avif"),
    **dict.fromkeys(_HEIC_BRANDS, "image/heic"),
    **dict.fromkeys(_M4A_BRANDS, "audio/mp4"),
    **dict.fromkeys(_3GP_BRANDS, "video/3gpp"),
    b"qt  ": "video/quicktime",
}
_GENERIC_BRANDS = {
    **dict.fromkeys(_HEIF_BRANDS, "image/heif"),
    **dict.fromkeys(_MP4_BRANDS, "video/mp4"),
}


def _audio(head: bytes) -> str | None:
    if head[:4] in (b"RIFF", b"RF64") and head[8:12] == b"WAVE":
        return "audio/wav"
    if head.startswith(b"fLaC"):
        return "audio/flac"
    if head[:4] == b"FORM" and head[8:12] in (b"AIFF", b"AIFC"):
        return "audio/aiff"
    if head.startswith(b"ID3"):
        return _after_id3(head)
    if _is_mpeg_audio_frame(head):
        return "audio/mpeg"
    return None


def _after_id3(head: bytes) -> str:
    # ID3 tags also precede FLAC and AAC; the syncsafe size says where the audio starts.
    size = 10 + sum((b & 0x7F) << (7 * (3 - i)) for i, b in enumerate(head[6:10]))
    if head[size : size + 4] == b"fLaC":
        return "audio/flac"
    return "audio/mpeg"


def _is_mpeg_audio_frame(head: bytes) -> bool:
    if len(head) < 4 or head[0] != 0xFF or head[1] & 0xE0 != 0xE0:
        return False
    version = (head[1] >> 3) & 0b11
    layer = (head[1] >> 1) & 0b11
    bitrate = head[2] >> 4
    sample_rate = (head[2] >> 2) & 0b11
    # Layer 0 is ADTS AAC; the other values are reserved or "free"/"bad" in the frame header.
    return version != 0b01 and layer != 0 and bitrate not in (0, 0xF) and sample_rate != 0b11


def _document(head: bytes) -> str | None:
    if head.lstrip().startswith(b"%PDF-"):
        return "application/pdf"
    # Readers accept junk before the header within the first KiB, but text quoting "%PDF-" is
    # not a PDF.
    if b"%PDF-" in head[:1024] and _text(head) is None:
        return "application/pdf"
    if head.startswith(b"PK\x03\x04"):
        return "application/zip"
    return None


_BOM = b"\xef\xbb\xbf"
_CONTROL_OK = {9, 10, 12, 13}


def _text(head: bytes) -> str | None:
    if not head or b"\x00" in head:
        return None
    body = head[len(_BOM) :] if head.startswith(_BOM) else head
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut by the end of the sample is fine; anything else is not text.
        if exc.start < len(body) - 3 or exc.reason != "unexpected end of data":
            return None
        text = body[: exc.start].decode("utf-8")
    if any(ord(ch) < 32 and ord(ch) not in _CONTROL_OK for ch in text):
        return None
    return _text_kind(text)


def _text_kind(text: str) -> str:
    first = text.lstrip("\r\n")
    if first.startswith("WEBVTT") and (len(first) == 6 or first[6] in " \t\r\n"):
        return "text/vtt"
    lines = first.splitlines()
    if len(lines) >= 2 and lines[0].strip().isdigit() and "-->" in lines[1]:
        return "application/x-subrip"
    if first.startswith("<?xml"):
        return "application/xml"
    return "text/plain"


_OFFICE_PARTS = {
    "word/": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xl/": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt/": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}


def _office_or_zip(fileobj: BinaryIO) -> str:
    fileobj.seek(0)
    try:
        with zipfile.ZipFile(fileobj) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return "application/zip"
    if "[Content_Types].xml" not in names:
        return "application/zip"
    for prefix, mime in _OFFICE_PARTS.items():
        if any(name.startswith(prefix) for name in names):
            return mime
    return "application/zip"
