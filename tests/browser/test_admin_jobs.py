"""A long job in Chromium: a batch edit applied from its screen, its message linking to "My jobs",
where the bar moves (without a reload) as a worker reindexes the changed items, and the admin
message that the job has ended; the dashboard lists the job too."""

from __future__ import annotations

import pytest
from django.urls import reverse

from media_pipeline.models import Job
from search import pending
from search.models import PendingReindex
from tests.browser.shots import keep
from tests.factories import ItemFactory, SeriesFactory

pytestmark = pytest.mark.browser

#: The environment variable naming where screenshots are copied for the issue's closing note.
SHOTS = "ADMIN_JOBS_SHOTS_DIR"
#: Tasks wait in memory: the search reindex runs when the test says, as a worker would.
QUEUED_ONLY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def _bar_value(page) -> float:
    return page.evaluate("() => document.querySelector('.my-jobs [data-job-url] progress').value")


def test_a_batch_edit_job_bar_moves_and_tells_when_done(
    page, live_site, live_url, login, superuser, screenshot, settings
):
    settings.TASKS = QUEUED_ONLY
    series = SeriesFactory(identifier="QXS-S1", fonds__identifier="QXS")
    items = [
        ItemFactory(series=series, identifier=f"QXS-{n:04d}", title=f"钱学森家书第{n + 1}封")
        for n in range(4)
    ]
    selection = "&".join(f"id={item.pk}" for item in items)
    batch = reverse("wagtail_bulk_action", args=("collections", "item", "batch_edit"))

    login(page, superuser)
    page.goto(live_url(f"{batch}?{selection}&next=/admin/"))
    page.select_option("select[name=action]", "set_language")
    page.select_option("select[name=language]", "en")
    page.locator("button[name=apply]").click()
    page.wait_for_url("**/admin/")
    message = page.locator(".messages li", has_text="4")
    message.wait_for()
    keep(SHOTS, screenshot(page, "batch-applied", full_page=False), "B-batch-applied.png")
    job = Job.objects.get(kind="batch")
    assert PendingReindex.objects.filter(queued=True).count() >= 4  # the worker has not run

    # The message's button opens "My jobs": the search index is still being updated.
    message.locator("a.button").click()
    page.wait_for_url("**/admin/media/jobs/**")
    row = page.locator(f"#job-{job.pk}")
    row.locator("[data-job-count]", has_text="0 / 4").wait_for()
    keep(SHOTS, screenshot(page, "job-waiting"), "B-job-waiting.png")

    # A worker reindexes two of the four items: the bar moves to half without a reload.
    page.evaluate("() => { window.notReloaded = true; }")
    for item in items[:2]:
        pending.reindex_groups([f"item:{item.pk}"])
        PendingReindex.objects.filter(group_key=f"item:{item.pk}").delete()
    page.wait_for_function(
        "() => document.querySelector('.my-jobs [data-job-url] progress').value === 50",
        timeout=10_000,
    )
    assert page.evaluate("() => window.notReloaded") is True
    keep(SHOTS, screenshot(page, "job-halfway"), "B-job-halfway.png")

    # The worker takes the rest: the bar fills and the admin says the job has ended, once.
    pending.drain.call()
    page.wait_for_function(
        "() => document.querySelector('.my-jobs [data-job-url] progress').value === 100",
        timeout=10_000,
    )
    page.locator(".messages li", has_text="4").wait_for(timeout=5_000)
    assert _bar_value(page) == 100
    keep(SHOTS, screenshot(page, "job-done"), "B-job-done.png")
    job.refresh_from_db()
    assert job.state == "done" and job.notified

    page.goto(live_url("/admin/"))
    panel = page.locator(".my-jobs-panel")
    assert job.label in panel.inner_text()
    assert page.locator(".messages li").count() == 0  # told once, on the jobs page
    keep(SHOTS, screenshot(page, "dashboard-panel"), "B-dashboard-panel.png")
    # Polls in flight when a page is left are aborted by the browser.
    assert [p for p in page.problems if "ERR_ABORTED" not in p] == []
