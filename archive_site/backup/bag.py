"""BagIt bags (RFC 8493) written while streaming, and checked with the bagit library.

The payload's SHA-256 manifest is written as the files are: each file is hashed on its way into
the bag (from S3 in ranged reads, media_pipeline.s3.iter_span), so a 2 GB recording is read
once, never held in memory, and its checksum is compared
with the one the archive recorded for it (see export.py). Validation is bagit's own, so a bag can
be checked anywhere with `bagit.py --validate BAG` as well.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import IO

import bagit  # type: ignore[import-untyped]  # bagit ships no types
from django.utils.translation import gettext as _

BAGIT_VERSION = "1.0"
CHUNK_BYTES = 1024 * 1024
ALGORITHM = "sha256"


class BagError(Exception):
    """A bag that cannot be written or that must not be restored (the message says why)."""


class _HashingFile:
    """A binary file that hashes and counts what is written to it."""

    def __init__(self, handle: IO[bytes]) -> None:
        self.handle = handle
        self.digest = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> int:
        self.digest.update(data)
        self.size += len(data)
        return self.handle.write(data)


class BagWriter:
    """A bag being written into `root`; `finish()` writes its tag files."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.data = root / "data"
        self.data.mkdir(parents=True)
        self.manifest: dict[str, str] = {}
        self.payload_bytes = 0

    def path(self, name: str) -> Path:
        target = self.data / name
        target.parent.mkdir(parents=True, exist_ok=True)
        return target

    def has(self, name: str) -> bool:
        return f"data/{name}" in self.manifest

    @contextmanager
    def open(self, name: str) -> Iterator[_HashingFile]:
        """Write data/`name`; its checksum goes into the manifest when the block ends."""
        with self.path(name).open("xb") as handle:
            hashing = _HashingFile(handle)
            yield hashing
        self.manifest[f"data/{name}"] = hashing.digest.hexdigest()
        self.payload_bytes += hashing.size

    def copy(self, name: str, chunks: Iterable[bytes]) -> str:
        """Stream `chunks` into data/`name`; returns its SHA-256."""
        with self.open(name) as target:
            for chunk in chunks:
                target.write(chunk)
        return self.manifest[f"data/{name}"]

    def write_chunks(self, name: str, chunks: Iterable[bytes]) -> None:
        self.copy(name, chunks)

    def finish(self, info: dict[str, str]) -> None:
        self._write_tag(
            "bagit.txt", f"BagIt-Version: {BAGIT_VERSION}\nTag-File-Character-Encoding: UTF-8\n"
        )
        lines = "".join(
            f"{digest}  {_encode(name)}\n" for name, digest in sorted(self.manifest.items())
        )
        self._write_tag(f"manifest-{ALGORITHM}.txt", lines)
        info = {
            **info,
            "Bagging-Date": date.today().isoformat(),
            "Payload-Oxum": f"{self.payload_bytes}.{len(self.manifest)}",
        }
        self._write_tag("bag-info.txt", "".join(f"{key}: {value}\n" for key, value in info.items()))
        tags = ["bagit.txt", f"manifest-{ALGORITHM}.txt", "bag-info.txt"]
        digests = "".join(f"{_sha256_of(self.root / name)}  {name}\n" for name in tags)
        self._write_tag(f"tagmanifest-{ALGORITHM}.txt", digests)

    def _write_tag(self, name: str, text: str) -> None:
        (self.root / name).write_text(text, encoding="utf-8")


def _encode(name: str) -> str:
    # RFC 8493 §2.1.3: only these characters are percent-encoded in manifest paths.
    return name.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK_BYTES), b""):
            digest.update(chunk)
    return digest.hexdigest()


def validate(path: Path) -> bagit.Bag:
    """The bag at `path`, every payload and tag file checked; BagError names what is wrong."""
    try:
        bag = bagit.Bag(os.fspath(path))
        bag.validate(processes=1)
    except bagit.BagValidationError as exc:
        problems = [_describe(detail) for detail in exc.details] or [str(exc)]
        raise BagError(
            _("%(bag)s is not a valid bag: %(problems)s")
            % {"bag": path, "problems": "; ".join(problems)}
        ) from exc
    except bagit.BagError as exc:
        raise BagError(_("%(bag)s is not a bag: %(error)s") % {"bag": path, "error": exc}) from exc
    return bag


def _describe(detail: bagit.ManifestErrorDetail) -> str:
    if isinstance(detail, bagit.ChecksumMismatch):
        return _("checksum mismatch in %(path)s (expected %(expected)s, found %(found)s)") % {
            "path": detail.path,
            "expected": detail.expected,
            "found": detail.found,
        }
    if isinstance(detail, bagit.FileMissing):
        return _("missing file %(path)s") % {"path": detail.path}
    if isinstance(detail, bagit.UnexpectedFile):
        return _("file %(path)s is not in the manifest") % {"path": detail.path}
    return str(detail)
