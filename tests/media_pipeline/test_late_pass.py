"""OCR is a late step: a file's first task makes its thumbnails and tiles and queues the reading
behind the other files' first passes, so a batch shows every thumbnail before any page is read."""

import io

import pytest
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from archive_collections.models.choices import ItemType
from media_pipeline.ingest import ingest_fileobj
from media_pipeline.models import FileStatus
from media_pipeline.tasks import LATE_PRIORITY, process_item_file
from tests.factories import ItemFactory

from . import samples

pytestmark = pytest.mark.django_db(transaction=False)

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@override_settings(TASKS=DATABASE_TASKS)
def test_the_first_pass_leaves_reading_to_a_later_lower_priority_task(
    media_root, settings, django_capture_on_commit_callbacks
):
    settings.MEDIA_OCR_ITEM_TYPES = ["manuscript"]
    item = ItemFactory(item_type=ItemType.MANUSCRIPT)  # read automatically
    with django_capture_on_commit_callbacks(execute=True):
        files = [
            ingest_fileobj(
                item, io.BytesIO(samples.image_bytes("PNG", size=(300 + n, 400))), f"p{n}.png"
            )
            for n in (1, 2)
        ]
    queue = DBTaskResult.objects.filter(task_path=process_item_file.module_path)
    first_passes = list(queue.order_by("enqueued_at"))
    assert [row.args_kwargs["args"] for row in first_passes] == [[f.pk] for f in files]

    with django_capture_on_commit_callbacks(execute=True):
        outcome = process_item_file.call(files[0].pk)
    assert outcome == "later"
    files[0].refresh_from_db()
    steps = files[0].technical["steps"]
    assert steps["derivatives"]["status"] == "done" and steps["iiif"]["status"] == "done"
    assert "ocr" not in steps
    assert files[0].status == FileStatus.PENDING  # not done until it is read
    assert files[0].thumbnail_url
    late = queue.exclude(pk__in=[r.pk for r in first_passes]).get()
    assert late.args_kwargs["args"] == [files[0].pk, True]
    assert late.priority == LATE_PRIORITY
    # The worker takes the other file's first pass before the late reading of the first (the
    # row of the first pass run here by hand is the worker's to close: removed).
    first_passes[0].delete()
    ready = list(queue.ready().values_list("args_kwargs", flat=True))
    assert ready[0]["args"] == [files[1].pk] and ready[-1]["args"] == [files[0].pk, True]
