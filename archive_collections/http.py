"""Plain HTTP helpers shared by every app that sends files.

They sit in the catalogue, the lowest app, so that both the catalogue's own downloads (interview
transcripts) and the media pipeline's file serving can use them without one reaching up.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote


def content_disposition(filename: str, *, attachment: bool = False) -> str:
    """`inline` (or `attachment`, for a download) with an ASCII fallback name and the exact
    name RFC 5987-encoded."""
    ascii_name = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode()
    ascii_name = re.sub(r"[^A-Za-z0-9._ ()\-]", "_", ascii_name).strip() or "file"
    disposition = "attachment" if attachment else "inline"
    return f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"
