"""A deep-zoom detail may show a page of a PDF, as it shows an image page."""

import pytest
from django.core.exceptions import ValidationError

from exhibits.blocks import DeepZoomDetailBlock
from exhibits.records import image_file, scan_pages
from media_pipeline.models import ItemFile
from tests.factories import ItemFactory
from tests.pages import exhibition_tree, stream

from .conftest import scan_file
from .test_deep_zoom_region import detail, images, with_image_service

pytestmark = pytest.mark.django_db


def pdf_file(item, sequence: int, pages: int) -> ItemFile:
    """A processed PDF whose pages are tiled, as the pipeline records it."""
    pdf = ItemFile.objects.create(
        item=item,
        sequence=sequence,
        master=f"doc-{item.pk}.pdf",
        original_filename="手稿.pdf",
        sha256=f"{item.pk:032d}{sequence:032d}",
        size=100,
        mime_type="application/pdf",
        status="done",
        technical={
            "pdf": {"page_count": pages},
            "steps": {"iiif": {"status": "done", "sha256": f"{item.pk:032d}{sequence:032d}"}},
            "iiif": {
                "tile_size": 256,
                "pages": [
                    {"number": n, "width": 1700, "height": 2200, "scale_factors": [1], "sizes": []}
                    for n in range(1, pages + 1)
                ],
            },
        },
    )
    return pdf


def on_page(block: dict, page: int) -> dict:
    block["value"]["page"] = page
    return block


def test_a_pdf_page_detail_is_the_iiif_region_of_that_page(client):
    item = ItemFactory(title="讲义")
    scan = with_image_service(scan_file(item, sequence=1), 4000, 2000)
    pdf = pdf_file(item, sequence=2, pages=3)
    _index, _exhibition, chapters = exhibition_tree(
        [stream(on_page(detail(item, 10, 20, 50, 40), 3), on_page(detail(item, 0, 0, 50, 50), 1))]
    )
    html = client.get(chapters[0].url).content.decode()
    assert "The scan for this detail is not available yet." not in html
    details = [i for i in images(html) if "deep-zoom__image" in i.get("class", "")]
    # Page 3 of the item is the PDF's second page: image identifier "<pk>-2".
    assert details[0]["src"].startswith(f"/iiif/3/{pdf.pk}-2/170,440,850,880/")
    assert details[1]["src"].startswith(f"/iiif/3/{scan.pk}/0,0,2000,1000/")
    assert f"?file={pdf.pk}&amp;page=2&amp;hlr=" in html


def test_the_item_pages_count_every_page_of_its_images_and_pdfs():
    item = ItemFactory()
    scan_file(item, sequence=1)
    pdf = pdf_file(item, sequence=2, pages=2)
    item.ready_files = list(item.files.order_by("sequence"))
    assert [(p.file.pk, p.number) for p in scan_pages(item)][1:] == [(pdf.pk, 1), (pdf.pk, 2)]
    assert image_file(item, 3).file == pdf and image_file(item, 4) is None


def test_the_editor_refuses_a_page_the_item_does_not_have_and_a_region_off_the_page():
    item = ItemFactory()
    pdf_file(item, sequence=1, pages=2)
    block = DeepZoomDetailBlock()
    value = block.to_python(on_page(detail(item, 60, 0, 50, 20), 5)["value"])
    with pytest.raises(ValidationError) as caught:
        block.clean(value)
    errors = caught.value.block_errors
    assert [str(m) for m in errors["page"]] == [
        "The item has 2 pages (its images and PDF pages in order); choose 1 to 2."
    ]
    assert [str(m) for m in errors["width"]] == ["The region runs past the right edge of the page."]
