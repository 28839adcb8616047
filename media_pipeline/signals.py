"""What the media pipeline announces to the apps above it (search listens; the pipeline imports
nothing of theirs)."""

from __future__ import annotations

from django.dispatch import Signal

#: Sent when a file's processing ends (done or failed), after its step results are stored.
#: kwargs: item_file_id, item_id, status (a FileStatus value).
file_processed = Signal()

#: Sent after a file's page texts were replaced in bulk (PDF text layer, OCR), once per file and
#: step, never per page. kwargs: item_file_id, item_id.
page_texts_replaced = Signal()

#: Sent when a file is served to a visitor who may see it: a download (the master, a page image
#: or a PDF of pages from the viewer) or a web copy for reading or playing (``web.jpg``,
#: ``web.mp4``…; not thumbnails or posters). A ranged request is announced only when it starts at
#: the first byte, so a video played in pieces is one view.
#: kwargs: request, item_file_id, download (True for the downloads).
file_served = Signal()

#: The request header a front cache sets on the /files/ requests it forwards when it counts the
#: public files it serves itself (deploy/nginx/archive.conf mirrors each one to a counting
#: endpoint above this app): a public file's view does not announce itself a second time.
FRONT_COUNTS_HEADER = "X-Front-Counts-Files"


def counts_as_view(method: str, range_header: str) -> bool:
    """Whether a request for a file is a reading: a GET from the first byte. A later piece of a
    file, Safari's two-byte probe before it plays, and HEAD are not views."""
    first = (range_header or "bytes=0-").split(",")[0].strip()
    return method == "GET" and first.startswith("bytes=0-") and first != "bytes=0-1"
