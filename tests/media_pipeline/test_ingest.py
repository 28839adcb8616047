import io
import os
from pathlib import Path

import pytest
from django.core.files.storage import storages

from media_pipeline.ingest import (
    EmptyFileError,
    FileTooLargeError,
    IngestError,
    ingest_fileobj,
    ingest_path,
    sanitize_filename,
)
from media_pipeline.models import FileStatus, ItemFile
from tests.factories import ItemFactory

from . import samples

pytestmark = pytest.mark.django_db


def _stored_masters(root: Path) -> list[Path]:
    return sorted(p for p in (root / "masters").rglob("*") if p.is_file())


def test_master_is_stored_content_addressed_with_sniffed_extension(ingest, media_root):
    data = samples.image_bytes("JPEG")
    item_file = ingest(ItemFactory(), data, "第1页.png")
    sha = item_file.sha256
    assert item_file.master.name == f"{sha[:2]}/{sha[2:4]}/{sha}.jpg"
    assert (media_root / "masters" / item_file.master.name).read_bytes() == data
    assert item_file.mime_type == "image/jpeg"
    assert item_file.size == len(data)
    assert item_file.original_filename == "第1页.png"
    assert "image/jpeg" in item_file.technical["warnings"][0]


def test_same_bytes_twice_give_one_master_and_one_file(ingest, media_root):
    item = ItemFactory()
    data = samples.image_bytes("PNG")
    first = ingest(item, data, "a.png", sequence=1, label="第1页")
    second = ingest(item, data, "copy-of-a.png", sequence=2, label="第2页")
    assert first.pk == second.pk
    assert ItemFile.objects.count() == 1
    assert len(_stored_masters(media_root)) == 1
    assert (second.sequence, second.label, second.original_filename) == (2, "第2页", "a.png")


def test_same_bytes_for_two_items_share_the_master(ingest, media_root):
    data = samples.wav_bytes()
    ingest(ItemFactory(), data, "a.wav")
    ingest(ItemFactory(), data, "b.wav")
    assert ItemFile.objects.count() == 2
    assert len(_stored_masters(media_root)) == 1


def test_zero_byte_file_is_refused(media_root):
    with pytest.raises(EmptyFileError, match="empty"):
        ingest_fileobj(ItemFactory(), io.BytesIO(b""), "blank.jpg")
    assert not ItemFile.objects.exists()
    assert _stored_masters(media_root) == []


def test_zero_byte_path_is_refused(media_root, tmp_path):
    blank = tmp_path / "blank.tif"
    blank.touch()
    with pytest.raises(EmptyFileError):
        ingest_path(ItemFactory(), blank)


def test_file_over_the_size_limit_is_refused(media_root, settings):
    settings.MEDIA_MAX_FILE_BYTES = 1000
    with pytest.raises(FileTooLargeError, match="1,000"):
        ingest_fileobj(ItemFactory(), io.BytesIO(b"x" * 1001), "big.txt")
    assert _stored_masters(media_root) == []


def test_missing_path_is_a_clear_error(media_root, tmp_path):
    with pytest.raises(IngestError, match="not a readable file"):
        ingest_path(ItemFactory(), tmp_path / "nope.jpg")


def test_ingest_queues_processing_after_commit(media_root, django_capture_on_commit_callbacks):
    item = ItemFactory()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        item_file = ingest_fileobj(item, io.BytesIO(samples.pdf_bytes()), "a.pdf")
    item_file.refresh_from_db()
    assert item_file.status == FileStatus.PENDING  # nothing ran inside the transaction
    assert callbacks  # processing (and the search index hand-off) wait for the commit
    # Run as a commit would: what they queue in turn (a record read by OCR has its reading
    # queued as a second task after the first pass) runs too.
    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()
    item_file.refresh_from_db()
    assert item_file.status == FileStatus.DONE


def test_ingest_path_reads_non_utf8_file_names(ingest, media_root, tmp_path):
    folder = tmp_path / "import"
    folder.mkdir()
    raw = os.fsencode(folder) + b"/" + "测试".encode("gbk") + b".jpg"
    with open(raw, "wb") as out:
        out.write(samples.image_bytes("JPEG"))
    item_file = ingest_path(ItemFactory(), Path(os.fsdecode(raw)), sequence=3, label="第3页")
    item_file.refresh_from_db()
    assert item_file.original_filename.endswith(".jpg")
    assert "\ufffd" in item_file.original_filename
    assert (item_file.sequence, item_file.label) == (3, "第3页")
    assert item_file.master_url.startswith(f"/files/{item_file.pk}/")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\档案\\扫描 001.tif", "扫描 001.tif"),
        ("a\x00b\x07c\nd\t.txt", "abcd.txt"),
        ("photo\u202egnp.exe", "photognp.exe"),
        ("  note.txt. ", "note.txt"),
        ("..", "file"),
        ("/", "file"),
        (b"\xb2\xe2\xca\xd4.jpg", "\ufffd\ufffd\ufffd\ufffd.jpg"),
        (os.fsdecode(b"scan\xff.png"), "scan\ufffd.png"),
        ("bad\ud800.png", "bad\ufffd\ufffd\ufffd.png"),
    ],
)
def test_hostile_file_names_are_made_safe(raw, expected):
    assert sanitize_filename(raw) == expected


def test_long_file_name_is_capped_keeping_the_extension():
    name = sanitize_filename("长" * 400 + ".jpeg")
    assert len(name) == 255
    assert name.endswith("长.jpeg")


def test_hostile_name_cannot_steer_where_the_master_is_stored(ingest, media_root):
    item_file = ingest(ItemFactory(), samples.pdf_bytes(), "../../../../tmp/evil.pdf")
    assert item_file.original_filename == "evil.pdf"
    stored = _stored_masters(media_root)
    assert stored == [media_root / "masters" / item_file.master.name]
    assert storages["masters"].exists(item_file.master.name)
