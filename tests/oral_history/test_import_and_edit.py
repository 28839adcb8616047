"""Importing files into an interview, validation, and the curators' re-time/split/merge."""

import pytest

from archive_collections.models import Interview
from archive_collections.oral_history import operations
from archive_collections.oral_history.document import Document, Line, Point
from archive_collections.oral_history.importing import ImportRefused, import_document
from tests.factories import IndexSegmentFactory, InterviewFactory, TranscriptSegmentFactory

pytestmark = pytest.mark.django_db


def rows(interview):
    return list(
        interview.transcript.order_by("start_ms").values_list(
            "start_ms", "end_ms", "speaker", "text"
        )
    )


def test_import_replaces_transcript_and_keeps_index_when_file_has_none():
    interview = InterviewFactory(duration_ms=60_000)
    IndexSegmentFactory(interview=interview, start_ms=0, title="旧目录")
    import_document(interview, Document([Line(0, 1000, "甲", "一"), Line(1000, 2000, "乙", "二")]))
    assert rows(interview) == [(0, 1000, "甲", "一"), (1000, 2000, "乙", "二")]
    assert list(interview.index_segments.values_list("title", flat=True)) == ["旧目录"]


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (
            [Line(0, 5000, "", "一"), Line(4000, 6000, "", "二")],
            "Transcript segment 2 (00:00:04.000 “二”): it overlaps segment 1, "
            "which ends at 00:00:05.000",
        ),
        (
            [Line(0, 70_000, "", "太长")],
            "Transcript segment 1 (00:00:00.000 “太长”): it runs past the end of the recording "
            "(00:01:00.000)",
        ),
        (
            [Line(5000, 6000, "", "一"), Line(1000, 2000, "", "二")],
            "Transcript segment 2 (00:00:01.000 “二”): it starts before segment 1 (00:00:05.000); "
            "times go backwards",
        ),
    ],
)
def test_bad_segments_refuse_the_whole_import(lines, message):
    interview = InterviewFactory(duration_ms=60_000)
    TranscriptSegmentFactory(interview=interview, start_ms=0, end_ms=1000, text="原稿")
    with pytest.raises(ImportRefused) as caught:
        import_document(interview, Document(lines, [Point(0, "目录")]))
    assert message in [str(p) for p in caught.value.problems]
    assert rows(interview) == [(0, 1000, "受访人", "原稿")]  # nothing half-imported
    assert not interview.index_segments.exists()


def test_retime_split_merge():
    interview = InterviewFactory(duration_ms=60_000)
    for start, text in [(0, "我在上海"), (5000, "长大。"), (10_000, "后来")]:
        TranscriptSegmentFactory(
            interview=interview, start_ms=start, end_ms=start + 4000, speaker="钱学森", text=text
        )
    IndexSegmentFactory(interview=interview, start_ms=5000, title="童年")
    assert operations.retime(interview, 2500, from_ms=5000) == 3
    assert [r[0] for r in rows(interview)] == [0, 7500, 12_500]
    assert interview.index_segments.get().start_ms == 7500
    with pytest.raises(ImportRefused, match="before the start"):
        operations.retime(interview, -10_000)
    with pytest.raises(ImportRefused, match="past the end of the recording"):
        operations.retime(interview, 50_000)
    assert [r[0] for r in rows(interview)] == [0, 7500, 12_500]  # refused means unchanged
    first, second, _third = interview.transcript.order_by("start_ms")
    merged = operations.merge([first, second])
    assert merged.text == "我在上海长大。" and merged.end_ms == 11_500
    operations.split(merged, 2000, 4)
    assert rows(interview)[:2] == [
        (0, 2000, "钱学森", "我在上海"),
        (2000, 11_500, "钱学森", "长大。"),
    ]


def test_admin_timecode_fields_and_validation(admin_client):
    from tests.collections.test_admin_forms import interview_form_data, url

    interview = InterviewFactory(duration_ms=60_000)
    data = interview_form_data(interview.item, interview.interviewee)
    data.update(
        {
            "duration_ms": "00:01:00",
            "transcript-0-start_ms": "00:00:01.500",
            "transcript-0-end_ms": "0:02",
        }
    )
    response = admin_client.post(url(Interview, "edit", interview.pk), data)
    assert response.status_code == 302
    assert rows(interview) == [(1500, 2000, "受访人", "我小时候在上海读书。")]
    edit = admin_client.get(url(Interview, "edit", interview.pk)).content.decode()
    assert 'value="00:00:01.500"' in edit
    data.update({"transcript-0-end_ms": "00:02:00"})
    response = admin_client.post(url(Interview, "edit", interview.pk), data)
    assert response.status_code == 200
    assert "runs past the end of the recording (00:01:00.000)" in response.content.decode()
    data.update({"transcript-0-end_ms": "1:75"})
    response = admin_client.post(url(Interview, "edit", interview.pk), data)
    assert "minutes and seconds run from 00 to 59" in response.content.decode()


def test_admin_import_screen_all_or_nothing(admin_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    interview = InterviewFactory(duration_ms=60_000)
    path = f"/admin/archive/interviews/{interview.pk}/import-transcript/"
    bad = SimpleUploadedFile(
        "t.srt",
        "1\n00:00:01,000 --> 00:00:02,000\n甲：一\n\n"
        "2\n00:00:01,500 --> 00:00:03,000\n乙：二\n".encode("gb18030"),
    )
    response = admin_client.post(path, {"file": bad, "parts": "both"})
    assert response.status_code == 200
    assert "it overlaps segment 1" in response.content.decode()
    assert not interview.transcript.exists()
    good = SimpleUploadedFile(
        "t.txt", "[00:00:01] 甲：一\n[00:00:02-00:00:03] 乙：二\n".encode("utf-16")
    )
    response = admin_client.post(path, {"file": good, "parts": "both"})
    assert response.status_code == 302
    assert rows(interview) == [(1000, 2000, "甲", "一"), (2000, 3000, "乙", "二")]
    tools = admin_client.post(
        f"/admin/archive/interviews/{interview.pk}/transcript-tools/",
        {"action": "retime", "retime-offset": "00:00:01", "retime-parts": "both"},
    )
    assert tools.status_code == 302
    assert [r[0] for r in rows(interview)] == [2000, 3000]
