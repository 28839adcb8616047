"""Suite-wide fixtures and the run's plumbing.

- The test database is a copy of a template migrated once (tests/db_template.py), per process,
  so pytest-xdist workers never migrate.
- Under pytest-xdist each worker gets its own Redis database number, so one worker's FLUSHDB
  never empties another's queue (Elasticsearch indices and S3 buckets are already named per
  process).
- After a transactional test has flushed every table, the next test that runs in a transaction
  gets the freshly migrated database back (the rows data migrations made: groups, the site).
- Markers for the layers of the suite are given here from one table (``LAYERS``) as well as in
  the modules, so ``make test-fast`` can select the unit layer: see ``pytest --markers``. Every
  test that opens the database is marked ``database``: only those run again on PostgreSQL.
- Users at each access level.
"""

from __future__ import annotations

import os
from collections.abc import Generator, Iterator
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType

from tests.db_template import TestDatabase, setup_test_database
from tests.scheduling import GroupScheduling, under

TESTS_DIR = Path(__file__).absolute().parent
# Where a test sits (a folder, a module or a test, relative to tests/) -> the markers it gets. A
# test that needs a service or a browser, runs OCR, or takes seconds is listed here or carries
# the marker itself; `make test-fast` leaves all of them out.
LAYERS: dict[str, tuple[str, ...]] = {
    "browser": ("browser",),
    # Query-count tests build a larger archive on purpose, to show the count does not grow.
    "collections/test_views.py::test_query_count_does_not_grow_with_the_archive": ("slow",),
    "collections/test_import_happy.py::test_csv_folder_imports_every_kind": ("slow",),
    "collections/test_import_admin.py::test_xlsx_upload_imports": ("slow",),
    "exhibits/test_blocks.py::test_query_count_does_not_grow_with_embeds": ("slow",),
    "collections/test_admin_tree.py::test_tree_page_query_count_does_not_grow_with_the_archive": (
        "slow",
    ),
    # Renders Wagtail's edit form of every record type in turn.
    "collections/test_admin_forms.py::test_edit_forms_render_for_every_record_type": ("slow",),
    # Load the whole demo (its media included), once or twice.
    "exhibits/test_curator_workflow.py::"
    "test_demo_exhibition_keeps_its_credit_when_a_curator_republishes": ("slow",),
    "exhibits/test_demo_loader.py::test_demo_loads_twice_without_changes": ("slow",),
    "exhibits/test_demo_loader.py::test_a_curators_edits_survive_a_reload": ("slow",),
    "fixtures": ("slow",),  # generates the demo's speech, video and scans, then loads them
    # Every image format through the whole pipeline, tiles included.
    "media_pipeline/test_imaging.py::test_each_format_gets_derivatives_and_tiles": ("slow",),
    "media_pipeline/test_av.py": ("slow",),  # ffmpeg transcodes real audio and video
    # Recordings through the whole pipeline: ffprobe and ffmpeg run for each.
    "media_pipeline/test_ingest.py::test_same_bytes_for_two_items_share_the_master": ("slow",),
    "media_pipeline/test_iiif.py::test_audio_canvas_has_the_recordings_duration_and_index_ranges": (
        "slow",
    ),
    "media_pipeline/test_iiif_manifest_fields.py::"
    "test_interview_transcript_is_supplementing_annotations_on_the_recording": ("slow",),
    "media_pipeline/test_iiif_manifest_fields.py::"
    "test_an_interview_without_transcript_has_no_transcript_page": ("slow",),
    "media_pipeline/test_s3_storage.py::test_video_poster_and_web_copy_on_both_storages": ("slow",),
    "media_pipeline/test_s3_storage.py::"
    "test_audio_web_copy_is_made_from_the_stored_master_and_seekable": ("slow",),
    "media_pipeline/test_tasks.py::test_audio_duration_from_ffprobe": ("slow",),
    # A 2400-pixel image through every step (its size is what the test checks), and a PDF
    # through the database backend's worker command.
    "media_pipeline/test_tasks.py::test_image_is_processed_to_done_with_metadata_and_derivatives": (
        "slow",
    ),
    "media_pipeline/test_tasks.py::test_database_backend_worker_processes_the_queue": ("slow",),
    "media_pipeline/test_ocr.py": ("ocr", "slow"),
    "media_pipeline/test_pdf.py::test_scanned_page_without_text_layer_is_rendered_and_ocrd": (
        "ocr",
    ),
    "media_pipeline/test_s3_storage.py::test_range_requests_on_the_master": ("slow",),  # 40 pages
    (
        "media_pipeline/test_worker.py::"
        "test_worker_killed_mid_step_leaves_the_file_retryable_never_done"
    ): ("slow",),  # a real db_worker process
    "media_pipeline/test_worker_redis.py": ("redis", "slow"),
    "search/test_elasticsearch.py": ("elasticsearch",),
    # 300 page saves or 60 new items each, to show a burst costs one reindex per record.
    "search/test_reindex_policy.py::test_ocr_burst_of_300_page_saves_is_one_reindex": ("slow",),
    "search/test_reindex_policy.py::test_catalogue_burst_reindexes_each_item_once": ("slow",),
    "search/test_reindex_policy.py::test_uncoalesced_ocr_burst_reindexes_the_item_once_per_page": (
        "slow",
    ),
    "search/test_wagtail_admin_search.py": ("elasticsearch",),
    "test_settings.py::test_production_passes_the_deploy_check": ("slow",),
    # A query-count test too: it builds pages of items of two lengths.
    "web/test_sitemaps.py::test_a_page_of_items_costs_the_same_queries_whatever_its_length": (
        "slow",
    ),
    "test_settings.py::test_s3_storage_is_switched_on_by_the_environment": ("slow",),
    # Each builds a demo-shaped archive through the save signals that keep OAI state (1-2 s of
    # CPU a test); the protocol's error handling (oai/test_errors.py) stays in the unit layer.
    "oai/test_changes.py": ("slow",),
    "oai/test_verbs.py": ("slow",),
    "oai/test_sets.py": ("slow",),
    "oai/test_schema.py": ("slow",),
}
# Fixtures whose use puts a test outside the unit layer, and the marker that says why.
FIXTURE_MARKERS = {
    "live_server": "browser",
    "elasticsearch_url": "elasticsearch",
    "redis_url": "redis",
}
# (fixture, parameter) -> marker, for fixtures that run once per storage or engine.
PARAM_MARKERS = {("stored", "s3"): "s3", ("engine", "elasticsearch"): "elasticsearch"}
# Under pytest-xdist (--dist loadgroup) the tests of a group run on one worker, so a session
# fixture they share is built once per run instead of once per worker (tests/scheduling.py).
XDIST_GROUPS = {"fixtures": "demo-media"}


def _permission(codename: str) -> Permission:
    found = Permission.objects.filter(codename=codename).first()
    if found is None:
        # A live-server test before this one on the worker flushed the database, permissions
        # too: make them again the way migrate does.
        ContentType.objects.clear_cache()  # its cached rows were flushed with the rest
        for config in django_apps.get_app_configs():
            create_permissions(config, verbosity=0)
        found = Permission.objects.filter(codename=codename).first()
    if found is None:  # a permission of a model's Meta.permissions that the flush left out
        model = next(m for m in django_apps.get_models() if codename in dict(m._meta.permissions))
        found, _created = Permission.objects.get_or_create(
            codename=codename,
            content_type=ContentType.objects.get_for_model(model),
            defaults={"name": str(dict(model._meta.permissions)[codename])},
        )
    return found


def _user(django_user_model, username, *perms, **extra):
    user = django_user_model.objects.create_user(username=username, password="pw", **extra)
    for codename in perms:
        user.user_permissions.add(_permission(codename))
    return django_user_model.objects.get(pk=user.pk)  # fresh instance: no stale perm cache


@pytest.fixture(autouse=True)
def _empty_local_caches() -> None:
    """Each test starts with empty local-memory caches: counts kept there (the IIIF render
    limit per address, the render cache's byte counter) must not carry into the next test."""
    from django.core.cache import caches
    from django.core.cache.backends.locmem import LocMemCache

    for cache in caches.all(initialized_only=True):
        if isinstance(cache, LocMemCache):
            cache.clear()


@pytest.fixture
def researcher(django_user_model):
    return _user(django_user_model, "researcher", "view_researcher_items")


@pytest.fixture
def staff_user(django_user_model):
    return _user(
        django_user_model, "archivist", "view_researcher_items", "view_staff_items", is_staff=True
    )


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser("admin", "admin@example.org", "pw")


def choose_english(request) -> None:
    """Make the pages a test requests English, the way a visitor would: the language
    switcher's cookie for the site, the user's preference for Wagtail's admin. (The site ignores
    Accept-Language on purpose: it is Chinese first.)"""
    from django.conf import settings

    for name in ("client", "admin_client"):
        if name in request.fixturenames:
            request.getfixturevalue(name).cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    if "admin_client" in request.fixturenames:
        from wagtail.users.models import UserProfile

        profile = UserProfile.get_for_user(request.getfixturevalue("admin_user"))
        profile.preferred_language = "en"
        profile.save()


def _worker_number() -> int:
    """0 for a plain run, N for pytest-xdist's worker gwN."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    return int(worker[2:]) if worker.startswith("gw") else 0


def pytest_configure(config: pytest.Config) -> None:
    redis_url = os.environ.get("REDIS_TEST_URL", "")
    if redis_url and os.environ.get("PYTEST_XDIST_WORKER"):
        # Redis has 16 numbered databases; workers beyond 15 would share, so -n stays below.
        base, _, _ = redis_url.rpartition("/")
        os.environ["REDIS_TEST_URL"] = f"{base}/{_worker_number() % 16}"


def _markers_for(item: pytest.Item) -> Iterator[pytest.MarkDecorator]:
    nodeid = item.nodeid.removeprefix(f"{TESTS_DIR.name}/")
    for key, names in LAYERS.items():
        if under(nodeid, key):
            yield from (getattr(pytest.mark, name) for name in names)
    fixtures = getattr(item, "fixturenames", ())
    yield from (getattr(pytest.mark, m) for f, m in FIXTURE_MARKERS.items() if f in fixtures)
    params = getattr(getattr(item, "callspec", None), "params", {})
    for (fixture, value), name in PARAM_MARKERS.items():
        if params.get(fixture) == value:
            yield getattr(pytest.mark, name)
    if _uses_database(item) or _transactional(item):
        yield pytest.mark.database


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> GroupScheduling | None:
    if config.getoption("dist") != "loadgroup":
        return None
    return GroupScheduling(config, log, XDIST_GROUPS)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Give the layer markers before `-m` selects on them."""
    for item in items:
        for marker in _markers_for(item):
            item.add_marker(marker)


@pytest.fixture(scope="session")
def django_db_setup(
    request: pytest.FixtureRequest,
    django_test_environment: None,
    django_db_blocker,
    django_db_modify_db_settings: None,
    django_db_createdb: bool,
) -> Iterator[TestDatabase]:
    """Replaces pytest-django's: a copy of the migrated template instead of a migration run."""
    with django_db_blocker.unblock():
        database = setup_test_database(
            rebuild=django_db_createdb, verbosity=request.config.option.verbose
        )
    request.config.stash[_DATABASE] = database
    yield database
    with django_db_blocker.unblock():
        database.teardown()


_DATABASE = pytest.StashKey[TestDatabase]()
_FLUSHED = pytest.StashKey[bool]()


def _transactional(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("django_db")
    if marker is not None and (marker.kwargs.get("transaction") or marker.args[:1] == (True,)):
        return True
    names = getattr(item, "fixturenames", ())
    return "transactional_db" in names or "live_server" in names


def _uses_database(item: pytest.Item) -> bool:
    names = getattr(item, "fixturenames", ())
    return item.get_closest_marker("django_db") is not None or "django_db_setup" in names


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Iterator[None]:
    database = item.config.stash.get(_DATABASE, None)
    if (
        database is not None
        and item.config.stash.get(_FLUSHED, False)
        and _uses_database(item)
        and not _transactional(item)
    ):
        database.restore()
        item.config.stash[_FLUSHED] = False
    yield


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: pytest.Item) -> Iterator[None]:
    yield
    if _transactional(item):
        item.config.stash[_FLUSHED] = True


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Under CI=true a skipped test is a failure: CI must not go green on a missing service or
    tool. Tests marked `postgres` may skip on the SQLite pass: they run on the PostgreSQL one."""
    report = yield
    if (
        report.skipped
        and os.environ.get("CI", "").lower() == "true"
        and not hasattr(report, "wasxfail")
        and item.get_closest_marker("postgres") is None
    ):
        report.outcome = "failed"
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.longrepr = f"skipped under CI=true, which must run every test: {reason}"
    return report
