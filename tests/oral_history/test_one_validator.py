"""One set of checks on timed segments serves the bulk importer, the admin import and the editor."""

import pytest

from archive_collections.importer import run_import
from archive_collections.models import Interview
from archive_collections.oral_history.document import Line
from archive_collections.oral_history.validation import check_transcript
from tests.collections.test_import_support import (  # noqa: F401  english: autouse fixture
    INTERVIEWS,
    MANIFEST,
    csv_manifest,
    english,
    replace_cell,
)

pytestmark = pytest.mark.django_db

OVERLAPPING_SRT = (
    "1\n00:00:01,000 --> 00:00:05,000\n采访者：请您谈谈童年。\n\n"
    "2\n00:00:04,000 --> 00:00:09,000\n钱学森：我小时候在北京读书。\n"
)


def test_the_bulk_importer_refuses_an_overlapping_srt_like_the_admin_import(tmp_path):
    rows = replace_cell(INTERVIEWS, 2, "transcript", "oh1.srt")
    folder = csv_manifest(tmp_path / "batch", dict(MANIFEST, interviews=rows))
    (folder / "oh1.srt").write_text(OVERLAPPING_SRT, encoding="utf-8")
    report = run_import(folder)
    assert not report.ok
    (problem,) = report.problems
    assert (problem.kind, problem.row, problem.column) == ("interviews", 2, "transcript")
    # The same words as the admin import and the editor (validation.check_transcript), with
    # the file and the line of the offending cue.
    assert problem.reason == (
        "oh1.srt, line 6: Transcript segment 2 (00:00:04.000 “我小时候在北京读书。”): "
        "it overlaps segment 1, which ends at 00:00:05.000"
    )
    assert not Interview.objects.exists()


def test_an_index_with_times_out_of_order_is_refused_by_the_importer(tmp_path):
    folder = csv_manifest(tmp_path / "batch")
    (folder / "oh1-index.vtt").write_text(
        "WEBVTT\n\n00:01:00.000 --> 00:02:00.000\n赴美留学\n\n"
        "00:00:30.000 --> 00:01:00.000\n童年\n",
        encoding="utf-8",
    )
    report = run_import(folder)
    (problem,) = report.problems
    assert problem.column == "index"
    assert "line 6" in problem.reason and "go backwards" in problem.reason


def test_the_validator_names_the_segment_for_each_kind_of_problem():
    lines = [
        Line(1000, 3000, "甲", "一"),
        Line(2500, 4000, "乙", "二"),
        Line(3500, 3000, "甲", "三"),
        Line(9000, 12000, "甲", "四"),
    ]
    messages = [p.message for p in check_transcript(lines, duration_ms=10_000)]
    assert messages == [
        "Transcript segment 2 (00:00:02.500 “二”): it overlaps segment 1, which ends at "
        "00:00:03.000",
        "Transcript segment 3 (00:00:03.500 “三”): it ends (00:00:03.000) before it starts",
        "Transcript segment 3 (00:00:03.500 “三”): it overlaps segment 2, which ends at "
        "00:00:04.000",
        "Transcript segment 4 (00:00:09.000 “四”): it runs past the end of the recording "
        "(00:00:10.000)",
    ]
