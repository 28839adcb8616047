"""The files section of the Item edit view in Chromium: steps done, failed and running, a
progress bar that moves when the followed file finishes, and the admin message it then shows."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from django.utils import timezone

from media_pipeline import jobs, retry
from media_pipeline.ingest import ingest_fileobj
from media_pipeline.models import FileStatus, ItemFile
from tests.browser.shots import keep
from tests.factories import ItemFactory
from tests.media_pipeline import samples
from tests.media_pipeline.conftest import media_root  # noqa: F401 (per-test storages, shared)

pytestmark = pytest.mark.browser

#: The environment variable naming where screenshots are copied for the issue's closing note.
SHOTS = "ADMIN_FILES_SHOTS_DIR"


def _ingest(item, data: bytes, name: str, sequence: int, label: str) -> ItemFile:
    # Outside a transaction: processing runs at once (immediate task backend).
    item_file = ingest_fileobj(item, io.BytesIO(data), name, sequence=sequence, label=label)
    item_file.refresh_from_db()
    return item_file


def _mark_running(item_file: ItemFile) -> None:
    """As a live worker (this process) leaves a file between two steps."""
    technical = dict(item_file.technical)
    steps = dict(technical["steps"])
    for name in ("derivatives", "iiif", "av", "pdf_text", "ocr"):
        steps.pop(name, None)
    technical["steps"] = steps
    ItemFile.objects.filter(pk=item_file.pk).update(
        status=FileStatus.PROCESSING,
        worker=retry.worker_identity(),
        technical=technical,
        updated_at=timezone.now(),
    )


def test_files_with_step_states_and_a_progress_bar(
    page,
    live_site,
    live_url,
    login,
    superuser,
    screenshot,
    settings,
    media_root,  # noqa: F811
):
    item = ItemFactory(item_type="photograph", title="钱学森致友人信（附照片）")
    _ingest(item, samples.image_bytes("JPEG", size=(600, 400)), "p1.jpg", 1, "第1页")
    settings.MEDIA_MAX_IMAGE_PIXELS = 1000
    failed = _ingest(item, samples.image_bytes("PNG", size=(300, 200)), "p2.png", 2, "第2页")
    settings.MEDIA_MAX_IMAGE_PIXELS = 200_000_000
    running = _ingest(item, samples.image_bytes("JPEG", size=(400, 600)), "p3.jpg", 3, "第3页")
    assert failed.status == FileStatus.FAILED
    finished_technical = running.technical
    _mark_running(running)
    job = jobs.follow_files(superuser, "重新处理“p3.jpg”", [running.pk], item=item)

    login(page, superuser)
    page.goto(live_url(reverse("wagtailsnippets_collections_item:edit", args=[item.pk])))
    section = page.locator("#item-files")
    assert section.locator("tr.item-file").count() == 3
    assert section.locator('[data-step="technical"][data-state="failed"]').count() == 1
    assert section.locator('[data-step="derivatives"][data-state="running"]').count() == 1
    assert "decompression bomb" in section.inner_text() or "解压炸弹" in section.inner_text()
    bar = page.locator(f'[data-job-url="{jobs.status_url(job)}"] progress')
    assert bar.get_attribute("value") == "0"
    page.set_viewport_size({"width": 1366, "height": 1500})
    keep(SHOTS, screenshot(page, "files-running-failed"), "files-item-edit.png")

    # The worker finishes the file: the bar fills and the admin shows the job's message.
    ItemFile.objects.filter(pk=running.pk).update(
        status=FileStatus.DONE, worker="", technical=finished_technical, updated_at=timezone.now()
    )
    page.wait_for_function(
        "() => document.querySelector('[data-job-url] progress').value === 100", timeout=10_000
    )
    message = page.locator(".messages li", has_text="p3.jpg")
    message.wait_for(timeout=5_000)
    # The file's row is read again: its steps are all done now, the inputs untouched.
    row = page.locator(f'tr.item-file[data-file="{running.pk}"]')
    row.locator('[data-step="derivatives"][data-state="done"]').wait_for(timeout=5_000)
    keep(SHOTS, screenshot(page, "files-progress-done"), "files-progress-done.png")
    assert page.problems == []


def test_a_refused_replacement_shows_why(
    page,
    live_site,
    live_url,
    login,
    superuser,
    screenshot,
    media_root,  # noqa: F811
):
    item = ItemFactory(item_type="photograph")
    item_file = _ingest(item, samples.image_bytes("JPEG", size=(300, 200)), "p1.jpg", 1, "")
    fake = media_root / "scan.png"
    fake.write_bytes(b"<!doctype html><html><body>not a scan</body></html>")

    login(page, superuser)
    page.goto(live_url(reverse("media_pipeline_replace", args=[item_file.pk])))
    page.set_input_files("input[type=file]", str(fake))
    page.locator("form[enctype] button[type=submit]").click()
    refusal = page.locator(".replace-refused")
    refusal.wait_for()
    assert "scan.png" in refusal.inner_text()
    keep(SHOTS, screenshot(page, "files-replace-refused"), "files-replace-refused.png")
    item_file.refresh_from_db()
    assert not item_file.replaced_masters.exists()
