"""Replacing the master of an ItemFile (a better scan of the same page), keeping the old one.

The new bytes pass the same guards as any ingest — size limit, content that matches its name —
and, for images, the pixel limit is read from the header before anything is stored, so a
decompression bomb is refused here rather than failing in the pipeline after the swap. A
refused file changes nothing. An accepted one is stored content-addressed like every master;
the old master's bytes stay in storage and a `ReplacedMaster` row keeps its checksum, size,
name and last fixity outcome, next to the file's `FixityCheck` history. The file then keeps its
place (order, label, OCR switch) and every step runs again on the new bytes.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import BinaryIO, cast

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from . import actions, imaging
from .errors import StepError
from .ingest import (
    IngestError,
    _spool_and_hash,
    _store_master,
    check_content,
    sanitize_filename,
)
from .models import ItemFile, ReplacedMaster
from .sniff import SniffResult, sniff_file


class ReplacementRefused(IngestError):
    """The new master cannot replace the old one; the message says why."""


def replace_master(item_file: ItemFile, fileobj: BinaryIO, filename: str, *, user=None):
    """Swap in the new master and queue every step again; returns the `ReplacedMaster` row.

    Raises IngestError (or ReplacementRefused) with a curator-readable reason and leaves the
    file as it was.
    """
    display_name = sanitize_filename(filename)
    with tempfile.NamedTemporaryFile(dir=settings.FILE_UPLOAD_TEMP_DIR) as named:
        # A named file: libvips reads the header from a path (the pixel check).
        spool = cast(BinaryIO, named)
        sha256, size = _spool_and_hash(fileobj, spool, display_name)
        sniffed = sniff_file(spool, display_name)
        check_content(sniffed, display_name)
        _check_pixels(Path(named.name), sniffed, display_name)
        _check_not_on_item(item_file, sha256, display_name)
        stored_name = _store_master(spool, sha256, sniffed.extension)
    return _swap(item_file, stored_name, sha256, size, display_name, sniffed, user)


def _check_pixels(path: Path, sniffed: SniffResult, display_name: str) -> None:
    if sniffed.mime not in imaging.LOADERS:
        return
    try:
        loader = imaging.loader_for(sniffed.mime)
        imaging.pages(path, loader, imaging.load(path, loader))
    except StepError as exc:
        raise ReplacementRefused(
            _("%(name)s was refused: %(reason)s") % {"name": display_name, "reason": exc}
        ) from exc


def _check_not_on_item(item_file: ItemFile, sha256: str, display_name: str) -> None:
    if sha256 == item_file.sha256:
        raise ReplacementRefused(
            _("%(name)s has the same content as the current master; nothing to replace.")
            % {"name": display_name}
        )
    other = ItemFile.objects.filter(item_id=item_file.item_id, sha256=sha256).first()
    if other is not None:
        raise ReplacementRefused(
            _("%(name)s is already on this item as “%(file)s” (same content).")
            % {"name": display_name, "file": other}
        )


def _swap(item_file, stored_name, sha256, size, display_name, sniffed, user) -> ReplacedMaster:
    with transaction.atomic():
        current = ItemFile.objects.select_for_update().get(pk=item_file.pk)
        replaced = ReplacedMaster.objects.create(
            item_file=current,
            master=current.master_name,
            original_filename=current.original_filename,
            sha256=current.sha256,
            size=current.size,
            mime_type=current.mime_type,
            fixity_status=current.fixity_status,
            fixity_checked_at=current.fixity_checked_at,
            replaced_by=user if user is not None and user.is_authenticated else None,
        )
        current.master.name = stored_name
        current.sha256 = sha256
        current.size = size
        current.original_filename = display_name
        current.mime_type = sniffed.mime
        current.technical = {
            "format": {"mime": sniffed.mime, "label": sniffed.format.label},
            "warnings": sniffed.warnings,
        }
        current.fixity_status = ""
        current.fixity_checked_at = None
        current.save(
            update_fields=[
                "master",
                "sha256",
                "size",
                "original_filename",
                "mime_type",
                "technical",
                "fixity_status",
                "fixity_checked_at",
                "updated_at",
            ]
        )
        actions.reprocess([current.pk])
    item_file.refresh_from_db()
    return replaced
