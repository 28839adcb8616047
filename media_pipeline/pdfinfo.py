"""Page count and basics of a PDF by a light scan of its bytes, without a PDF library.

Reads in chunks. The page count comes from the page tree's /Count (the root node has the
largest), looked for in the plain file and, for PDFs that compress their objects (PDF 1.5 object
streams), inside each object stream.
"""

from __future__ import annotations

import re
import zlib
from typing import BinaryIO

CHUNK = 1024 * 1024
OVERLAP = 4096
MAX_OBJECT_STREAM_BYTES = 32 * 1024 * 1024

_VERSION = re.compile(rb"%PDF-(\d\.\d)")
_PAGES_COUNT = re.compile(
    rb"/Type\s*/Pages\b[^>]{0,2000}?/Count\s+(\d+)|/Count\s+(\d+)[^>]{0,2000}?/Type\s*/Pages\b"
)
_PAGE = re.compile(rb"/Type\s*/Page(?![A-Za-z])")
_OBJSTM = re.compile(rb"/Type\s*/ObjStm\b[^>]*>>\s*stream\r?\n", re.S)
_ENCRYPT = re.compile(rb"/Encrypt\s+\d+\s+\d+\s+R")


class _Tally:
    def __init__(self):
        self.counts: list[int] = []
        self.pages = 0
        self.encrypted = False

    def scan(self, data: bytes, limit: int | None = None) -> None:
        """Count matches that start before `limit` (all when None)."""
        limit = len(data) if limit is None else limit
        self.counts += [
            int(m.group(1) or m.group(2)) for m in _PAGES_COUNT.finditer(data) if m.start() < limit
        ]
        self.pages += sum(1 for m in _PAGE.finditer(data) if m.start() < limit)
        self.encrypted = self.encrypted or any(
            m.start() < limit for m in _ENCRYPT.finditer(data)
        )

    @property
    def page_count(self) -> int | None:
        if self.counts:
            return max(self.counts)
        return self.pages or None


def pdf_info(fileobj: BinaryIO) -> dict:
    fileobj.seek(0)
    version = _VERSION.search(fileobj.read(1024))
    tally = _Tally()
    stream_starts = _scan_chunks(fileobj, tally)
    if not tally.counts:
        for start in stream_starts:
            tally.scan(_inflate_at(fileobj, start))
    return {
        "version": version.group(1).decode() if version else None,
        "page_count": tally.page_count,
        "encrypted": tally.encrypted,
    }


def _scan_chunks(fileobj: BinaryIO, tally: _Tally) -> list[int]:
    """Scan the raw file; return the offsets where object streams' data begins."""
    fileobj.seek(0)
    offset, carry, stream_starts = 0, b"", []
    while True:
        chunk = fileobj.read(CHUNK)
        buffer = carry + chunk
        # Matches starting in the carried-over tail are counted with the next chunk, not twice.
        limit = len(buffer) if not chunk else max(len(buffer) - OVERLAP, 0)
        base = offset - len(carry)
        tally.scan(buffer, limit)
        stream_starts += [base + m.end() for m in _OBJSTM.finditer(buffer) if m.start() < limit]
        if not chunk:
            return stream_starts
        carry = buffer[limit:]
        offset += len(chunk)


def _inflate_at(fileobj: BinaryIO, start: int) -> bytes:
    fileobj.seek(start)
    inflater = zlib.decompressobj()
    out = bytearray()
    try:
        while not inflater.eof and len(out) < MAX_OBJECT_STREAM_BYTES:
            chunk = fileobj.read(64 * 1024)
            if not chunk:
                break
            out += inflater.decompress(chunk, MAX_OBJECT_STREAM_BYTES - len(out))
            if inflater.unconsumed_tail:
                break
    except zlib.error:
        pass
    return bytes(out)
