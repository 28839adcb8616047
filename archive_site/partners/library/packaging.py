"""A resource's download package: its files' masters, its metadata (JSON and a README in
Chinese and English), and LICENCE.txt naming the licence and its deed.

The zip is streamed as it is written (zipfile on a write-only sink, entries with data
descriptors), so no package is ever built in memory or on disk. Media that is compressed
already (JPEG, PNG, PDF, video, most audio) is stored as it is; text is deflated. A package
over `RESOURCE_PACKAGE_MAX_BYTES` (the sum of its masters) is refused before anything is read."""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from media_pipeline.models import ItemFile

from .. import regions
from ..licences import Licence
from ..licences import terms as licence_terms
from ..models import Contribution

CHUNK = 1024 * 1024
DEFAULT_MAX_BYTES = 2 * 1024**3
# Formats whose bytes a deflate would not shrink: stored as they are.
STORED_TYPES = {
    "image/jpeg",
    "image/png",
    "image/gif",
    "image/webp",
    "image/jp2",
    "application/pdf",
    "application/zip",
}
STORED_KINDS = {"video"}
DEFLATED_AUDIO = {"audio/wav", "audio/x-wav", "audio/wave", "audio/aiff", "audio/x-aiff"}
UNSAFE_NAME = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')


def max_bytes() -> int:
    return int(getattr(settings, "RESOURCE_PACKAGE_MAX_BYTES", DEFAULT_MAX_BYTES))


def safe_name(text: str, limit: int = 80) -> str:
    """A file name from a title: no path separators or control characters, at most `limit`
    characters, never empty or hidden."""
    name = UNSAFE_NAME.sub("_", text).strip(" ._") or "resource"
    return name[:limit].rstrip(" ._") or "resource"


def package_filename(resource: Contribution) -> str:
    return f"{safe_name(resource.title)}.zip"


def compression_for(mime_type: str) -> int:
    kind = mime_type.split("/", 1)[0]
    if mime_type in STORED_TYPES or kind in STORED_KINDS:
        return zipfile.ZIP_STORED
    if kind == "audio" and mime_type not in DEFLATED_AUDIO:
        return zipfile.ZIP_STORED
    return zipfile.ZIP_DEFLATED


@dataclass
class Member:
    """One master in the package: its file and the name it has in the zip."""

    file: ItemFile
    name: str


def members(files: list[ItemFile]) -> list[Member]:
    """The masters under `files/`, numbered in the record's order, names made unique."""
    found = []
    width = max(2, len(str(len(files))))
    for number, item_file in enumerate(files, start=1):
        original = safe_name(item_file.original_filename or f"file-{item_file.pk}", 120)
        found.append(Member(item_file, f"files/{number:0{width}d}-{original}"))
    return found


def total_bytes(files: list[ItemFile]) -> int:
    return sum(item_file.size for item_file in files)


def metadata(resource: Contribution, url: str, files: list[Member]) -> dict:
    """The resource as JSON: what the README says, in both languages, for machines."""
    organisation = resource.organisation
    licence = Licence(resource.licence) if resource.licence in Licence.values else None
    with translation.override("en"):
        licence_en = str(licence.label) if licence else resource.licence
    with translation.override("zh-hans"):
        licence_zh = str(licence.label) if licence else resource.licence
    return {
        "title": resource.title,
        "kind": resource.kind,
        "product_kind": resource.product_kind or None,
        "url": url,
        "record": resource.item.identifier if resource.item is not None else None,
        "organisation": {
            "name": organisation.name,
            "name_en": organisation.name_en or None,
            "kind": organisation.kind,
            "region": organisation.region,
            "region_name": dict(regions.CHOICES).get(organisation.region, ""),
        },
        "licence": {
            "code": resource.licence,
            "name": licence_zh,
            "name_en": licence_en,
            "url": licence_terms(resource.licence).url or None,
        },
        "source_statement": resource.source_statement,
        "summary": resource.summary,
        "body": resource.body,
        "theme": resource.theme or None,
        "scientists": [
            {"name": s.name, "identifier": s.identifier} for s in resource.scientists.all()
        ],
        "approved": resource.decided_at.date().isoformat() if resource.decided_at else None,
        "packaged": timezone.now().isoformat(timespec="seconds"),
        "files": [
            {
                "path": member.name,
                "original_filename": member.file.original_filename,
                "mime_type": member.file.mime_type,
                "size": member.file.size,
                "sha256": member.file.sha256,
            }
            for member in files
        ],
    }


def _texts(resource: Contribution, url: str, files: list[Member]) -> tuple[str, str]:
    """README.txt and LICENCE.txt: each the Chinese text, then the English."""
    context = {
        "resource": resource,
        "url": url,
        "files": files,
        "scientists": list(resource.scientists.all()),
        "terms": licence_terms(resource.licence),
    }
    parts: dict[str, list[str]] = {"readme": [], "licence": []}
    for language in ("zh-hans", "en"):
        with translation.override(language):
            for name in parts:
                parts[name].append(
                    render_to_string(f"partners/library/package_{name}.txt", context).strip()
                )
    separator = "\n\n" + "=" * 60 + "\n\n"
    return (
        separator.join(parts["readme"]) + "\n",
        separator.join(parts["licence"]) + "\n",
    )


class _Sink:
    """Where zipfile writes: kept until the generator hands it on; tells its position, cannot
    seek, so zipfile writes data descriptors and never goes back."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []
        self.position = 0

    def write(self, data: bytes) -> int:
        self.chunks.append(bytes(data))
        self.position += len(data)
        return len(data)

    def tell(self) -> int:
        return self.position

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data = b"".join(self.chunks)
        self.chunks.clear()
        return data


def stream(resource: Contribution, url: str, files: list[ItemFile]) -> Iterator[bytes]:
    """The package's bytes, a piece at a time."""
    listed = members(files)
    readme, licence = _texts(resource, url, listed)
    document = json.dumps(metadata(resource, url, listed), ensure_ascii=False, indent=2)
    sink = _Sink()
    stamp = timezone.localtime().timetuple()[:6]
    with zipfile.ZipFile(sink, mode="w", allowZip64=True) as archive:  # type: ignore[call-overload]
        for name, text in (
            ("README.txt", readme),
            ("LICENCE.txt", licence),
            ("metadata.json", document),
        ):
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, text.encode("utf-8"))
            yield sink.take()
        for member in listed:
            info = zipfile.ZipInfo(member.name, date_time=stamp)
            info.compress_type = compression_for(member.file.mime_type)
            info.file_size = member.file.size
            with (
                member.file.master.open("rb") as source,
                archive.open(info, mode="w", force_zip64=member.file.size >= 2**31) as target,
            ):
                while chunk := source.read(CHUNK):
                    target.write(chunk)
                    if len(sink.chunks) > 0:
                        yield sink.take()
            yield sink.take()
    yield sink.take()
