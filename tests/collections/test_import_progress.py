"""The write pass's progress moves batch by batch, not from 0 to 100 % at the end of a kind."""

from __future__ import annotations

import io
import sys

import pytest
from django.core.management import call_command

from archive_collections.importer import run_import, writer
from archive_collections.importer.progress import tqdm_progress
from archive_collections.models import Item

from .test_import_support import (  # noqa: F401  english: autouse fixture
    ITEMS,
    MANIFEST,
    csv_manifest,
    english,
)

pytestmark = pytest.mark.django_db

BATCH = 10
ITEM_COUNT = 45


class RecordingBar:
    """A progress bar that keeps every position it is moved to."""

    def __init__(self, bars: dict, total: int, description: str):
        self.total, self.positions = total, [0]
        bars[description] = self

    def update(self, n: int = 1) -> None:
        self.positions.append(self.positions[-1] + n)

    def close(self) -> None:
        pass


def _many_items(count: int) -> list[list[str]]:
    header, template = ITEMS[0], ITEMS[2]  # a row that lists no files
    rows = [header]
    for n in range(count):
        row = list(template)
        row[header.index("identifier")] = f"IT-{n:04d}"
        row[header.index("title")] = f"第{n}号信件"
        row[header.index("embargo_until")] = ""
        rows.append(row)
    return rows


@pytest.fixture
def manifest(tmp_path, monkeypatch):
    monkeypatch.setattr(writer, "BATCH", BATCH)  # a few batches from a small manifest
    kinds = {k: v for k, v in MANIFEST.items() if k in ("scientists", "fonds", "series")}
    return csv_manifest(tmp_path / "batch", {**kinds, "items": _many_items(ITEM_COUNT)})


def test_writing_advances_per_batch(manifest):
    bars: dict[str, RecordingBar] = {}
    report = run_import(manifest, progress=lambda total, desc: RecordingBar(bars, total, desc))
    assert report.ok, report.as_text()
    assert Item.objects.count() == ITEM_COUNT

    positions = bars["writing"].positions
    assert positions[-1] == bars["writing"].total
    items_moves = [b - a for a, b in zip(positions, positions[1:], strict=False) if b > a]
    # 45 items in batches of 10 alone make five steps; none jumps by more than a batch.
    assert len(items_moves) >= ITEM_COUNT // BATCH + 1
    assert max(items_moves) <= BATCH


def test_the_command_draws_the_bar_in_steps(manifest, monkeypatch):
    """The terminal bar (tqdm on standard error) shows intermediate percentages."""
    captured = io.StringIO()
    monkeypatch.setattr(sys, "stderr", captured)

    def every_step(total, description):
        bar = tqdm_progress(total, description)
        bar.mininterval = 0  # draw every update: the test runs faster than tqdm's 0.1 s throttle
        bar.miniters, bar.dynamic_miniters = 1, False
        return bar

    monkeypatch.setattr("archive_site.management.commands.import_archive.tqdm_progress", every_step)
    call_command("import_archive", str(manifest))
    drawn = captured.getvalue()
    percentages = sorted({int(p) for p in _percentages(drawn, "writing")})
    assert percentages[0] == 0 and percentages[-1] == 100
    # A batch of 10 rows of 51 is about 20 %; the whole items sheet at once was 88 %.
    gaps = [b - a for a, b in zip(percentages, percentages[1:], strict=False)]
    assert max(gaps) <= 25, drawn


def _percentages(drawn: str, description: str):
    for frame in drawn.replace("\n", "\r").split("\r"):
        if frame.startswith(description) and "%" in frame:
            yield frame.split("%", 1)[0].rsplit(":", 1)[-1].strip()


def test_storing_the_listed_files_moves_file_by_file(tmp_path, django_capture_on_commit_callbacks):
    from archive_site.importing import run_import as import_with_files

    bars: dict[str, RecordingBar] = {}
    with django_capture_on_commit_callbacks(execute=True):
        report = import_with_files(
            csv_manifest(tmp_path / "batch"),
            progress=lambda total, desc: RecordingBar(bars, total, desc),
        )
    assert report.ok and report.files == 2, report.as_text()
    assert bars["storing files"].positions == [0, 1, 2]
