"""Where masters and derivatives live, for local and S3 storages alike."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from django.core.files.storage import Storage, storages

from .s3 import iter_span

CHUNK_BYTES = 1024 * 1024


def master_storage() -> Storage:
    return storages["masters"]


def derivative_storage() -> Storage:
    return storages["derivatives"]


def master_name(sha256: str, extension: str) -> str:
    """Content-addressed: the same bytes always land at the same name."""
    return f"{sha256[:2]}/{sha256[2:4]}/{sha256}{extension}"


def derivative_name(sha256: str, name: str) -> str:
    return f"derivatives/{sha256}/{name}"


@contextmanager
def local_path(storage: Storage, name: str) -> Iterator[Path]:
    """A filesystem path for a stored file, for tools that need one (ffprobe).

    Local storages hand out their own path; remote ones are copied to a temporary file that is
    removed afterwards.
    """
    try:
        local = storage.path(name)
    except NotImplementedError:
        local = None
    if local is not None:
        yield Path(local)
        return
    suffix = PurePosixPath(name).suffix
    with tempfile.NamedTemporaryFile(suffix=suffix) as copy:
        # Streamed straight into the copy: S3's own file object would first download the whole
        # object into a spool of its own, doubling the disk a 2 GB recording needs.
        for chunk in iter_span(storage, name, chunk_bytes=CHUNK_BYTES):
            copy.write(chunk)
        copy.flush()
        yield Path(copy.name)
