"""The bulk importer writes without model signals; its reindex hand-off must still make every
imported record findable, and a changed record findable by its new words."""

import pytest

from archive_collections.access import AccessPolicy
from archive_collections.importer import run_import
from search import service
from search.contract import SearchQuery
from tests.collections.test_import_support import MANIFEST, csv_manifest, replace_cell


def found(text: str) -> set[str]:
    results = service.search(SearchQuery(text=text), AccessPolicy.anonymous())
    return {group.identifier for group in results.groups}


def import_with(tmp_path, capture, manifest):
    with capture(execute=True):
        report = run_import(csv_manifest(tmp_path, manifest))
    assert report.ok, report.as_text()


@pytest.mark.django_db
def test_imported_items_and_transcripts_are_found(tmp_path, django_capture_on_commit_callbacks):
    import_with(tmp_path, django_capture_on_commit_callbacks, MANIFEST)
    assert "IT-0001" in found("控制论")
    assert "OH-0001" in found("北京读书")  # transcript text of the imported interview
    assert "IT-0002" not in found("郭永怀的信")  # researchers-only and embargoed


@pytest.mark.django_db
def test_reimport_with_a_changed_title_reindexes_it(tmp_path, django_capture_on_commit_callbacks):
    import_with(tmp_path, django_capture_on_commit_callbacks, MANIFEST)
    items = replace_cell(MANIFEST["items"], 2, "title", "工程控制论讲义")
    import_with(
        tmp_path / "second", django_capture_on_commit_callbacks, {**MANIFEST, "items": items}
    )
    assert "IT-0001" in found("讲义")
