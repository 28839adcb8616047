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
