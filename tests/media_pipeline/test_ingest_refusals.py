"""Ingest refuses content its name contradicts; `manage.py ingest` reports what it did not store.

A name's extension may be wrong within a family (a PNG saved as .jpg, a FLAC as .mp3: curators
rename scans by hand, and these are kept, with a warning), but not across families: a .pdf that
is text, a .png that is an HTML page, a .mp4 of bytes no reader recognises.
"""

from __future__ import annotations

import io
import random

import pytest
from django.core.management import CommandError, call_command

from media_pipeline.ingest import ContentMismatchError, ingest_fileobj
from media_pipeline.models import ItemFile
from tests.factories import ItemFactory

from . import samples

pytestmark = pytest.mark.django_db

GARBAGE = random.Random(7).randbytes(4096)
HTML = b"<!DOCTYPE html>\n<html><head><title>Not found</title></head><body>404</body></html>\n"


@pytest.fixture
def folder(tmp_path):
    path = tmp_path / "scans"
    path.mkdir()
    return path


def _masters(media_root) -> list:
    root = media_root / "masters"
    return sorted(p.name for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_a_real_run_refuses_content_its_name_contradicts_and_names_why(folder, media_root, capsys):
    item = ItemFactory(identifier="A001-010")
    (folder / "good.png").write_bytes(samples.image_bytes("PNG", size=(20, 20)))
    (folder / "renamed.jpg").write_bytes(samples.image_bytes("PNG", size=(30, 20)))
    (folder / "garbage.mp4").write_bytes(GARBAGE)
    (folder / "not-really.pdf").write_bytes("只是一段文字，不是 PDF。\n".encode())
    (folder / "html-as.png").write_bytes(HTML)

    with pytest.raises(CommandError, match="3 file"):
        call_command("ingest", str(folder), item="A001-010")

    captured = capsys.readouterr()
    stored = set(item.files.values_list("original_filename", flat=True))
    assert stored == {"good.png", "renamed.jpg"}
    assert len(_masters(media_root)) == 2
    assert "Ingested 2 file(s)" in captured.out
    assert "Refused 3 file(s)" in captured.err
    lines = {line.strip().split(":", 1)[0]: line for line in captured.err.splitlines()}
    assert ".mp4" in lines["garbage.mp4"] and "not recognised" in lines["garbage.mp4"]
    assert ".pdf" in lines["not-really.pdf"] and "text/plain" in lines["not-really.pdf"]
    assert ".png" in lines["html-as.png"] and "text/plain" in lines["html-as.png"]


def test_the_dry_run_reports_the_same_refusals(folder, media_root, capsys):
    ItemFactory(identifier="A001-011")
    (folder / "garbage.mp4").write_bytes(GARBAGE)
    (folder / "good.png").write_bytes(samples.image_bytes("PNG", size=(20, 20)))
    with pytest.raises(CommandError, match="1 file"):
        call_command("ingest", str(folder), item="A001-011", dry_run=True)
    captured = capsys.readouterr()
    assert "Would ingest 1 file(s)" in captured.out
    assert "garbage.mp4" in captured.err and "not recognised" in captured.err
    assert not ItemFile.objects.exists() and _masters(media_root) == []


def test_merged_duplicates_are_counted_apart_from_new_files(
    folder, media_root, capsys, django_capture_on_commit_callbacks
):
    item = ItemFactory(identifier="A001-012")
    page = samples.image_bytes("PNG", size=(20, 20))
    with django_capture_on_commit_callbacks(execute=True):
        ingest_fileobj(item, io.BytesIO(page), "p1.png", sequence=1)
    (folder / "p1.png").write_bytes(page)
    (folder / "p2.png").write_bytes(samples.image_bytes("PNG", size=(40, 20)))

    call_command("ingest", str(folder), item="A001-012")

    out = capsys.readouterr().out
    assert "Ingested 1 file(s)" in out
    assert "Merged 1 duplicate(s)" in out and "p1.png" in out
    assert item.files.count() == 2


def test_hidden_and_system_files_are_reported_as_skipped_with_the_reason(
    folder, media_root, capsys
):
    item = ItemFactory(identifier="A001-013")
    (folder / "p1.png").write_bytes(samples.image_bytes("PNG", size=(20, 20)))
    (folder / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    (folder / ".p2.png").write_bytes(samples.image_bytes("PNG", size=(30, 20)))
    (folder / "Thumbs.db").write_bytes(b"\xd0\xcf\x11\xe0")
    hidden = folder / ".thumbnails"
    hidden.mkdir()
    (hidden / "p1.png").write_bytes(samples.image_bytes("PNG", size=(10, 10)))

    call_command("ingest", str(folder), item="A001-013", recursive=True)

    out = capsys.readouterr().out
    assert list(item.files.values_list("original_filename", flat=True)) == ["p1.png"]
    assert "Skipped 4" in out
    assert ".DS_Store: hidden" in out and ".p2.png: hidden" in out
    assert "Thumbs.db: system file" in out
    assert ".thumbnails: hidden folder" in out


def test_every_ingest_path_refuses_and_stores_nothing(media_root):
    item = ItemFactory()
    with pytest.raises(ContentMismatchError, match=r"html-as\.png.*\.png.*text/plain"):
        ingest_fileobj(item, io.BytesIO(HTML), "html-as.png")
    assert not ItemFile.objects.exists() and _masters(media_root) == []


def test_text_in_a_legacy_encoding_is_kept_with_a_warning(media_root):
    """GB18030 text is not recognised as UTF-8 text, but a .txt claims no binary format."""
    item_file = ingest_fileobj(ItemFactory(), io.BytesIO("口述记录".encode("gb18030")), "a.txt")
    assert item_file.technical["warnings"]
