"""The files of an Item in its edit view: per-step status, reorder, relabel, replace a master,
process again, the OCR switch, progress of the jobs these start, and who may do any of it."""

from __future__ import annotations

import hashlib
import io
import zipfile

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from media_pipeline import jobs, retry
from media_pipeline.models import FileStatus, FixityCheck, FixityOutcome, ItemFile, Job
from media_pipeline.storage import master_storage
from tests.factories import ItemFactory

from . import samples

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, superuser, media_root):
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(superuser)
    profile.preferred_language = "en"  # messages are asserted in English
    profile.save()
    client.force_login(superuser)
    return client


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """Run a request and the processing it queues (immediate backend), as a worker would."""

    def run(call, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return call(*args, **kwargs)

    return run


def edit_url(item):
    return reverse("wagtailsnippets_collections_item:edit", args=[item.pk])


def step_states(response, item_file):
    rows = {row.file.pk: row for row in response.context["item_files"]}
    return {step.name: step for step in rows[item_file.pk].steps}


@pytest.fixture
def item():
    return ItemFactory(item_type="photograph")


@pytest.fixture
def two_files(item, ingest):
    first = ingest(item, samples.image_bytes("JPEG", size=(60, 40)), "p1.jpg", sequence=1)
    second = ingest(item, samples.image_bytes("PNG", size=(40, 30)), "p2.png", sequence=2)
    return first, second


def test_the_edit_view_lists_files_with_each_steps_status(admin_client, item, two_files):
    first, _second = two_files
    response = admin_client.get(edit_url(item))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="item-files"' in html
    assert "p1.jpg" in html and "p2.png" in html
    assert first.thumbnail_url in html  # the thumbnail the derivatives step made
    states = step_states(response, first)
    assert list(states) == ["fixity", "technical", "derivatives", "iiif", "av", "pdf_text", "ocr"]
    assert {s.state for s in states.values()} == {"done"}


def test_a_failed_step_shows_its_name_and_error_and_the_later_steps_wait(
    admin_client, item, ingest, settings
):
    settings.MEDIA_MAX_IMAGE_PIXELS = 100
    failed = ingest(item, samples.image_bytes("PNG", size=(40, 30)), "big.png")
    assert failed.status == FileStatus.FAILED

    response = admin_client.get(edit_url(item))
    states = step_states(response, failed)
    assert states["fixity"].state == "done"
    assert states["technical"].state == "failed"
    assert "decompression bomb" in states["technical"].error
    assert {states[n].state for n in ("derivatives", "iiif", "ocr")} == {"waiting"}
    html = response.content.decode()
    assert 'data-step="technical" data-state="failed"' in html
    assert "decompression bomb" in html


def test_a_file_being_processed_shows_the_running_step(admin_client, item, two_files):
    first, _ = two_files
    technical = dict(first.technical)
    steps = dict(technical["steps"])
    for name in ("derivatives", "iiif", "av", "pdf_text", "ocr"):
        steps.pop(name)
    technical["steps"] = steps
    # This process is the worker: alive, so not a dead run.
    ItemFile.objects.filter(pk=first.pk).update(
        status=FileStatus.PROCESSING, worker=retry.worker_identity(), technical=technical
    )
    states = step_states(admin_client.get(edit_url(item)), first)
    assert [states[n].state for n in ("technical", "derivatives", "iiif")] == [
        "done",
        "running",
        "waiting",
    ]


def test_order_and_labels_are_saved(admin_client, item, two_files):
    first, second = two_files
    response = admin_client.post(
        reverse("media_pipeline_arrange", args=[item.pk]),
        {
            f"sequence-{first.pk}": "5",
            f"label-{first.pk}": "第二页",
            f"sequence-{second.pk}": "1",
            f"label-{second.pk}": "第一页",
        },
    )
    assert response.status_code == 302
    assert response["Location"].startswith(edit_url(item))
    ordered = list(ItemFile.objects.filter(item=item).order_by("sequence"))
    assert [(f.pk, f.sequence, f.label) for f in ordered] == [
        (second.pk, 1, "第一页"),
        (first.pk, 5, "第二页"),
    ]


def test_a_bad_order_number_saves_nothing(admin_client, item, two_files):
    first, second = two_files
    admin_client.post(
        reverse("media_pipeline_arrange", args=[item.pk]),
        {
            f"sequence-{first.pk}": "3",
            f"label-{first.pk}": "changed",
            f"sequence-{second.pk}": "-1",
            f"label-{second.pk}": "",
        },
    )
    first.refresh_from_db()
    assert (first.sequence, first.label) == (1, "")


def test_moving_a_file_up_swaps_it_with_the_one_before(admin_client, item, two_files):
    first, second = two_files
    response = admin_client.post(
        reverse("media_pipeline_move", args=[second.pk]), {"direction": "up"}
    )
    assert response.status_code == 302
    order = list(
        ItemFile.objects.filter(item=item).order_by("sequence").values_list("pk", flat=True)
    )
    assert order == [second.pk, first.pk]


def test_replacing_a_master_keeps_the_old_one_and_its_fixity_record(
    admin_client, run_on_commit, item, two_files
):
    first, _ = two_files
    old_sha, old_name = first.sha256, first.master_name
    check = FixityCheck.objects.create(
        item_file=first,
        checked_at="2026-01-02T03:04:05Z",
        outcome=FixityOutcome.OK,
        expected_sha256=old_sha,
        actual_sha256=old_sha,
        actual_size=first.size,
    )
    ItemFile.objects.filter(pk=first.pk).update(
        fixity_status=FixityOutcome.OK, fixity_checked_at=check.checked_at, label="第1页"
    )
    new_bytes = samples.image_bytes("PNG", size=(80, 50))

    response = run_on_commit(
        admin_client.post,
        reverse("media_pipeline_replace", args=[first.pk]),
        {"master": SimpleUploadedFile("better-scan.png", new_bytes)},
    )
    assert response.status_code == 302, response.content.decode()[:2000]

    first.refresh_from_db()
    assert first.sha256 == hashlib.sha256(new_bytes).hexdigest()
    assert (first.mime_type, first.original_filename, first.label) == (
        "image/png",
        "better-scan.png",
        "第1页",
    )
    assert first.status == FileStatus.DONE  # every step ran again on the new bytes
    assert first.technical["image"]["width"] == 80
    assert first.technical["steps"]["fixity"]["sha256"] == first.sha256
    old = first.replaced_masters.get()
    assert (old.sha256, old.master, old.fixity_status) == (old_sha, old_name, FixityOutcome.OK)
    assert FixityCheck.objects.filter(pk=check.pk, item_file=first).exists()
    assert master_storage().exists(old_name)  # the old bytes are kept

    job = Job.objects.get()
    assert job.files == [first.pk] and job.item_id == item.pk
    assert f"job={job.pk}" in response["Location"]


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("scan.png", b"<!doctype html><html><body>not an image</body></html>", "was refused"),
        ("scan.png", b"", "is empty"),
    ],
)
def test_a_refused_replacement_keeps_the_old_master(
    admin_client, item, two_files, name, data, reason
):
    first, _ = two_files
    before = (first.sha256, first.master_name, first.status)
    response = admin_client.post(
        reverse("media_pipeline_replace", args=[first.pk]),
        {"master": SimpleUploadedFile(name, data)},
    )
    assert response.status_code == 400
    assert reason in response.content.decode()
    first.refresh_from_db()
    assert (first.sha256, first.master_name, first.status) == before
    assert not first.replaced_masters.exists()


def test_a_replacement_above_the_size_or_pixel_limit_is_refused(
    admin_client, item, two_files, settings
):
    first, _ = two_files
    url = reverse("media_pipeline_replace", args=[first.pk])
    settings.MEDIA_MAX_IMAGE_PIXELS = 1000
    response = admin_client.post(
        url, {"master": SimpleUploadedFile("huge.png", samples.image_bytes("PNG", (100, 100)))}
    )
    assert response.status_code == 400
    assert "decompression bomb" in response.content.decode()

    settings.MEDIA_MAX_FILE_BYTES = 100
    response = admin_client.post(
        url, {"master": SimpleUploadedFile("big.png", samples.image_bytes("PNG", (20, 20)))}
    )
    assert response.status_code == 400
    assert "MEDIA_MAX_FILE_BYTES" in response.content.decode()
    first.refresh_from_db()
    assert not first.replaced_masters.exists() and first.status == FileStatus.DONE


def test_processing_the_failed_step_again(admin_client, run_on_commit, item, ingest, settings):
    settings.MEDIA_MAX_IMAGE_PIXELS = 100
    item_file = ingest(item, samples.image_bytes("PNG", size=(40, 30)), "big.png")
    assert item_file.status == FileStatus.FAILED
    settings.MEDIA_MAX_IMAGE_PIXELS = 10_000

    response = run_on_commit(
        admin_client.post,
        reverse("media_pipeline_process", args=[item_file.pk]),
        {"step": "failed"},
    )
    assert response.status_code == 302
    item_file.refresh_from_db()
    assert item_file.status == FileStatus.DONE
    assert item_file.technical["steps"]["technical"]["status"] == "done"


def test_processing_one_step_again_runs_that_step_only(
    admin_client, run_on_commit, item, two_files
):
    first, _ = two_files
    before = first.technical["steps"]
    run_on_commit(
        admin_client.post,
        reverse("media_pipeline_process", args=[first.pk]),
        {"step": "derivatives"},
    )
    first.refresh_from_db()
    after = first.technical["steps"]
    assert after["derivatives"]["finished_at"] != before["derivatives"]["finished_at"]
    assert after["technical"]["finished_at"] == before["technical"]["finished_at"]


def test_an_unknown_step_is_refused(admin_client, two_files):
    first, _ = two_files
    response = admin_client.post(
        reverse("media_pipeline_process", args=[first.pk]), {"step": "nonsense"}
    )
    assert response.status_code == 404


def test_the_ocr_switch(
    admin_client, run_on_commit, item, two_files, django_capture_on_commit_callbacks
):
    first, _ = two_files
    ocr_before = first.technical["steps"]["ocr"]["finished_at"]
    run_on_commit(admin_client.post, reverse("media_pipeline_ocr", args=[first.pk]), {"ocr": "off"})
    first.refresh_from_db()
    assert first.ocr is False
    assert first.technical["steps"]["ocr"]["finished_at"] != ocr_before  # it ran again

    # On: queued for the OCR step (not run here: recognition is slow and tested in test_ocr.py).
    with django_capture_on_commit_callbacks(execute=False):
        admin_client.post(reverse("media_pipeline_ocr", args=[first.pk]), {"ocr": "on"})
    first.refresh_from_db()
    assert first.ocr is True and first.status == FileStatus.PENDING
    assert "ocr" not in first.technical["steps"]
    response = admin_client.get(edit_url(item))
    assert 'value="on" selected' in response.content.decode()


def test_progress_of_processing_all_files_reports_and_finishes(
    admin_client, item, two_files, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = admin_client.post(
            reverse("media_pipeline_process_all", args=[item.pk]), {"step": ""}
        )
    job = Job.objects.get()
    assert f"job={job.pk}" in response["Location"]
    status = reverse(jobs.STATUS_URL_NAME, args=[job.pk])

    page = admin_client.get(response["Location"]).content.decode()
    assert f'data-job-url="{status}"' in page

    waiting = admin_client.get(status).json()
    assert (waiting["done"], waiting["total"], waiting["finished"]) == (0, 2, False)

    queued[0]()  # a worker processes the first file
    halfway = admin_client.get(status).json()
    assert (halfway["done"], halfway["percent"], halfway["finished"]) == (1, 50, False)

    for callback in queued[1:]:
        callback()
    done = admin_client.get(status).json()
    assert (done["done"], done["percent"], done["state"], done["finished"]) == (
        2,
        100,
        "done",
        True,
    )
    assert "finished" in done["message"]


def test_a_counter_job_moves_through_the_importers_progress_shape(admin_client, superuser):
    job = jobs.start(superuser, "import", "Import of items.csv")
    progress = jobs.job_bar(job)
    bar = progress(40, "writing")
    bar.update(10)
    snapshot = admin_client.get(jobs.status_url(job)).json()
    assert (snapshot["phase"], snapshot["done"], snapshot["total"], snapshot["percent"]) == (
        "writing",
        10,
        40,
        25,
    )
    jobs.finish(job, "Imported 40 items.")
    snapshot = admin_client.get(jobs.status_url(job)).json()
    assert (snapshot["finished"], snapshot["percent"], snapshot["message"]) == (
        True,
        100,
        "Imported 40 items.",
    )


def test_another_users_job_is_not_found(client, superuser, django_user_model):
    job = jobs.start(superuser, "import", "secret import")
    other = django_user_model.objects.create_user("other", password="pw")
    other.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(other)
    assert client.get(jobs.status_url(job)).status_code == 404


@pytest.fixture
def curator(django_user_model):
    """May change items and use the admin, but is not staff: staff-only items are hidden."""
    user = django_user_model.objects.create_user("curator", password="pw")
    for codename in ("access_admin", "change_item", "view_item"):
        user.user_permissions.add(Permission.objects.get(codename=codename))
    return django_user_model.objects.get(pk=user.pk)


def _actions(item, item_file):
    return [
        ("post", reverse("media_pipeline_arrange", args=[item.pk]), {}),
        ("post", reverse("media_pipeline_process_all", args=[item.pk]), {"step": ""}),
        ("post", reverse("media_pipeline_move", args=[item_file.pk]), {"direction": "up"}),
        ("post", reverse("media_pipeline_process", args=[item_file.pk]), {"step": ""}),
        ("post", reverse("media_pipeline_ocr", args=[item_file.pk]), {"ocr": "on"}),
        ("get", reverse("media_pipeline_replace", args=[item_file.pk]), {}),
        (
            "post",
            reverse("media_pipeline_replace", args=[item_file.pk]),
            {"master": SimpleUploadedFile("x.png", samples.image_bytes("PNG", (20, 20)))},
        ),
    ]


def test_actions_on_a_hidden_item_are_not_found_and_change_nothing(
    client, curator, ingest, media_root
):
    hidden = ItemFactory(item_type="photograph", access_level="staff")
    item_file = ingest(hidden, samples.image_bytes("JPEG", size=(30, 20)), "secret.jpg")
    before = ItemFile.objects.values().get(pk=item_file.pk)
    client.force_login(curator)
    for method, url, data in _actions(hidden, item_file):
        response = getattr(client, method)(url, data)
        assert response.status_code == 404, url
    assert ItemFile.objects.values().get(pk=item_file.pk) == before
    assert not Job.objects.exists()


def test_actions_without_the_permission_to_change_items_are_refused(
    client, django_user_model, item, two_files
):
    first, _ = two_files
    viewer = django_user_model.objects.create_user("viewer", password="pw")
    viewer.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(viewer)
    for method, url, data in _actions(item, first):
        response = getattr(client, method)(url, data)
        assert response.status_code in (302, 403), url  # Wagtail's denial: 403, or to the home
        assert response.status_code != 200
    assert not Job.objects.exists()


def test_a_curator_works_on_a_visible_items_files(client, curator, item, two_files):
    first, _ = two_files
    client.force_login(curator)
    response = client.post(
        reverse("media_pipeline_arrange", args=[item.pk]),
        {f"sequence-{first.pk}": "1", f"label-{first.pk}": "封面"},
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.label == "封面"


def test_the_import_screen_follows_its_import_through_a_keyed_job(admin_client, tmp_path):
    """The form carries a key and a bar; the import running in the POST moves and ends the job
    the bar polls by that key."""
    from tests.collections.test_import_support import csv_manifest

    form = admin_client.get(reverse("collections_import")).content.decode()
    assert 'name="job_key"' in form and 'data-job-start="submit"' in form
    key = "k" * 32
    status = jobs.key_status_url(key)
    # Not started yet: "pending", and the bar asks again.
    assert admin_client.get(status).json() == {"state": "pending", "finished": False}

    folder = csv_manifest(tmp_path / "batch")
    content = io.BytesIO()
    with zipfile.ZipFile(content, "w") as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, "batch/" + str(path.relative_to(folder)))
    response = admin_client.post(
        reverse("collections_import"),
        {"manifest": SimpleUploadedFile("batch.zip", content.getvalue()), "job_key": key},
    )
    assert response.status_code == 200
    job = Job.objects.get(key=key)
    snapshot = admin_client.get(status).json()
    assert snapshot["finished"] and snapshot["id"] == job.pk
    assert "batch" in snapshot["message"]
    assert snapshot["phase"]  # the importer's passes named the phases


def test_a_counter_moved_inside_a_transaction_is_seen_before_it_commits(superuser):
    """The importer writes in one transaction: the bar reads the counter the cache mirrors."""
    from django.db import transaction

    job = jobs.start(superuser, "import", "batch")
    with transaction.atomic():
        bar = jobs.job_bar(job)(20, "writing")
        bar.update(5)
        transaction.set_rollback(True)  # as if another connection: the row never changed
    assert Job.objects.get(pk=job.pk).done == 0
    snapshot = jobs.snapshot(Job.objects.get(pk=job.pk))
    assert (snapshot["phase"], snapshot["done"], snapshot["total"]) == ("writing", 5, 20)


def test_the_files_section_costs_the_same_queries_for_many_files(admin_client, item, media_root):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories.files import ItemFileFactory

    def queries_with(count: int) -> int:
        ItemFileFactory.create_batch(count - ItemFile.objects.filter(item=item).count(), item=item)
        with CaptureQueriesContext(connection) as captured:
            assert admin_client.get(edit_url(item)).status_code == 200
        return len(captured)

    assert queries_with(2) == queries_with(30)


def test_a_long_item_lists_its_first_files_and_every_failed_one(admin_client, item, media_root):
    from media_pipeline.admin_item_files import FILES_SHOWN
    from tests.factories.files import ItemFileFactory

    files = ItemFileFactory.create_batch(FILES_SHOWN + 5, item=item, status=FileStatus.DONE)
    ItemFile.objects.filter(pk=files[-1].pk).update(status=FileStatus.FAILED)
    response = admin_client.get(edit_url(item))
    shown = [row.file.pk for row in response.context["item_files"]]
    assert len(shown) == FILES_SHOWN + 1 and shown[-1] == files[-1].pk
    assert "?files=all" in response.content.decode()
    everything = admin_client.get(edit_url(item) + "?files=all").context["item_files"]
    assert len(everything) == FILES_SHOWN + 5
