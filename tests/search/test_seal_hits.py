"""A page is found by what its seal says (OCR's seal blocks, issue 18): the hit names the seal
as what matched and outlines it, and the seal's text is never part of the page's text."""

import pytest

from archive_collections.access import AccessPolicy
from media_pipeline.models import ItemFile, PageText
from search.contract import SearchQuery
from search.documents import item_documents
from tests.factories import ItemFactory
from tests.search.conftest import index_all

pytestmark = pytest.mark.django_db

SEAL = "中国科学院声学研究所"


@pytest.fixture
def sealed_letter(db):
    letter = ItemFactory(identifier="SEAL-0001", title="来信", item_type="letter")
    item_file = ItemFile.objects.create(
        item=letter,
        sequence=1,
        master="m/seal.png",
        original_filename="seal.png",
        sha256="e" * 64,
        size=10,
        mime_type="image/png",
    )
    body = "来信收到，书稿的修改意见已经转给编辑部。\n张文华\n一九五六年三月十二日"
    PageText.objects.create(
        item_file=item_file,
        page_number=1,
        text=body,
        source="ocr",
        engine="test",
        width=1000,
        height=2000,
        lines=[
            {"text": text, "box": [100, 200 + 100 * n, 800, 50], "confidence": 0.99}
            for n, text in enumerate(body.splitlines())
        ],
        blocks=[
            {"kind": "text", "box": [100, 200, 800, 250], "lines": [0, 1, 2]},
            {
                "kind": "seal",
                "box": [500, 250, 400, 400],
                "lines": [],
                "shape": "round",
                "text": SEAL,
                "confidence": 0.9998,
            },
            # A seal OCR could not read surely has no text and adds nothing.
            {"kind": "seal", "box": [100, 1500, 200, 200], "lines": [], "shape": "round"},
        ],
    )
    return letter


def test_the_page_document_keeps_the_seal_apart_from_its_text(sealed_letter):
    (page,) = [d for d in item_documents(sealed_letter) if d.kind == "page"]
    assert page.seal == SEAL
    assert "声学" not in page.body and "张文华" in page.body
    seal_entries = [line for line in page.lines if line.get("seal")]
    assert seal_entries == [{"text": SEAL, "bbox": [0.5, 0.125, 0.4, 0.2], "seal": True}]


def test_a_query_finds_the_page_by_its_seal_and_says_so(engine, sealed_letter):
    index_all(engine)
    policy = AccessPolicy.anonymous()
    results = engine.search(SearchQuery(text="声学研究所"), policy)
    (group,) = [g for g in results.groups if g.key == f"item:{sealed_letter.pk}"]
    (hit,) = [h for h in group.hits if h.kind == "page"]
    assert [(f.field, f.label) for f in hit.fields] == [("seal", "Seal")]
    assert "<mark>声学研究所</mark>" in hit.fields[0].snippet
    assert "<mark>" in hit.snippet and "声学" in hit.snippet
    assert hit.line_boxes == [[0.5, 0.125, 0.4, 0.2]]  # the viewer outlines the seal
    # The seal is a field of its own: `印章:` finds it, the page's text does not hold it.
    by_seal = engine.search(SearchQuery(text="印章:声学"), policy)
    assert f"item:{sealed_letter.pk}" in {g.key for g in by_seal.groups}
    in_text = engine.search(SearchQuery(text="全文:声学"), policy)
    assert f"item:{sealed_letter.pk}" not in {g.key for g in in_text.groups}
    # The signature under the seal matches as the page's text, not as the seal.
    signer = engine.search(SearchQuery(text="张文华"), policy)
    (group,) = [g for g in signer.groups if g.key == f"item:{sealed_letter.pk}"]
    (hit,) = [h for h in group.hits if h.kind == "page"]
    assert [f.field for f in hit.fields] == ["page_text"]
