"""The reindex policy: a burst of changes to one item is one reindex of it, fan-out reaches every
group showing a changed record, and a change made while a drain runs is not lost.

Each test commits its writes through django_capture_on_commit_callbacks(execute=True): one
`with` block is one committed transaction, so a loop of them is an autocommit burst."""

from __future__ import annotations

from collections import Counter
from unittest import mock

import pytest
from django.db.models.deletion import Collector
from django_tasks.signals import task_enqueued

from archive_collections import signals as catalogue_signals
from archive_collections.models import Fonds, Item
from media_pipeline import signals as pipeline_signals
from media_pipeline.models import FileStatus, ItemFile, PageText
from search import pending
from search.models import IndexedDocument, PendingReindex
from tests.factories import (
    ChapterPageFactory,
    FondsFactory,
    ItemFactory,
    ScientistFactory,
    SeriesFactory,
)

pytestmark = pytest.mark.django_db

PAGES = 300
DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


class Recorder:
    """Reindex tasks enqueued (by task name) and groups actually reindexed (per group)."""

    def __init__(self) -> None:
        self.tasks: Counter[str] = Counter()
        self.groups: Counter[str] = Counter()

    def enqueued(self, sender, task_result, **kwargs) -> None:
        if task_result.task.func.__module__.startswith("search."):
            self.tasks[task_result.task.name] += 1

    def reindexed(self, keys) -> int:
        keys = list(keys)
        self.groups.update(keys)
        return real_reindex_groups(keys)


real_reindex_groups = pending.reindex_groups


@pytest.fixture
def record():
    recorder = Recorder()
    task_enqueued.connect(recorder.enqueued, dispatch_uid="test-reindex-policy")
    with mock.patch.object(pending, "reindex_groups", side_effect=recorder.reindexed):
        yield recorder
    task_enqueued.disconnect(dispatch_uid="test-reindex-policy")


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """`with commit():` — the block's writes are one committed transaction."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def pdf(commit):
    with commit():
        item = ItemFactory(identifier="OCR-1", title="三百页的手稿", item_type="manuscript")
        item_file = ItemFile.objects.create(
            item=item,
            sequence=1,
            master="m/ocr.pdf",
            original_filename="ocr.pdf",
            sha256="d" * 64,
            size=10,
            mime_type="application/pdf",
        )
    return item_file


def page(item_file: ItemFile, number: int) -> PageText:
    return PageText(
        item_file=item_file,
        page_number=number,
        text=f"第{number}页 控制论",
        source="ocr",
        engine="test",
        width=100,
        height=100,
        lines=[],
    )


def processing(item_file: ItemFile) -> None:
    """What the pipeline does when it claims a file: update(), which sends no signal."""
    ItemFile.objects.filter(pk=item_file.pk).update(status=FileStatus.PROCESSING)


def finish(item_file: ItemFile) -> None:
    ItemFile.objects.filter(pk=item_file.pk).update(status=FileStatus.DONE)
    pipeline_signals.file_processed.send(
        sender=ItemFile, item_file_id=item_file.pk, item_id=item_file.item_id, status="done"
    )


def page_documents(item_file: ItemFile) -> int:
    return IndexedDocument.objects.filter(doc_id__startswith=f"page:{item_file.pk}:").count()


# --- the finding, reproduced: without coalescing, each page saved is a whole-item reindex ------


def test_uncoalesced_ocr_burst_reindexes_the_item_once_per_page(settings, pdf, commit, record):
    settings.SEARCH_REINDEX_COALESCE = False
    processing(pdf)
    for number in range(1, 21):
        with commit():
            page(pdf, number).save()
    assert record.tasks["reindex"] == 20
    assert record.groups[f"item:{pdf.item_id}"] == 20


# --- one reindex per item per burst ---------------------------------------------------------


def test_ocr_burst_of_300_page_saves_is_one_reindex(pdf, commit, record):
    processing(pdf)
    for number in range(1, PAGES + 1):
        with commit():  # OCR stores each page as soon as it is read
            page(pdf, number).save()
    assert record.tasks == Counter()  # held while the file is being processed
    assert page_documents(pdf) == 0
    with commit():
        finish(pdf)
    assert record.tasks == Counter({"drain": 1})
    assert record.groups == Counter({f"item:{pdf.item_id}": 1})
    assert page_documents(pdf) == PAGES
    assert not PendingReindex.objects.exists()


def test_page_texts_replaced_for_300_pages_is_one_reindex(pdf, commit, record):
    processing(pdf)
    with commit():
        PageText.objects.bulk_create(page(pdf, n) for n in range(1, PAGES + 1))
        pipeline_signals.page_texts_replaced.send(
            sender=ItemFile, item_file_id=pdf.pk, item_id=pdf.item_id
        )
    with commit():
        finish(pdf)
    assert record.tasks == Counter({"drain": 1})
    assert record.groups == Counter({f"item:{pdf.item_id}": 1})
    assert page_documents(pdf) == PAGES


def test_page_texts_replaced_outside_the_pipeline_reindexes_at_once(pdf, commit, record):
    with commit():
        PageText.objects.bulk_create(page(pdf, n) for n in range(1, 4))
        pipeline_signals.page_texts_replaced.send(
            sender=ItemFile, item_file_id=pdf.pk, item_id=pdf.item_id
        )
    assert record.groups == Counter({f"item:{pdf.item_id}": 1})
    assert page_documents(pdf) == 3


def test_page_saves_in_separate_commits_queue_one_drain(settings, pdf, commit, record):
    """Not in the pipeline (a script correcting pages one by one): while the drain waits for a
    worker, every further save only touches the group's row."""
    settings.TASKS = DUMMY_TASKS
    for number in range(1, 51):
        with commit():
            page(pdf, number).save()
    assert record.tasks == Counter({"drain": 1})
    assert list(PendingReindex.objects.values_list("group_key", flat=True)) == [
        f"item:{pdf.item_id}"
    ]
    assert pending.drain.call() == 1
    assert record.groups == Counter({f"item:{pdf.item_id}": 1})
    assert page_documents(pdf) == 50


def test_catalogue_burst_reindexes_each_item_once(settings, commit, record):
    settings.TASKS = DUMMY_TASKS
    scientist = ScientistFactory(name="郭永怀")
    fonds = FondsFactory(title="郭永怀资料", scientist=scientist)
    series = SeriesFactory(fonds=fonds)
    items = ItemFactory.create_batch(60, series=series)
    for item in items[:20]:
        item.scientists.add(scientist)
    PendingReindex.objects.all().delete()  # what the factories' saves asked for
    pks = [item.pk for item in items]
    # An import's commits: rows in chunks, then the containers and the scientist they touched.
    for start in range(0, len(pks), 15):
        with commit():
            catalogue_signals.catalogue_changed.send(
                sender=Item, items=pks[start : start + 15], scientists=(), fonds=(), series=()
            )
    with commit():
        catalogue_signals.catalogue_changed.send(
            sender=Item, items=(), scientists=[scientist.pk], fonds=[fonds.pk], series=[series.pk]
        )
    assert record.tasks == Counter({"drain": 1})
    pending.drain.call()
    expected = {f"item:{pk}": 1 for pk in pks} | {f"scientist:{scientist.pk}": 1}
    assert record.groups == Counter(expected)


def test_fonds_retitle_reaches_its_items(commit, record):
    with commit():
        fonds = FondsFactory(title="旧题名")
        series = SeriesFactory(fonds=fonds)
        items = ItemFactory.create_batch(3, series=series)
    record.groups.clear()
    with commit():
        fonds.title = "钱学森手稿全宗"
        fonds.save()
    assert record.groups == Counter({f"item:{item.pk}": 1 for item in items})
    for item in items:
        data = IndexedDocument.objects.get(doc_id=f"item:{item.pk}").data
        assert "钱学森手稿全宗" in data["body"]


def test_bulk_fonds_retitle_announced_by_the_catalogue_reaches_its_items(commit, record):
    with commit():
        fonds = FondsFactory(title="旧题名")
        item = ItemFactory(series=SeriesFactory(fonds=fonds))
    with commit():
        Fonds.objects.filter(pk=fonds.pk).update(title="郭永怀书信全宗")  # no model signal
        catalogue_signals.catalogue_changed.send(sender=Fonds, fonds=[fonds.pk])
    data = IndexedDocument.objects.get(doc_id=f"item:{item.pk}").data
    assert "郭永怀书信全宗" in data["body"]


def test_a_change_committed_during_a_drain_is_reindexed_after_it(settings, commit):
    settings.TASKS = DUMMY_TASKS
    with commit():
        item = ItemFactory(title="第一稿")
    key = f"item:{item.pk}"
    PendingReindex.objects.exclude(group_key=key).delete()  # its fonds's scientist
    built_titles: list[str] = []
    real_documents = pending.documents_for_groups

    def documents_then_another_commit(keys):
        built = real_documents(keys)
        built_titles.append(built[key][0].title)
        if len(built_titles) == 1:
            # Another process commits a retitle after the drain read the item, and requests
            # the group as its on-commit hook would.
            Item.objects.filter(pk=item.pk).update(title="第二稿")
            pending._dispatch({key: False})
        return built

    with mock.patch.object(pending, "documents_for_groups", documents_then_another_commit):
        assert pending.drain.call() == 2
    assert built_titles == ["第一稿", "第二稿"]
    assert IndexedDocument.objects.get(doc_id=key).data["title"] == "第二稿"
    assert not PendingReindex.objects.exists()


def test_a_held_file_is_not_drained_by_another_groups_drain(pdf, commit, record):
    with commit():
        other = ItemFactory()
    record.groups.clear()
    processing(pdf)
    with commit():
        page(pdf, 1).save()
    with commit():
        other.title = "另一件"
        other.save()
    assert record.groups == Counter({f"item:{other.pk}": 1})
    assert PendingReindex.objects.get().group_key == f"item:{pdf.item_id}"
    with commit():
        finish(pdf)
    assert record.groups[f"item:{pdf.item_id}"] == 1
    assert page_documents(pdf) == 1


def test_deleting_a_file_being_processed_releases_its_item(pdf, commit, record):
    processing(pdf)
    with commit():
        page(pdf, 1).save()
    with commit():
        ItemFile.objects.get(pk=pdf.pk).delete()
    assert record.groups == Counter({f"item:{pdf.item_id}": 1})
    assert not PendingReindex.objects.exists()


# --- deletions: pages are heard, everything else deletes in one statement ----------------------


def test_a_deleted_exhibit_page_is_reindexed_out(commit, record):
    chapter = ChapterPageFactory()
    pk = chapter.pk
    with commit():
        chapter.delete()
    assert record.groups[f"exhibit:{pk}"] == 1


def test_deleting_unrelated_rows_stays_one_statement():
    """Search listens to page deletions by page class, not to every model's: a receiver for
    every sender would turn each QuerySet.delete() into a select plus a signal per row."""
    collector = Collector(using="default")
    assert collector.can_fast_delete(PendingReindex.objects.all())
    assert collector.can_fast_delete(IndexedDocument.objects.all())
