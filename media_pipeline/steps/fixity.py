"""The `fixity` step: what is on the shelf must be what was ingested."""

from __future__ import annotations

import hashlib

from django.utils import timezone
from django.utils.translation import gettext as _

from ..errors import StepError
from ..models import ItemFile
from ..results import FixityResult
from ..s3 import iter_span
from ..storage import CHUNK_BYTES, master_storage
from .base import Step


class FixityStep(Step):
    name = "fixity"
    version = 1

    def run(self, item_file: ItemFile) -> FixityResult:
        """Re-hash the stored master and compare it with the checksum taken at ingest."""
        storage, name = master_storage(), item_file.master_name
        if not storage.exists(name):
            raise StepError(_("The master file %(name)s is missing from storage.") % {"name": name})
        digest, size = hashlib.sha256(), 0
        # Streamed: on S3 a ranged GET, rather than a full download into a temporary spool first.
        for chunk in iter_span(storage, name, chunk_bytes=CHUNK_BYTES):
            digest.update(chunk)
            size += len(chunk)
        if digest.hexdigest() != item_file.sha256 or size != item_file.size:
            raise StepError(
                _(
                    "Checksum mismatch: the stored master hashes to %(actual)s (%(size)s bytes), "
                    "expected %(expected)s (%(expected_size)s bytes)."
                )
                % {
                    "actual": digest.hexdigest(),
                    "size": size,
                    "expected": item_file.sha256,
                    "expected_size": item_file.size,
                }
            )
        return FixityResult(sha256=item_file.sha256, checked_at=timezone.now().isoformat())
