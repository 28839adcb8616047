"""Long admin jobs: an import, a batch edit (with the search reindex it sets going) and
reprocessing files each record a Job whose progress a bar polls; when the job ends, the curator
who started it is told once (by the bar, or on their next admin page), failures with the reason;
"My jobs" lists each user's own jobs and reloads itself without JavaScript while one runs."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from media_pipeline import jobs
from media_pipeline.admin_progress import KEY_FIELD, MY_JOBS_URL_NAME
from media_pipeline.models import FileStatus, ItemFile, Job, JobState
from search import pending
from search.models import PendingReindex
from tests.collections.test_import_support import MANIFEST, xlsx_manifest
from tests.factories import ItemFactory, SeriesFactory

from . import samples

pytestmark = pytest.mark.django_db

#: Tasks wait in memory: the search reindex runs when the test says (as a worker would later).
QUEUED_ONLY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def curator(django_user_model):
    user = django_user_model.objects.create_user("curator", password="pw")
    for codename in ("access_admin", "add_item", "change_item", "view_item"):
        user.user_permissions.add(Permission.objects.get(codename=codename))
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    return django_user_model.objects.get(pk=user.pk)


@pytest.fixture
def curator_client(client, curator, media_root):
    client.force_login(curator)
    return client


def told(response) -> list[tuple[str, str]]:
    """The admin messages a page shows: (level, text)."""
    return [(m.level_tag, str(m).strip()) for m in get_messages(response.wsgi_request)]


def batch_url(items) -> str:
    base = reverse("wagtail_bulk_action", args=("collections", "item", "batch_edit"))
    return f"{base}?" + "&".join(f"id={item.pk}" for item in items) + "&next=/admin/"


def test_a_batch_edit_is_a_job_until_the_search_index_has_taken_it(
    curator_client, curator, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = QUEUED_ONLY
    series = SeriesFactory()
    items = [ItemFactory(series=series) for _ in range(3)]
    form = curator_client.get(batch_url(items)).content.decode()
    assert f'name="{KEY_FIELD}"' in form and "data-job-start" in form

    with django_capture_on_commit_callbacks(execute=True):
        response = curator_client.post(
            batch_url(items),
            {"action": "set_language", "language": "en", "apply": "1", KEY_FIELD: "k" * 30},
        )
    assert response.status_code == 302
    job = Job.objects.get(kind="batch")
    assert job.user == curator and job.key == "k" * 30
    assert "3 items" in job.label
    # The bar on the form polls by key while the request writes; then the job follows search.
    status = reverse(jobs.KEY_STATUS_URL_NAME, args=[job.key])
    waiting = curator_client.get(status).json()
    assert (waiting["phase"], waiting["done"], waiting["total"]) == (
        "Updating the search index",
        0,
        3,
    )
    assert waiting["finished"] is False and waiting["announce"] is False
    # The page the batch returns to says what changed and links to the job's progress.
    ((_level, text),) = told(curator_client.get(response["Location"]))
    assert "3 of 3 selected records changed" in text and f"#job-{job.pk}" in text

    # A worker reindexes one of the groups, then the rest.
    pending.reindex_groups([f"item:{items[0].pk}"])
    PendingReindex.objects.filter(group_key=f"item:{items[0].pk}").delete()
    one = curator_client.get(status).json()
    assert (one["done"], one["percent"], one["finished"]) == (1, 33, False)
    pending.drain.call()
    done = curator_client.get(status).json()
    assert (done["done"], done["percent"], done["state"]) == (3, 100, "done")
    assert done["announce"] is True and "3 of 3" in done["message"]
    # Told once: the next poll and the next page say nothing more.
    assert curator_client.get(status).json()["announce"] is False
    assert told(curator_client.get("/admin/")) == []


def test_a_batch_that_ended_unwatched_is_told_on_the_next_admin_page(
    curator_client, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = QUEUED_ONLY
    items = [ItemFactory(series=SeriesFactory()) for _ in range(2)]
    with django_capture_on_commit_callbacks(execute=True):
        response = curator_client.post(
            batch_url(items), {"action": "set_language", "language": "en", "apply": "1"}
        )
    assert len(told(curator_client.get(response["Location"]))) == 1  # what the batch changed
    assert told(curator_client.get("/admin/")) == []  # still reindexing: nothing to tell
    pending.drain.call()
    page = curator_client.get("/admin/")
    assert [level for level, _text in told(page)] == ["success"]
    assert "2 of 2 selected records changed" in told(page)[0][1]
    assert told(curator_client.get("/admin/")) == []  # once


def test_a_refused_batch_fails_its_job_with_the_reason(curator_client):
    items = [ItemFactory(series=SeriesFactory()) for _ in range(2)]
    past = (timezone.localdate() - timedelta(days=2)).isoformat()
    response = curator_client.post(
        batch_url(items), {"action": "set_embargo", "embargo_until": past, "apply": "1"}
    )
    assert response.status_code == 200
    job = Job.objects.get(kind="batch")
    assert job.state == JobState.FAILED
    assert "Refused: nothing was changed. 2 records break a rule." in job.message
    page = curator_client.get("/admin/")
    assert told(page) == [("error", job.message)]


def test_a_preview_starts_no_job(curator_client):
    items = [ItemFactory(series=SeriesFactory()) for _ in range(2)]
    curator_client.post(
        batch_url(items), {"action": "set_language", "language": "en", "preview": "1"}
    )
    assert not Job.objects.exists()


def test_an_import_through_the_admin_is_a_job_told_when_done(
    curator_client, curator, tmp_path, django_capture_on_commit_callbacks
):
    workbook = xlsx_manifest(tmp_path / "batch", {"scientists": MANIFEST["scientists"]})
    with django_capture_on_commit_callbacks(execute=True):
        response = curator_client.post(
            "/admin/archive/import/",
            {
                "manifest": SimpleUploadedFile("scientists.xlsx", workbook.read_bytes()),
                KEY_FIELD: "i" * 30,
            },
        )
    assert response.status_code == 200
    job = Job.objects.get(kind="import")
    assert (job.user, job.state, job.done, job.total) == (curator, "done", job.total, job.total)
    assert job.total > 0 and "imported" in job.message
    assert told(curator_client.get("/admin/")) == [("success", job.message)]


def test_reprocessing_files_is_a_job_told_when_the_files_are_done(
    curator_client, ingest, django_capture_on_commit_callbacks
):
    item = ItemFactory(item_type="photograph")
    files = [
        ingest(item, samples.image_bytes("PNG", size=(30 + n, 20)), f"p{n}.png", sequence=n)
        for n in (1, 2)
    ]
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = curator_client.post(
            reverse("media_pipeline_process_all", args=[item.pk]), {"step": "derivatives"}
        )
    assert told(curator_client.get(response["Location"])) == [
        ("success", "2 files were queued for processing.")
    ]
    job = Job.objects.get(kind="files")
    assert job.files == sorted(f.pk for f in files)
    queued[0]()
    assert told(curator_client.get("/admin/")) == []
    for callback in queued[1:]:
        callback()
    assert all(f.status == FileStatus.DONE for f in ItemFile.objects.filter(item=item))
    assert told(curator_client.get("/admin/")) == [("success", f"{job.label}: finished.")]


def test_a_failed_file_fails_the_job_and_says_so(curator_client, curator, ingest):
    item = ItemFactory(item_type="photograph")
    item_file = ingest(item, samples.image_bytes("PNG", size=(30, 20)), "p.png")
    job = jobs.follow_files(curator, "Processing p.png again", [item_file.pk], item=item)
    ItemFile.objects.filter(pk=item_file.pk).update(
        status=FileStatus.FAILED, error="thumbnail: broken", updated_at=timezone.now()
    )
    page = curator_client.get("/admin/")
    assert told(page) == [("error", "Processing p.png again: finished, 1 file failed.")]
    job.refresh_from_db()
    assert job.state == JobState.FAILED and job.notified


def test_my_jobs_lists_only_the_users_own_and_refreshes_without_javascript(
    curator_client, curator, superuser
):
    mine = jobs.start(curator, "import", "my import of letters.csv", total=10)
    jobs.advance(mine, 4)
    jobs.start(superuser, "import", "someone else's import")
    page = curator_client.get(reverse(MY_JOBS_URL_NAME))
    html = page.content.decode()
    assert "my import of letters.csv" in html and "someone else" not in html
    assert 'value="40"' in html  # the bar drawn by the server: 4 of 10
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in html
    assert f'data-job-url="{jobs.status_url(mine)}"' in html

    jobs.finish(mine, "Imported 10 letters.")
    html = curator_client.get(reverse(MY_JOBS_URL_NAME)).content.decode()
    assert "http-equiv" not in html and "Imported 10 letters." in html


def test_the_dashboard_shows_the_users_jobs(curator_client, curator):
    jobs.start(curator, "import", "import of photographs.csv", total=5)
    html = curator_client.get("/admin/").content.decode()
    assert "import of photographs.csv" in html and reverse(MY_JOBS_URL_NAME) in html


def test_a_counter_job_whose_process_died_is_failed_and_told(curator_client, curator):
    job = jobs.start(curator, "import", "import that died")
    stale = timezone.now() - timedelta(seconds=jobs.STALE_SECONDS + 60)
    Job.objects.filter(pk=job.pk).update(updated_at=stale)
    assert told(curator_client.get("/admin/")) == [
        ("error", "import that died: stopped without finishing.")
    ]


def test_a_running_counter_job_is_not_told(curator_client, curator):
    jobs.start(curator, "import", "import still running")
    assert told(curator_client.get("/admin/")) == []
