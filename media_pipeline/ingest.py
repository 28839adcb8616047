"""Bring a file into the archive: hash it, sniff it, store the master once, record an ItemFile.

Callers (the bulk importer, `manage.py ingest`, admin uploads) use `ingest_path` or
`ingest_fileobj`; both return the ItemFile and queue its processing after the surrounding
transaction commits. Re-ingesting the same bytes for the same item returns the existing record
(`ingest_path_result` tells the two apart). Content whose name claims another kind of file (a
`.pdf` that is text, a `.png` that is an HTML page) is refused before anything is stored.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils.translation import gettext as _

from . import actions
from .models import FileStatus, ItemFile
from .sniff import SniffResult, name_conflict, sniff_file
from .storage import CHUNK_BYTES, master_name, master_storage

DEFAULT_MAX_FILE_BYTES = 4 * 1024**3
MAX_FILENAME_CHARS = 255
# Longer "extensions" are really parts of the name (e.g. "report.final-version-for-print").
MAX_EXTENSION_CHARS = 16
FALLBACK_FILENAME = "file"
_BIDI_CONTROLS = {
    "\u061c",
    "\u200e",
    "\u200f",
    "\u202a",
    "\u202b",
    "\u202c",
    "\u202d",
    "\u202e",
    "\u2066",
    "\u2067",
    "\u2068",
    "\u2069",
}


class IngestError(Exception):
    """A file that cannot enter the archive; the message says why, for curators."""


class EmptyFileError(IngestError):
    pass


class FileTooLargeError(IngestError):
    pass


class ContentMismatchError(IngestError):
    """The name says one kind of file, the bytes another (or nothing recognisable)."""


@dataclass(frozen=True)
class Ingested:
    item_file: ItemFile
    created: bool  # False: the item already had these bytes; the existing record was returned


def max_file_bytes() -> int:
    return int(getattr(settings, "MEDIA_MAX_FILE_BYTES", DEFAULT_MAX_FILE_BYTES))


def ingest_path(item, path: Path | str, *, sequence: int = 0, label: str = "") -> ItemFile:
    """Ingest a file on disk. The caller has checked that `path` is allowed (import roots)."""
    return ingest_path_result(item, path, sequence=sequence, label=label).item_file


def ingest_path_result(item, path: Path | str, *, sequence: int = 0, label: str = "") -> Ingested:
    """`ingest_path`, also telling whether the file is new to the item or merged into it."""
    path = Path(path)
    shown = sanitize_filename(path.name)
    if not path.is_file():
        raise IngestError(_("%(name)s is not a readable file.") % {"name": shown})
    _check_size(path.stat().st_size, shown)
    try:
        with path.open("rb") as fileobj:
            return _ingest(item, fileobj, path.name, sequence, label)
    except PermissionError as exc:
        message = _("%(name)s cannot be read: permission denied.") % {"name": shown}
        raise IngestError(message) from exc


def ingest_fileobj(
    item, fileobj: BinaryIO, original_filename: str | bytes, *, sequence: int = 0, label: str = ""
) -> ItemFile:
    """Ingest any readable binary stream (an upload, an open file)."""
    return _ingest(item, fileobj, original_filename, sequence, label).item_file


def check_content(sniffed: SniffResult, display_name: str) -> None:
    """Refuse content of another kind than its name says (ContentMismatchError)."""
    conflict = name_conflict(sniffed.format, display_name)
    if conflict:
        raise ContentMismatchError(
            _("%(name)s was refused: %(reason)s.") % {"name": display_name, "reason": conflict}
        )


def _ingest(item, fileobj: BinaryIO, original_filename, sequence: int, label: str) -> Ingested:
    display_name = sanitize_filename(original_filename)
    with tempfile.TemporaryFile(dir=settings.FILE_UPLOAD_TEMP_DIR) as spool:
        # Hash the spooled copy, not the source: the stored bytes are then exactly the hashed
        # ones even if the source changes while we read it.
        sha256, size = _spool_and_hash(fileobj, spool, display_name)
        sniffed = sniff_file(spool, display_name)
        check_content(sniffed, display_name)
        stored_name = _store_master(spool, sha256, sniffed.extension)
    return _record(item, sha256, size, stored_name, display_name, sniffed, sequence, label)


def sanitize_filename(name: str | bytes) -> str:
    """A safe display name: no directories, control or bidi characters; at most 255 chars."""
    text = _to_text(name)
    text = unicodedata.normalize("NFC", text).replace("\\", "/").rsplit("/", 1)[-1]
    text = "".join(ch for ch in text if not _is_hidden_control(ch))
    text = text.strip().rstrip(". ")
    if text in {"", ".", ".."}:
        return FALLBACK_FILENAME
    return _cap_length(text)


def _to_text(name: str | bytes) -> str:
    if isinstance(name, bytes):
        return name.decode("utf-8", "replace")
    try:
        raw = name.encode("utf-8", "surrogateescape")  # names read from a non-UTF-8 disk
    except UnicodeEncodeError:
        raw = name.encode("utf-8", "surrogatepass")
    return raw.decode("utf-8", "replace")


def _is_hidden_control(ch: str) -> bool:
    return unicodedata.category(ch) in {"Cc", "Zl", "Zp"} or ch in _BIDI_CONTROLS


def _cap_length(text: str) -> str:
    if len(text) <= MAX_FILENAME_CHARS:
        return text
    stem, ext = os.path.splitext(text)
    if len(ext) > MAX_EXTENSION_CHARS:
        stem, ext = text, ""
    return stem[: MAX_FILENAME_CHARS - len(ext)].rstrip() + ext


def _check_size(size: int, display_name: str) -> None:
    if size == 0:
        raise EmptyFileError(_("%(name)s is empty (0 bytes).") % {"name": display_name})
    limit = max_file_bytes()
    if size > limit:
        raise FileTooLargeError(
            _("%(name)s is larger than the %(limit)s-byte limit (MEDIA_MAX_FILE_BYTES).")
            % {"name": display_name, "limit": f"{limit:,}"}
        )


def _spool_and_hash(source: BinaryIO, spool: BinaryIO, display_name: str) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    limit = max_file_bytes()
    while chunk := source.read(CHUNK_BYTES):
        size += len(chunk)
        if size > limit:
            _check_size(size, display_name)
        digest.update(chunk)
        spool.write(chunk)
    _check_size(size, display_name)
    spool.flush()
    return digest.hexdigest(), size


def _store_master(spool: BinaryIO, sha256: str, extension: str) -> str:
    storage = master_storage()
    name = master_name(sha256, extension)
    if storage.exists(name):
        return name
    spool.seek(0)
    saved = storage.save(name, File(spool, name=name))
    if saved != name:
        # Another worker stored the same bytes in the meantime; its copy is identical.
        storage.delete(saved)
    return name


def _record(
    item, sha256, size, stored_name, display_name, sniffed: SniffResult, sequence, label
) -> Ingested:
    label = (label or "")[: ItemFile._meta.get_field("label").max_length]
    with transaction.atomic():
        item_file, created = ItemFile.objects.get_or_create(
            item=item,
            sha256=sha256,
            defaults={
                "master": stored_name,
                "original_filename": display_name,
                "size": size,
                "mime_type": sniffed.mime,
                "sequence": sequence,
                "label": label,
                "technical": {
                    "format": {"mime": sniffed.mime, "label": sniffed.format.label},
                    "warnings": sniffed.warnings,
                },
            },
        )
        if not created:
            _update_placement(item_file, sequence, label)
        if created or item_file.status != FileStatus.DONE:
            actions.queue([item_file.pk])
    return Ingested(item_file, created)


def _update_placement(item_file: ItemFile, sequence: int, label: str) -> None:
    changed = []
    if item_file.sequence != sequence:
        item_file.sequence = sequence
        changed.append("sequence")
    if item_file.label != label:
        item_file.label = label
        changed.append("label")
    if changed:
        item_file.save(update_fields=[*changed, "updated_at"])
