"""Hand imported items' files to the media pipeline once the records are committed."""

from __future__ import annotations

import logging

from django.utils.translation import gettext as _

from archive_collections.models import Item

from .report import ImportReport
from .validate import Manifest, chunked

logger = logging.getLogger(__name__)


def file_count(manifest: Manifest) -> int:
    return sum(len(record.files) for record in manifest.records.get("items", []))


def hand_over_files(manifest: Manifest, item_pks: dict[str, int], report: ImportReport) -> None:
    """Ingest every listed file, in page order. ingest_path is idempotent by SHA-256, so a
    re-run costs a checksum per file and stores nothing new."""
    from media_pipeline.ingest import ingest_path

    records = [record for record in manifest.records.get("items", []) if record.files]
    items: dict[int, Item] = {}
    for chunk in chunked([item_pks[record.key] for record in records]):
        items.update(Item.objects.in_bulk(chunk))
    for record in records:
        item = items[item_pks[record.key]]
        for sequence, path in enumerate(record.files, start=1):
            try:
                ingest_path(item, path, sequence=sequence, label=path.stem)
            except Exception as exc:  # one bad file must not stop the others; it is reported
                logger.exception("ingesting %s for %s failed", path, record.key)
                report.file_errors.append(
                    _("%(item)s, file %(path)s: %(error)s")
                    % {"item": record.key, "path": path.name, "error": exc}
                )
            else:
                report.files += 1
