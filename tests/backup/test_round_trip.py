"""export_archive → restore_archive into a new installation gives back the same archive."""

from __future__ import annotations

import io
from pathlib import Path

import bagit
import pytest
from django.core.files.storage import storages
from django.core.management import call_command
from django.utils import translation

from archive_collections.importer import run_import
from archive_collections.models import Item, TranscriptSegment
from archive_site.backup import archive_contents
from exhibits.models import ChapterPage
from media_pipeline.ingest import ingest_fileobj
from media_pipeline.models import ItemFile
from tests.factories.catalogue import ItemFactory
from tests.media_pipeline.samples import image_bytes

from .conftest import (
    bag_files,
    build_archive,
    file_checksums,
    public_urls,
    rendered_pages,
    table_rows,
)

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def export(dest: Path, *args: str) -> str:
    out = io.StringIO()
    call_command("export_archive", str(dest), *args, stdout=out)
    return out.getvalue()


def restore(*bags: Path, **options) -> str:
    out = io.StringIO()
    with translation.override("en"):  # refusals are matched in English
        call_command("restore_archive", *map(str, bags), stdout=out, **options)
    return out.getvalue()


def differences(before: dict, after: dict) -> list:
    """(key, field, before, after) of every differing field, for a readable failure."""
    return [
        (pk, name, value, after.get(pk, {}).get(name))
        for pk, row in before.items()
        for name, value in row.items()
        if after.get(pk, {}).get(name) != value
    ] + [(pk, "added") for pk in after.keys() - before.keys()]


def snapshot() -> dict:
    return {"rows": table_rows(), "files": file_checksums(), "pages": rendered_pages(public_urls())}


def test_full_round_trip_gives_back_every_record_file_and_page(tmp_path, fresh):
    fresh()
    build_archive()
    before = snapshot()
    export(tmp_path / "full")
    bagit.Bag(str(tmp_path / "full")).validate()  # a bag any BagIt tool accepts

    fresh()
    assert archive_contents() == {}
    assert "would restore" in restore(tmp_path / "full", dry_run=True)
    assert archive_contents() == {}
    restore(tmp_path / "full")
    after = snapshot()

    assert after["rows"].keys() == before["rows"].keys()
    for label, rows in before["rows"].items():
        assert after["rows"][label] == rows, (label, differences(rows, after["rows"][label]))
    assert after["files"] == before["files"]
    assert {url: status for url, (status, _) in after["pages"].items()} == {
        url: status for url, (status, _) in before["pages"].items()
    }
    for url, (_, html) in before["pages"].items():
        assert after["pages"][url][1] == html, url
    assert before["pages"]["/search/?q=手稿"][1].count("QXS-001") > 0


def test_the_catalogue_folder_is_a_manifest_the_importer_reads(tmp_path, fresh):
    fresh()
    build_archive()
    export(tmp_path / "full")
    fresh()
    report = run_import(tmp_path / "full" / "data" / "catalogue", dry_run=True)
    assert report.ok, report.as_text()
    created = {kind: counts.created for kind, counts in report.counts.items()}
    assert created == {"scientists": 2, "fonds": 1, "series": 2, "items": 5, "interviews": 1}
    assert report.files == 3  # the masters, listed in the items' files column


def test_a_bad_checksum_is_refused_before_anything_is_written(tmp_path, fresh):
    fresh()
    build_archive()
    export(tmp_path / "full")
    master = next((tmp_path / "full" / "data" / "catalogue" / "masters").rglob("*.pdf"))
    data = bytearray(master.read_bytes())
    data[-3] ^= 0x01
    master.write_bytes(bytes(data))
    fresh()
    files_before = file_checksums()

    with pytest.raises(Exception, match=master.name):
        restore(tmp_path / "full")
    assert archive_contents() == {}
    assert file_checksums() == files_before


def test_a_non_empty_instance_is_refused_unless_told(tmp_path, fresh):
    fresh()
    build_archive()
    export(tmp_path / "full")
    Item.objects.filter(identifier="QXS-002").update(title="改过的题名")

    with pytest.raises(Exception, match="not empty"):
        restore(tmp_path / "full")
    assert Item.objects.get(identifier="QXS-002").title == "改过的题名"

    restore(tmp_path / "full", replace=True)
    assert Item.objects.get(identifier="QXS-002").title != "改过的题名"


def test_a_full_bag_and_an_incremental_restore_changes_and_deletions(tmp_path, fresh):
    fresh()
    build_archive()
    export(tmp_path / "full")

    changed = Item.objects.get(identifier="QXS-002")
    changed.title = "改过的题名"
    changed.save()
    Item.objects.get(identifier="QXS-004").delete()
    TranscriptSegment.objects.filter(text="第3段回忆。").delete()
    added = ItemFactory(identifier="QXS-005", series=changed.series, item_type="photograph")
    ingest_fileobj(added, io.BytesIO(image_bytes("PNG", (90, 60))), "合影.png", sequence=1)
    chapter = ChapterPage.objects.get().specific
    chapter.title = "第一章（修订）"
    chapter.save_revision().publish()
    before = snapshot()
    out = export(tmp_path / "incr", "--since", str(tmp_path / "full"))
    assert out.startswith("incremental") or "incremental" in out
    info = bagit.Bag(str(tmp_path / "incr")).info
    assert info["Export-Type"] == "incremental"
    assert info["Count-collections.item"] == "2"  # the changed and the new one
    assert info["Count-collections.transcriptsegment"] == "0"
    assert sum("/masters/" in name for name in bag_files(tmp_path / "incr")) == 1  # the new one

    fresh()
    with pytest.raises(Exception, match="full"):
        restore(tmp_path / "incr")
    restore(tmp_path / "full", tmp_path / "incr")
    after = snapshot()

    for label, rows in before["rows"].items():
        assert after["rows"][label] == rows, (label, differences(rows, after["rows"][label]))
    assert after["files"]["masters"] == before["files"]["masters"]
    assert after["files"]["derivatives"] == before["files"]["derivatives"]
    assert after["pages"] == before["pages"]
    assert not Item.objects.filter(identifier="QXS-004").exists()
    assert TranscriptSegment.objects.count() == 2


def test_a_master_that_no_longer_matches_its_checksum_stops_the_export(tmp_path, fresh):
    fresh()
    build_archive()
    damaged = ItemFile.objects.get(mime_type="application/pdf")
    path = Path(storages["masters"].path(damaged.master.name))
    path.write_bytes(path.read_bytes()[:-1] + b"\x00")

    with pytest.raises(Exception, match=damaged.master.name):
        export(tmp_path / "full")
    assert list(tmp_path.iterdir()) == []  # neither the bag nor its .partial folder
