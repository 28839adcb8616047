"""Building the search documents of a batch of items costs a constant number of queries.

A reindex drain round and a rebuild chunk build up to 200 items at once; each item's interview,
files, page texts, transcript, index and the names of its scientists come from prefetches
(search.sources.items_queryset), not from queries of their own."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from archive_collections.models import (
    IndexSegment,
    Interview,
    Item,
    Scientist,
    ScientistName,
    TranscriptSegment,
)
from media_pipeline.models import FileStatus, ItemFile, PageText
from search.documents import item_documents
from search.sources import documents_for_groups
from tests.factories import DisciplineFactory, SeriesFactory

pytestmark = pytest.mark.django_db


def _full_items(count: int) -> list[Item]:
    """Oral-history items with everything a document reads: a named scientist with a name
    variant and a discipline, an interview with a transcript and an index, a PDF with two
    pages of text. Written in bulk: the test is about reading them."""
    series = SeriesFactory()
    discipline = DisciplineFactory()
    items = Item.objects.bulk_create(
        Item(identifier=f"Q-{n}", title=f"访谈{n}", item_type="oral_history", series=series)
        for n in range(count)
    )
    people = Scientist.objects.bulk_create(
        Scientist(identifier=f"q-person-{n}", name=f"学者{n}") for n in range(2 * count)
    )
    ScientistName.objects.bulk_create(
        ScientistName(scientist=person, name=f"Person {n}", kind="english")
        for n, person in enumerate(people)
    )
    Scientist.disciplines.through.objects.bulk_create(
        Scientist.disciplines.through(scientist=person, discipline=discipline) for person in people
    )
    Item.scientists.through.objects.bulk_create(
        Item.scientists.through(item=item, scientist=people[2 * n]) for n, item in enumerate(items)
    )
    interviews = Interview.objects.bulk_create(
        Interview(item=item, interviewee=people[2 * n + 1], consent="signed")
        for n, item in enumerate(items)
    )
    TranscriptSegment.objects.bulk_create(
        TranscriptSegment(
            interview=interview, start_ms=s * 5000, end_ms=s * 5000 + 4000, text=f"回忆{s}"
        )
        for interview in interviews
        for s in range(3)
    )
    IndexSegment.objects.bulk_create(
        IndexSegment(interview=interview, start_ms=0, title="求学") for interview in interviews
    )
    files = ItemFile.objects.bulk_create(
        ItemFile(
            item=item,
            sequence=1,
            master=f"m/q{n}.pdf",
            original_filename=f"q{n}.pdf",
            sha256=f"{n:064x}",
            size=1000,
            mime_type="application/pdf",
            status=FileStatus.DONE,
        )
        for n, item in enumerate(items)
    )
    PageText.objects.bulk_create(
        PageText(item_file=item_file, page_number=p, text=f"第{p}页笔记", width=10, height=10)
        for item_file in files
        for p in (1, 2)
    )
    return items


def _queries_to_build(items: list[Item]) -> tuple[int, dict]:
    keys = [f"item:{item.pk}" for item in items]
    with CaptureQueriesContext(connection) as captured:
        built = documents_for_groups(keys)
    return len(captured.captured_queries), built


def test_a_batch_of_items_costs_the_queries_of_one_item():
    items = _full_items(50)
    one, _built = _queries_to_build(items[:1])
    fifty, built = _queries_to_build(items)
    assert fifty == one, f"1 item: {one} queries, 50 items: {fifty}"
    # The prefetched build says what a bare record's build says.
    for item in items[:3]:
        assert built[f"item:{item.pk}"] == item_documents(Item.objects.get(pk=item.pk))
    documents = built[f"item:{items[0].pk}"]
    assert [d.kind for d in documents] == ["item", "page", "page", "segment"] * 1 + [
        "segment",
        "segment",
        "index",
    ]
    assert "Person 0" in documents[0].names and "Person 1" in documents[0].names
