import pytest
from django.core.management import CommandError, call_command

from media_pipeline.models import FileStatus, ItemFile
from tests.factories import ItemFactory

from . import samples

pytestmark = pytest.mark.django_db


@pytest.fixture
def folder(tmp_path):
    path = tmp_path / "scans"
    path.mkdir()
    return path


def test_ingest_folder_into_one_item(
    folder, media_root, capsys, django_capture_on_commit_callbacks
):
    item = ItemFactory(identifier="A001-001")
    (folder / "p2.jpg").write_bytes(samples.image_bytes("JPEG", size=(50, 40)))
    (folder / "p1.png").write_bytes(samples.image_bytes("PNG", size=(50, 40)))
    (folder / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("ingest", str(folder), item="A001-001")
    files = list(ItemFile.objects.filter(item=item).order_by("sequence"))
    assert [(f.original_filename, f.sequence) for f in files] == [("p1.png", 1), ("p2.jpg", 2)]
    assert all(f.status == FileStatus.DONE for f in files)
    assert "Ingested 2 file(s)" in capsys.readouterr().out


def test_match_by_filename_maps_pages_to_items(folder, media_root):
    letter = ItemFactory(identifier="A001-002")
    numbered = ItemFactory(identifier="B_007")  # an identifier that itself ends in _digits
    (folder / "A001-002_001.png").write_bytes(samples.image_bytes("PNG", size=(20, 20)))
    (folder / "A001-002_002.png").write_bytes(samples.image_bytes("PNG", size=(30, 20)))
    (folder / "B_007.pdf").write_bytes(samples.pdf_bytes())
    call_command("ingest", str(folder), match_by_filename=True)
    assert sorted(letter.files.values_list("sequence", flat=True)) == [1, 2]
    assert numbered.files.get().sequence == 0


def test_errors_are_listed_per_file_and_the_rest_is_ingested(folder, media_root, capsys):
    item = ItemFactory(identifier="A001-003")
    (folder / "A001-003_001.png").write_bytes(samples.image_bytes("PNG", size=(20, 20)))
    (folder / "A001-003_002.png").write_bytes(b"")
    (folder / "Z999_001.png").write_bytes(samples.image_bytes("PNG", size=(20, 20)))
    with pytest.raises(CommandError, match="2 file"):
        call_command("ingest", str(folder), match_by_filename=True)
    err = capsys.readouterr().err
    assert "A001-003_002.png: A001-003_002.png is empty" in err
    assert "Z999_001.png: no item has the identifier 'Z999_001' or 'Z999'" in err
    assert item.files.count() == 1


def test_dry_run_changes_nothing(folder, media_root, capsys):
    ItemFactory(identifier="A001-004")
    (folder / "A001-004_001.jpg").write_bytes(samples.image_bytes("PNG", size=(20, 20)))
    call_command("ingest", str(folder), match_by_filename=True, dry_run=True)
    out = capsys.readouterr().out
    assert "Would ingest 1 file(s)" in out
    assert ".jpg but the content is PNG" in out
    assert not ItemFile.objects.exists()
    assert not (media_root / "masters").exists()


def test_unknown_item_is_refused(folder, media_root):
    (folder / "a.png").write_bytes(samples.image_bytes("PNG", size=(20, 20)))
    with pytest.raises(CommandError, match="No item has the identifier 'NOPE'"):
        call_command("ingest", str(folder), item="NOPE")
