"""Resolve file paths named in a manifest, refusing anything outside the import roots."""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath, PureWindowsPath

from django.conf import settings
from django.utils.translation import gettext as _


class PathRefused(ValueError):
    pass


def import_roots() -> list[Path]:
    return [Path(root).resolve() for root in settings.ARCHIVE_IMPORT_ROOTS]


def _inside(path: Path, roots: list[Path]) -> bool:
    return any(path == root or path.is_relative_to(root) for root in roots)


def resolve_manifest_path(raw: str, base: Path, roots: list[Path] | None = None) -> Path:
    """The real file a manifest cell names, relative to the manifest's folder.

    Refused: `..` components (even when they would land inside a root: a manifest should not
    reach into a sibling upload), absolute paths and links whose target is outside every import
    root, missing files, folders and unreadable files.
    """
    roots = roots if roots is not None else import_roots()
    raw = raw.strip()
    parts = PurePosixPath(raw.replace("\\", "/")).parts
    if ".." in parts:
        raise PathRefused(
            _("“..” is not allowed in file paths; name files inside the manifest's folder")
        )
    candidate = Path(raw)
    if not candidate.is_absolute() and PureWindowsPath(raw).drive:
        raise PathRefused(
            _("Windows drive paths are not allowed; use a path relative to the manifest")
        )
    candidate = candidate if candidate.is_absolute() else base / raw.replace("\\", "/")
    try:
        return _readable_file(candidate, roots)
    except PathRefused:
        raise
    except (OSError, ValueError) as exc:
        # A NUL byte, or a name longer than the file system allows: no file can be named so.
        reason = getattr(exc, "strerror", None) or str(exc)
        raise PathRefused(_("is not a usable file path (%(error)s)") % {"error": reason}) from exc


def _readable_file(candidate: Path, roots: list[Path]) -> Path:
    real = candidate.resolve()
    if not _inside(real, roots):
        raise PathRefused(
            _(
                "is outside the import folders (ARCHIVE_IMPORT_ROOTS); links and "
                "absolute paths must stay inside them"
            )
        )
    if not real.exists():
        raise PathRefused(_("file not found: %(path)s") % {"path": candidate})
    if not real.is_file():
        raise PathRefused(_("is not a file: %(path)s") % {"path": candidate})
    if not os.access(real, os.R_OK):
        raise PathRefused(_("file cannot be read (permissions): %(path)s") % {"path": candidate})
    return real
