"""The transcript editor's save: the importers' checks, all or nothing, a revision kept."""

import json

import pytest

from archive_collections.models import TranscriptSegment
from tests.factories import RecordedInterviewFactory

pytestmark = pytest.mark.django_db


def url(interview) -> str:
    return f"/admin/archive/interviews/{interview.pk}/transcript-editor/"


def post(client, interview, segments):
    return client.post(url(interview), json.dumps({"segments": segments}), "application/json")


def texts(interview):
    return list(interview.transcript.order_by("start_ms").values_list("start_ms", "end_ms", "text"))


def test_the_editor_page_carries_the_segments_and_the_player(admin_client):
    interview = RecordedInterviewFactory(segments=2)
    html = admin_client.get(url(interview)).content.decode()
    assert 'id="transcript-editor-data"' in html and '"end_ms": 9500' in html
    assert "/static/collections/oral_history/editor.js" in html


def test_saving_replaces_the_segments_and_keeps_a_revision(admin_client):
    interview = RecordedInterviewFactory(segments=2)
    segments = [
        {"start_ms": 0, "end_ms": 2000, "speaker": "受访人", "text": "第1段"},
        {"start_ms": 2000, "end_ms": 4500, "speaker": "受访人", "text": "回忆。"},
        {"start_ms": 5500, "end_ms": 10_000, "speaker": "采访人", "text": "然后呢？"},
    ]
    response = post(admin_client, interview, segments)
    assert response.status_code == 200, response.content
    assert response.json()["saved"] == 3
    assert texts(interview) == [
        (0, 2000, "第1段"),
        (2000, 4500, "回忆。"),
        (5500, 10_000, "然后呢？"),
    ]
    (revision,) = interview.revisions.all()
    assert [s["text"] for s in revision.content["transcript"]] == ["第1段", "回忆。", "然后呢？"]
    assert revision.user is not None


@pytest.mark.parametrize(
    ("segments", "message"),
    [
        (
            [
                {"start_ms": 0, "end_ms": 5000, "speaker": "", "text": "一"},
                {"start_ms": 4000, "end_ms": 6000, "speaker": "", "text": "二"},
            ],
            "Transcript segment 2 (00:00:04.000 “二”): it overlaps segment 1, which ends at "
            "00:00:05.000",
        ),
        (
            [
                {"start_ms": 5000, "end_ms": 6000, "speaker": "", "text": "一"},
                {"start_ms": 1000, "end_ms": 2000, "speaker": "", "text": "二"},
            ],
            "Transcript segment 2 (00:00:01.000 “二”): it starts before segment 1 "
            "(00:00:05.000); times go backwards",
        ),
        (
            [{"start_ms": 0, "end_ms": 90_000, "speaker": "", "text": "一"}],
            "Transcript segment 1 (00:00:00.000 “一”): it runs past the end of the recording "
            "(00:01:00.000)",
        ),
        (
            [{"start_ms": "0:01", "end_ms": 2000, "speaker": "", "text": "一"}],
            "Transcript segment 1: its start time is missing or negative",
        ),
        (
            [{"start_ms": 0, "end_ms": 2000, "speaker": "", "text": "  "}],
            "Transcript segment 1: it has no text",
        ),
    ],
)
def test_bad_segments_are_refused_naming_the_segment_and_nothing_changes(
    admin_client, segments, message
):
    interview = RecordedInterviewFactory(segments=2)
    before = texts(interview)
    response = post(admin_client, interview, segments)
    assert response.status_code == 400
    assert response.json()["problems"][0]["message"] == message
    assert texts(interview) == before
    assert not interview.revisions.exists()


def test_only_curators_who_may_change_interviews_may_save(client, django_user_model):
    interview = RecordedInterviewFactory(segments=1)
    user = django_user_model.objects.create_user("reader", password="x", is_staff=True)
    user.user_permissions.add(
        *__import__(
            "django.contrib.auth.models", fromlist=["Permission"]
        ).Permission.objects.filter(codename="access_admin")
    )
    client.force_login(user)
    response = post(client, interview, [])
    assert response.status_code in (302, 403)
    assert TranscriptSegment.objects.filter(interview=interview).count() == 1
