"""Curators' and operators' actions: each resets the file's status and queues it after commit."""

from __future__ import annotations

import datetime
from functools import partial

import pytest
from django.utils import timezone

from media_pipeline import actions
from media_pipeline.models import FileStatus, ItemFile
from tests.factories import ItemFactory

from . import samples

pytestmark = pytest.mark.django_db


def _enqueued(callbacks) -> list:
    """The on-commit callbacks that queue processing (other apps may add their own)."""
    return [c for c in callbacks if isinstance(c, partial) and c.func.__name__ == "enqueue"]


@pytest.fixture
def failed(ingest):
    item_file = ingest(ItemFactory(), samples.image_bytes("JPEG"), "a.jpg")
    ItemFile.objects.filter(pk=item_file.pk).update(
        status=FileStatus.FAILED,
        error="Step “derivatives” failed: broken",
        worker="host:1",
        next_attempt_at=timezone.now() + datetime.timedelta(hours=1),
    )
    return item_file


def test_requeue_resets_the_status_and_enqueues_after_commit(
    failed, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as queued:
        assert actions.requeue([failed.pk], reason="Requeued after failing.") == 1
    failed.refresh_from_db()
    assert (failed.status, failed.error, failed.worker, failed.next_attempt_at) == (
        FileStatus.PENDING,
        "Requeued after failing.",
        "",
        None,
    )
    assert len(_enqueued(queued)) == 1
    _enqueued(queued)[0]()  # the immediate backend processes the file now
    failed.refresh_from_db()
    assert (failed.status, failed.error) == (FileStatus.DONE, "")


def test_requeue_of_nothing_queues_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as queued:
        assert actions.requeue([], reason="none") == 0
    assert _enqueued(queued) == []


def test_retry_queues_a_failed_file_with_its_message_cleared(
    failed, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as queued:
        actions.retry(failed)
    failed.refresh_from_db()
    assert (failed.status, failed.error) == (FileStatus.PENDING, "")
    assert len(_enqueued(queued)) == 1


def test_reprocess_forgets_only_the_named_steps(ingest, django_capture_on_commit_callbacks):
    item_file = ingest(ItemFactory(), samples.image_bytes("JPEG"), "a.jpg")
    before = item_file.technical["steps"]
    with django_capture_on_commit_callbacks() as queued:
        actions.reprocess([item_file.pk], steps=["derivatives"])
    item_file.refresh_from_db()
    assert item_file.status == FileStatus.PENDING
    assert "derivatives" not in item_file.technical["steps"]
    assert item_file.technical["steps"]["fixity"] == before["fixity"]
    _enqueued(queued)[0]()
    item_file.refresh_from_db()
    after = item_file.technical["steps"]
    assert after["derivatives"]["finished_at"] != before["derivatives"]["finished_at"]
    assert after["technical"] == before["technical"]


def test_reprocess_leaves_a_file_being_processed_to_its_worker(
    ingest, django_capture_on_commit_callbacks
):
    item_file = ingest(ItemFactory(), samples.image_bytes("JPEG"), "a.jpg")
    ItemFile.objects.filter(pk=item_file.pk).update(status=FileStatus.PROCESSING, worker="h:1")
    with django_capture_on_commit_callbacks() as queued:
        actions.reprocess([item_file.pk])
    item_file.refresh_from_db()
    assert (item_file.status, item_file.worker) == (FileStatus.PROCESSING, "h:1")
    assert item_file.technical["steps"] == {}
    assert len(_enqueued(queued)) == 1


def test_switching_ocr_resets_its_step_and_enqueues(ingest, django_capture_on_commit_callbacks):
    item_file = ingest(ItemFactory(item_type="photograph"), samples.image_bytes(), "p.jpg")
    assert item_file.technical["ocr"]["status"] == "skipped"
    with django_capture_on_commit_callbacks() as queued:
        actions.set_ocr(item_file, False)
    assert item_file.ocr is False
    assert item_file.status == FileStatus.PENDING
    assert "ocr" not in item_file.technical["steps"]
    assert len(_enqueued(queued)) == 1
    _enqueued(queued)[0]()
    item_file.refresh_from_db()
    assert item_file.technical["ocr"]["reason"] == "OCR is switched off for this file."
