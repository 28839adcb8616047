"""The catalogue's importer on its own: it announces what it wrote with one `catalogue_changed`
after the commit (never for a dry run, a refused manifest or a rolled-back write), and it imports
records without storing files when no one takes them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.management import call_command

from archive_collections.importer import ListedFiles, run_import
from archive_collections.importer.report import ImportReport
from archive_collections.models import Fonds, Interview, Item, Scientist, Series
from archive_collections.signals import catalogue_changed
from media_pipeline.models import ItemFile

from .test_import_support import (  # noqa: F401  english: autouse fixture
    ITEMS,
    MANIFEST,
    SERIES,
    csv_manifest,
    english,
    replace_cell,
    write_csv,
)

pytestmark = pytest.mark.django_db
KINDS = ("items", "scientists", "fonds", "series", "interviews")


@pytest.fixture
def announcements() -> Iterator[list[dict]]:
    sent: list[dict] = []

    def receive(sender: object, **kwargs: object) -> None:
        sent.append({kind: kwargs[kind] for kind in KINDS})

    catalogue_changed.connect(receive, dispatch_uid="test-import-announce")
    yield sent
    catalogue_changed.disconnect(dispatch_uid="test-import-announce")


def pks(model, **filters) -> list[int]:
    return sorted(model.objects.filter(**filters).values_list("pk", flat=True))


def test_one_announcement_after_the_commit_with_every_written_record(
    tmp_path, announcements, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        report = run_import(csv_manifest(tmp_path / "batch"))
    assert report.ok and report.committed
    assert announcements == []  # nothing is announced while the transaction is open
    for callback in callbacks:
        callback()
    assert announcements == [
        {
            "items": pks(Item),
            "scientists": pks(Scientist),
            "fonds": pks(Fonds),
            "series": pks(Series),
            "interviews": pks(Interview),
        }
    ]
    assert len(announcements[0]["items"]) == 3 and len(announcements[0]["series"]) == 3


def test_a_changed_series_is_announced_alone_without_its_items(
    tmp_path, announcements, django_capture_on_commit_callbacks
):
    folder = csv_manifest(tmp_path / "batch")
    with django_capture_on_commit_callbacks(execute=True):
        run_import(folder)
    announcements.clear()
    write_csv(folder / "series.csv", replace_cell(SERIES, 2, "title", "手稿与笔记"))
    with django_capture_on_commit_callbacks(execute=True):
        report = run_import(folder)
    assert report.counts["series"].updated == 1
    # Which item documents carry the series title is for the listeners (search) to work out.
    assert announcements == [
        {
            "items": [],
            "scientists": [],
            "fonds": [],
            "series": pks(Series, title="手稿与笔记"),
            "interviews": [],
        }
    ]


def test_an_identical_rerun_announces_nothing(
    tmp_path, announcements, django_capture_on_commit_callbacks
):
    folder = csv_manifest(tmp_path / "batch")
    with django_capture_on_commit_callbacks(execute=True):
        run_import(folder)
    with django_capture_on_commit_callbacks(execute=True):
        report = run_import(folder)
    assert report.ok and report.counts["items"].unchanged == 3
    assert len(announcements) == 1


def test_dry_runs_announce_nothing(tmp_path, announcements, django_capture_on_commit_callbacks):
    folder = csv_manifest(tmp_path / "batch")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert run_import(folder, dry_run=True).ok
        call_command("import_archive", str(folder), "--dry-run", verbosity=0)
    assert callbacks == [] and announcements == []
    assert not Item.objects.exists()


def test_a_refused_manifest_announces_nothing(
    tmp_path, announcements, django_capture_on_commit_callbacks
):
    folder = csv_manifest(
        tmp_path / "batch", dict(MANIFEST, items=replace_cell(ITEMS, 2, "type", "?"))
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert not run_import(folder).ok
    assert announcements == [] and not Scientist.objects.exists()


def test_a_write_that_fails_rolls_back_and_announces_nothing(
    tmp_path, announcements, monkeypatch, django_capture_on_commit_callbacks
):
    def fail(*args: object) -> None:
        raise RuntimeError("disk full")

    # Scientists are written first; the interviews, written last, fail.
    monkeypatch.setattr(
        "archive_collections.importer.writer.Writer.write_children",
        lambda self, spec, changes: fail() if spec.kind == "interviews" else None,
    )
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError, match="disk full"):
            run_import(csv_manifest(tmp_path / "batch"))
    assert callbacks == [] and announcements == []
    assert not Scientist.objects.exists() and not Item.objects.exists()


def test_the_catalogue_alone_imports_records_and_leaves_the_files(
    tmp_path, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report = run_import(csv_manifest(tmp_path / "batch"))
    assert report.ok and report.committed
    assert Item.objects.count() == 3
    assert not ItemFile.objects.exists()
    assert (report.files, report.file_errors) == (0, [])
    assert "file(s)" not in report.as_text()


def test_a_hand_over_gets_each_item_with_its_files_after_the_commit(
    tmp_path, announcements, django_capture_on_commit_callbacks
):
    received: list[tuple[str, list[str], bool]] = []

    def hand_over(listed: list[ListedFiles], report: ImportReport) -> None:
        for entry in listed:
            received.append(
                (entry.item.identifier, [p.name for p in entry.paths], bool(announcements))
            )
        report.files += sum(len(entry.paths) for entry in listed)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        report = run_import(csv_manifest(tmp_path / "batch"), hand_over=hand_over)
    assert received == []
    for callback in callbacks:
        callback()
    # Only the item that lists files, its files in page order, after the announcement.
    assert received == [("IT-0001", ["p1.png", "p2.png"], True)]
    assert report.files == 2


@pytest.mark.django_db(transaction=True)
def test_a_failing_listener_does_not_stop_the_files_being_handed_over(tmp_path):
    def fail(sender: object, **kwargs: object) -> None:
        raise RuntimeError("search is down")

    handed: list[str] = []

    def hand_over(listed: list[ListedFiles], report: ImportReport) -> None:
        handed.extend(entry.item.identifier for entry in listed)

    catalogue_changed.connect(fail, dispatch_uid="test-failing-listener")
    try:
        report = run_import(csv_manifest(tmp_path / "batch"), hand_over=hand_over)
    finally:
        catalogue_changed.disconnect(dispatch_uid="test-failing-listener")
    assert report.committed and Item.objects.count() == 3
    assert handed == ["IT-0001"]
