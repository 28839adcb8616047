"""The interview listing: each row links to its editor and shows the recording's duration, the
consent status and the number of transcript segments, in a query count that does not grow with
the page."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from archive_collections.models import ConsentStatus
from tests.factories import InterviewFactory, ItemFileFactory, RecordedInterviewFactory

pytestmark = pytest.mark.django_db

LIST_URL = "wagtailsnippets_collections_interview:list"


def recording(interview, seconds):
    """An audio file on the interview's item whose `av` step found `seconds` of sound."""
    return ItemFileFactory(
        item=interview.item,
        mime_type="audio/mp4",
        original_filename="interview.m4a",
        technical={"av": {"duration": seconds}},
    )


def rows(response):
    """{identifier: the row's HTML} for each listed interview."""
    html = response.content.decode()
    found = {}
    for row in re.findall(r"<tr[^>]*>.*?</tr>", html, flags=re.S):
        match = re.search(r"OH-\d+", row)
        if match:
            found[match.group()] = row
    return found


def test_each_interview_links_to_its_editor(admin_client):
    interview = InterviewFactory(item__identifier="OH-001")
    response = admin_client.get(reverse(LIST_URL))
    edit_url = reverse("wagtailsnippets_collections_interview:edit", args=[interview.pk])
    assert f'href="{edit_url}"' in rows(response)["OH-001"]


def test_duration_comes_from_the_recording_when_none_is_catalogued(admin_client):
    """Imported interviews carry no duration: the listing showed an empty cell while the
    recording's length was known from the media pipeline's `av` step."""
    imported = InterviewFactory(item__identifier="OH-001", duration_ms=None)
    recording(imported, 125.4)
    catalogued = InterviewFactory(item__identifier="OH-002", duration_ms=3_600_000)
    recording(catalogued, 10.0)  # the catalogued duration wins over the file's
    InterviewFactory(item__identifier="OH-003", duration_ms=None)  # no recording at all

    listed = rows(admin_client.get(reverse(LIST_URL)))
    assert "00:02:05" in listed["OH-001"]
    assert "01:00:00" in listed["OH-002"]
    assert "00:00:10" not in listed["OH-002"]
    assert not re.search(r"\d\d:\d\d:\d\d", listed["OH-003"])


def test_consent_status_and_segment_counts_are_shown(admin_client):
    RecordedInterviewFactory(item__identifier="OH-001", segments=7, consent="signed")
    InterviewFactory(item__identifier="OH-002", consent="pending")
    listed = rows(admin_client.get(reverse(LIST_URL)))
    assert re.search(r">\s*7\s*<", listed["OH-001"])
    assert re.search(r">\s*0\s*<", listed["OH-002"])
    signed, pending = (str(ConsentStatus(code).label) for code in ("signed", "pending"))
    assert signed in listed["OH-001"] and pending not in listed["OH-001"]
    assert pending in listed["OH-002"] and signed not in listed["OH-002"]


def test_listing_sorts_by_segment_count(admin_client):
    RecordedInterviewFactory(item__identifier="OH-001", segments=2)
    RecordedInterviewFactory(item__identifier="OH-002", segments=9)
    response = admin_client.get(reverse(LIST_URL), {"ordering": "-segment_count"})
    html = response.content.decode()
    assert html.index("OH-002") < html.index("OH-001")


def listing_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse(LIST_URL)).status_code == 200
    return len(queries)


def test_query_count_does_not_grow_with_the_page(admin_client):
    first = RecordedInterviewFactory(item__identifier="OH-000", segments=3, duration_ms=None)
    recording(first, 30.0)
    few = listing_queries(admin_client)
    for n in range(1, 8):
        interview = RecordedInterviewFactory(item__identifier=f"OH-{n:03d}", segments=3)
        recording(interview, 30.0 + n)
    assert listing_queries(admin_client) == few
