"""Store an uploaded manifest (XLSX, or a .zip of CSVs and files) in a fresh import folder.

A zip is untrusted input: entries that would land outside the folder (zip-slip), symbolic links
and archives whose contents exceed ARCHIVE_IMPORT_MAX_BYTES are refused before anything is
extracted, and the byte count is enforced again while extracting because headers can lie.
"""

from __future__ import annotations

import secrets
import shutil
import stat
import zipfile
from pathlib import Path, PurePosixPath, PureWindowsPath

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

MAX_ZIP_ENTRIES = 100_000
COPY_CHUNK = 1024 * 1024
UTF8_NAME_FLAG = 0x800
IGNORED_PREFIXES = ("__MACOSX/",)
IGNORED_NAMES = {".DS_Store", "Thumbs.db", "desktop.ini"}


class UploadRefused(ValueError):
    pass


def new_upload_folder() -> Path:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    folder = Path(settings.ARCHIVE_IMPORT_ROOTS[0]) / "uploads" / f"{stamp}-{secrets.token_hex(4)}"
    folder.mkdir(parents=True)
    return folder


def store_upload(uploaded, folder: Path) -> Path:
    """Save the upload into `folder` and return the manifest path to import."""
    suffix = Path(uploaded.name).suffix.lower()
    if suffix not in {".xlsx", ".zip"}:
        raise UploadRefused(_("upload an .xlsx workbook or a .zip of CSV files and media"))
    if uploaded.size > settings.ARCHIVE_IMPORT_MAX_BYTES:
        raise UploadRefused(
            _("the upload is larger than %(limit)d bytes")
            % {"limit": settings.ARCHIVE_IMPORT_MAX_BYTES}
        )
    target = folder / ("manifest.xlsx" if suffix == ".xlsx" else "upload.zip")
    with target.open("wb") as handle:
        for chunk in uploaded.chunks():
            handle.write(chunk)
    if suffix == ".xlsx":
        return target
    extracted = folder / "manifest"
    try:
        extract_zip(target, extracted)
    finally:
        target.unlink()
    return manifest_root(extracted)


def entry_name(info: zipfile.ZipInfo) -> str:
    """The entry's real name: zips made by Chinese Windows store GBK names without saying so."""
    if info.flag_bits & UTF8_NAME_FLAG:
        return info.filename
    raw = info.filename.encode("cp437")
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return info.filename


def _check_entry(info: zipfile.ZipInfo, name: str) -> None:
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        raise UploadRefused(
            _("the zip contains a symbolic link (%(name)s); links are not accepted")
            % {"name": name}
        )
    posix = name.replace("\\", "/")
    if posix.startswith("/") or PureWindowsPath(name).drive or ".." in PurePosixPath(posix).parts:
        raise UploadRefused(
            _("the zip entry %(name)s points outside the upload folder") % {"name": name}
        )


def _entries(archive: zipfile.ZipFile) -> list[tuple[zipfile.ZipInfo, str]]:
    infos = archive.infolist()
    if len(infos) > MAX_ZIP_ENTRIES:
        raise UploadRefused(_("the zip holds more than %(n)d entries") % {"n": MAX_ZIP_ENTRIES})
    if sum(info.file_size for info in infos) > settings.ARCHIVE_IMPORT_MAX_BYTES:
        raise UploadRefused(
            _("the zip's contents are larger than %(limit)d bytes (ARCHIVE_IMPORT_MAX_BYTES)")
            % {"limit": settings.ARCHIVE_IMPORT_MAX_BYTES}
        )
    entries = []
    for info in infos:
        name = entry_name(info)
        _check_entry(info, name)
        posix = name.replace("\\", "/")
        if posix.startswith(IGNORED_PREFIXES) or PurePosixPath(posix).name in IGNORED_NAMES:
            continue
        entries.append((info, posix))
    return entries


def extract_zip(zip_path: Path, dest: Path) -> None:
    try:
        archive = zipfile.ZipFile(zip_path)
    except zipfile.BadZipFile as exc:
        raise UploadRefused(_("the upload is not a valid zip file")) from exc
    dest.mkdir()
    root = dest.resolve()
    budget = settings.ARCHIVE_IMPORT_MAX_BYTES
    with archive:
        for info, name in _entries(archive):
            target = (dest / name).resolve()
            if not target.is_relative_to(root):
                raise UploadRefused(
                    _("the zip entry %(name)s points outside the upload folder") % {"name": name}
                )
            if info.is_dir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            budget -= _copy_entry(archive, info, target, budget)


def _copy_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path, budget: int) -> int:
    written = 0
    with archive.open(info) as source, target.open("xb") as sink:
        while chunk := source.read(COPY_CHUNK):
            written += len(chunk)
            if written > budget:
                raise UploadRefused(
                    _(
                        "the zip's contents are larger than %(limit)d bytes "
                        "(ARCHIVE_IMPORT_MAX_BYTES)"
                    )
                    % {"limit": settings.ARCHIVE_IMPORT_MAX_BYTES}
                )
            sink.write(chunk)
    return written


def manifest_root(folder: Path) -> Path:
    """A zip of a folder holds that folder: import from inside it."""
    children = [child for child in folder.iterdir()]
    if len(children) == 1 and children[0].is_dir():
        return children[0]
    return folder


def discard(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)
