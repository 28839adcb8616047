import pytest
from wagtail.models import ReferenceIndex

from media_pipeline.models import FileStatus, ItemFile
from tests.factories import ItemFactory

from . import samples

pytestmark = pytest.mark.django_db


@pytest.fixture
def broken(ingest):
    whole = samples.image_bytes("JPEG", size=(300, 200))
    return ingest(ItemFactory(identifier="A001-009"), whole[: len(whole) // 2], "坏.jpg")


def test_files_listing_shows_status_and_error(client, superuser, broken):
    client.force_login(superuser)
    response = client.get("/admin/itemfile/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "坏.jpg" in html and "A001-009" in html
    assert "truncated" in html
    assert f"/admin/itemfile/retry/{broken.pk}/" in html
    assert "/admin/itemfile/new/" not in html


def test_inspect_shows_technical_metadata(client, superuser, broken):
    client.force_login(superuser)
    response = client.get(f"/admin/itemfile/inspect/{broken.pk}/")
    assert response.status_code == 200
    assert broken.sha256 in response.content.decode()


def test_retry_requeues_processing(client, superuser, broken, django_capture_on_commit_callbacks):
    client.force_login(superuser)
    assert client.get(f"/admin/itemfile/retry/{broken.pk}/").status_code == 200
    before = broken.technical["steps"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/itemfile/retry/{broken.pk}/")
    assert response.status_code == 302
    broken.refresh_from_db()
    after = broken.technical["steps"]
    assert broken.status == FileStatus.FAILED
    assert "derivatives" in broken.error
    # The failed step ran again; the steps that had succeeded were not repeated.
    assert after["derivatives"]["finished_at"] != before["derivatives"]["finished_at"]
    assert after["fixity"] == before["fixity"]


def test_retry_after_fixing_the_cause_reaches_done(
    client, superuser, ingest, django_capture_on_commit_callbacks
):
    item_file = ingest(ItemFactory(), samples.pdf_bytes(), "a.pdf")
    ItemFile.objects.filter(pk=item_file.pk).update(status=FileStatus.FAILED, error="x")
    client.force_login(superuser)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/admin/itemfile/retry/{item_file.pk}/")
    item_file.refresh_from_db()
    assert (item_file.status, item_file.error) == (FileStatus.DONE, "")


def test_researcher_without_file_permissions_cannot_use_the_listing(client, researcher, broken):
    client.force_login(researcher)
    assert client.get("/admin/itemfile/").status_code in (302, 403)
    response = client.post(f"/admin/itemfile/retry/{broken.pk}/")
    assert response.status_code in (302, 403)
    broken.refresh_from_db()
    assert broken.error


def test_an_items_usage_view_links_its_files_to_their_inspect_view(client, superuser, broken):
    # The reference index records each file's link to its item; the item's "usage" screen asked
    # Wagtail for the file's edit URL, which files do not have: a 500 for every item with files.
    ReferenceIndex.create_or_update_for_object(broken)
    client.force_login(superuser)
    response = client.get(f"/admin/snippets/collections/item/usage/{broken.item_id}/")
    assert response.status_code == 200
    assert f"/admin/itemfile/inspect/{broken.pk}/" in response.content.decode()
