"""The region and clip pickers: their admin sources, their scripts in the editor, and the block
checks that refuse what a picker (or a typed value) gets wrong."""

import pytest
from django.core.exceptions import ValidationError

from exhibits.blocks import OralHistoryClipBlock
from tests.factories import ItemFactory, RecordedInterviewFactory
from tests.pages import exhibition_tree, stream

from .conftest import scan_file
from .test_pdf_page_detail import pdf_file

pytestmark = pytest.mark.django_db


def clip_errors(interview, start: str, end: str) -> dict[str, list[str]]:
    block = OralHistoryClipBlock()
    value = block.to_python({"interview": interview.pk, "start": start, "end": end, "caption": ""})
    with pytest.raises(ValidationError) as caught:
        block.clean(value)
    return {name: [str(m) for m in errs] for name, errs in caught.value.block_errors.items()}


def test_a_clip_outside_the_recording_or_backwards_is_refused_naming_the_field():
    interview = RecordedInterviewFactory(segments=4, duration_ms=20_000)
    assert clip_errors(interview, "0:05", "0:25") == {
        "end": ["0:25 is past the end of the recording (00:00:20)."]
    }
    assert clip_errors(interview, "0:30", "0:40") == {
        "start": ["0:30 is past the end of the recording (00:00:20)."],
        "end": ["0:40 is past the end of the recording (00:00:20)."],
    }
    assert clip_errors(interview, "0:10", "0:05") == {"end": ["The clip must end after it starts."]}
    block = OralHistoryClipBlock()
    value = block.to_python({"interview": interview.pk, "start": "0:05", "end": "0:14.5"})
    assert block.clean(value)["end"] == "0:14.5"


def test_the_region_source_lists_image_and_pdf_pages_with_their_image_services(admin_client):
    item = ItemFactory()
    scan_file(item, sequence=1)
    pdf = pdf_file(item, sequence=2, pages=2)
    data = admin_client.get(f"/admin/exhibits/region-source/{item.pk}/").json()
    assert [p["number"] for p in data["pages"]] == [1, 2, 3]
    assert data["pages"][0]["info"] is None  # the image is not tiled yet
    assert data["pages"][2]["info"] == f"/iiif/3/{pdf.pk}-2/info.json"
    assert data["pages"][2]["base"] == f"/iiif/3/{pdf.pk}-2"
    assert (data["pages"][2]["width"], data["pages"][2]["height"]) == (1700, 2200)
    hidden = ItemFactory(access_level="staff")
    assert admin_client.get("/admin/exhibits/region-source/99999/").status_code == 404
    assert admin_client.get(f"/admin/exhibits/region-source/{hidden.pk}/").status_code == 200


def test_the_clip_source_gives_the_transcript_and_the_recording_length(admin_client):
    interview = RecordedInterviewFactory(segments=2)
    data = admin_client.get(f"/admin/exhibits/clip-source/{interview.pk}/").json()
    assert data["duration_ms"] == 60_000
    assert data["segments"] == [
        {"start": 0, "end": 4500, "speaker": "受访人", "text": "第1段回忆。"},
        {"start": 5000, "end": 9500, "speaker": "受访人", "text": "第2段回忆。"},
    ]
    assert data["src"] is None  # no recording file in this test


def test_the_page_editor_loads_the_pickers(admin_client):
    item = ItemFactory()
    _index, _exhibition, chapters = exhibition_tree([stream()])
    html = admin_client.get(f"/admin/pages/{chapters[0].pk}/edit/").content.decode()
    assert "/static/exhibits/admin/region_picker.js" in html
    assert "/static/exhibits/admin/clip_picker.js" in html
    assert "/static/vendor/openseadragon/openseadragon.min.js" in html
    assert item.pk
