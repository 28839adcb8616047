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
