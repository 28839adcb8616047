"""How curators' text files are decoded: one rule for import manifests and transcripts.

A byte order mark decides; otherwise strict UTF-8, then strict GB18030 (which GBK files are).
Valid UTF-8 is always taken as UTF-8, since GB18030 would accept most UTF-8 as mojibake, so the
same file always decodes the same way — detected, never guessed. Callers phrase the refusal in
their own terms from the structured `UndecodableText`.
"""

from __future__ import annotations

import codecs

# Longest first: the UTF-32 LE mark starts with the UTF-16 LE mark.
_BOMS = (
    (codecs.BOM_UTF8, "utf-8", "UTF-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
)


class UndecodableText(ValueError):
    """Where and why bytes are not text we read. `problem` is "bom" (a byte order mark whose
    encoding the bytes then break), "nul" (binary, or an encoding we don't read) or "unknown"
    (neither UTF-8 nor GB18030)."""

    def __init__(self, data: bytes, problem: str, offset: int, line: int, encoding: str = ""):
        super().__init__(problem, offset)
        self.problem, self.offset, self.line, self.encoding = problem, offset, line, encoding
        self.bad_bytes = data[offset : offset + 4].hex(" ")


def _line_at(data: bytes, offset: int, codec: str = "latin-1") -> int:
    return data[:offset].decode(codec, errors="replace").count("\n") + 1


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 written without a byte order mark: ASCII-range characters leave every other byte
    zero, which no UTF-8 or GB18030 text does."""
    sample = data[:4000]
    if len(sample) < 4 or len(sample) % 2:
        return None
    even_zero = sample[0::2].count(0) / (len(sample) / 2)
    odd_zero = sample[1::2].count(0) / (len(sample) / 2)
    if odd_zero > 0.3 and even_zero < 0.05:
        return "utf-16-le"
    if even_zero > 0.3 and odd_zero < 0.05:
        return "utf-16-be"
    return None


def decode_text(data: bytes, *, wide: bool = True) -> tuple[str, str]:
    """(text, encoding label). `wide=False` accepts only UTF-8 (with or without BOM) and
    GB18030, for formats documented that way (import manifests)."""
    boms = _BOMS if wide else _BOMS[:1]
    for bom, codec, label in boms:
        if data.startswith(bom):
            body = data[len(bom) :]
            try:
                return body.decode(codec), f"{label} (BOM)"
            except UnicodeDecodeError as exc:
                offset = exc.start + len(bom)
                raise UndecodableText(
                    data, "bom", offset, _line_at(body, exc.start, codec), label
                ) from exc
    if wide:
        if utf16 := _utf16_without_bom(data):
            try:
                return data.decode(utf16), "UTF-16"
            except UnicodeDecodeError:
                pass  # not UTF-16 after all; the checks below say why
        if b"\0" in data:
            offset = data.index(b"\0")
            raise UndecodableText(data, "nul", offset, _line_at(data, offset))
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError as utf8_error:
        try:
            return data.decode("gb18030"), "GB18030"
        except UnicodeDecodeError as gb_error:
            # The encoding that got further is the one the file was most likely meant to be in.
            offset = max(utf8_error.start, gb_error.start)
            raise UndecodableText(data, "unknown", offset, _line_at(data, offset)) from gb_error
