"""The curators' "Upload files" screen for an Item: per-file outcomes, limits, permission."""

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from media_pipeline.models import FileStatus, ItemFile
from tests.factories import ItemFactory

from . import samples

pytestmark = pytest.mark.django_db


def upload_url(item):
    return f"/admin/media/item/{item.pk}/upload/"


def upload(name, data):
    return SimpleUploadedFile(name, data)


@pytest.fixture
def admin_client(client, superuser, media_root):
    from wagtail.users.models import UserProfile

    # Reasons are asserted in English: the curator chose English in the admin.
    profile = UserProfile.get_for_user(superuser)
    profile.preferred_language = "en"
    profile.save()
    client.force_login(superuser)
    return client


@pytest.fixture
def post(admin_client, django_capture_on_commit_callbacks):
    """POST files to the upload screen; processing queued on commit runs (immediate backend)."""

    def run(item, files, **fields):
        with django_capture_on_commit_callbacks(execute=True):
            return admin_client.post(upload_url(item), {"files": files, **fields})

    return run


def result_rows(response):
    return {r.filename: r for r in response.context["results"]}


def test_form_renders_with_csrf_and_multiple_file_input(admin_client):
    response = admin_client.get(upload_url(ItemFactory()))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'type="file"' in html and "multiple" in html
    assert 'enctype="multipart/form-data"' in html
    assert "csrfmiddlewaretoken" in html
    assert "wagtailadmin/base.html" in [t.name for t in response.templates]


def test_two_images_and_a_pdf_become_three_ordered_processed_files(post):
    item = ItemFactory()
    files = [
        upload("p10.pdf", samples.pdf_bytes()),
        upload("p2.png", samples.image_bytes("PNG", size=(40, 30))),
        upload("p1.jpg", samples.image_bytes("JPEG", size=(60, 40))),
    ]
    response = post(item, files, start="3", label_pattern="第{n}页")
    assert response.status_code == 200
    rows = result_rows(response)
    assert [r.outcome for r in rows.values()] == ["stored"] * 3
    stored = list(ItemFile.objects.filter(item=item).order_by("sequence"))
    # Names are ordered with numbers compared as numbers: p1, p2, p10.
    assert [(f.original_filename, f.sequence, f.label) for f in stored] == [
        ("p1.jpg", 3, "第3页"),
        ("p2.png", 4, "第4页"),
        ("p10.pdf", 5, "第5页"),
    ]
    assert [f.mime_type for f in stored] == ["image/jpeg", "image/png", "application/pdf"]
    assert {f.status for f in stored} == {FileStatus.DONE}
    assert all(f.technical.get("steps") for f in stored)
    assert "第4页" in response.content.decode()


def test_without_a_starting_order_files_follow_the_existing_ones(post, ingest):
    item = ItemFactory()
    ingest(item, samples.pdf_bytes(1), "earlier.pdf", sequence=7)
    post(item, [upload("later.png", samples.image_bytes("PNG", size=(20, 20)))])
    later = ItemFile.objects.get(item=item, original_filename="later.png")
    assert (later.sequence, later.label) == (8, "")


def test_same_file_again_is_a_duplicate_and_moves_nothing(post):
    item = ItemFactory()
    data = samples.image_bytes("PNG", size=(30, 30))
    post(item, [upload("a.png", data)], start="1", label_pattern="第{n}页")
    response = post(item, [upload("again.png", data)], start="9", label_pattern="图{n}")
    row = result_rows(response)["again.png"]
    assert row.outcome == "duplicate"
    assert "第1页" in row.message and "same content" in row.message
    assert ItemFile.objects.filter(item=item).count() == 1
    kept = ItemFile.objects.get(item=item)
    # The existing file keeps its place: a re-upload does not reorder or relabel it.
    assert (kept.original_filename, kept.sequence, kept.label) == ("a.png", 1, "第1页")
    assert "Duplicate" in response.content.decode()


def test_same_bytes_twice_in_one_upload_are_stored_once(post):
    item = ItemFactory()
    data = samples.pdf_bytes(1)
    response = post(item, [upload("a.pdf", data), upload("b.pdf", data)])
    rows = result_rows(response)
    assert (rows["a.pdf"].outcome, rows["b.pdf"].outcome) == ("stored", "duplicate")
    assert "a.pdf" in rows["b.pdf"].message
    assert ItemFile.objects.filter(item=item).count() == 1


def test_empty_file_is_refused_and_the_others_are_stored(post):
    item = ItemFactory()
    files = [
        upload("1.png", samples.image_bytes("PNG", size=(20, 20))),
        upload("2.png", b""),
        upload("3.pdf", samples.pdf_bytes(1)),
    ]
    response = post(item, files, start="1")
    rows = result_rows(response)
    assert rows["2.png"].outcome == "refused"
    assert "2.png is empty (0 bytes)" in rows["2.png"].message
    assert "2.png is empty (0 bytes)" in response.content.decode()
    # The refused file keeps its slot, so it can be uploaded again on its own as order 2.
    assert list(
        ItemFile.objects.filter(item=item).order_by("sequence").values_list("sequence", flat=True)
    ) == [1, 3]


def test_file_over_the_per_file_limit_is_refused(post, settings):
    settings.MEDIA_MAX_FILE_BYTES = 1000
    item = ItemFactory()
    response = post(item, [upload("big.pdf", b"%PDF-1.4\n" + b"0" * 2000)])
    row = result_rows(response)["big.pdf"]
    assert row.outcome == "refused" and "limit" in row.message
    assert not ItemFile.objects.filter(item=item).exists()


def test_upload_over_the_total_limit_is_refused_as_a_whole(post, settings):
    settings.MEDIA_ADMIN_UPLOAD_MAX_BYTES = 5000
    item = ItemFactory()
    files = [upload("small.pdf", samples.pdf_bytes(1)), upload("big.bin", b"x" * 6000)]
    response = post(item, files)
    assert response.status_code == 413
    assert "MEDIA_ADMIN_UPLOAD_MAX_BYTES" in response.content.decode()
    assert not ItemFile.objects.filter(item=item).exists()


def test_too_many_files_gives_a_clear_error(post, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 2
    item = ItemFactory()
    files = [upload(f"{n}.pdf", samples.pdf_bytes(1)) for n in range(3)]
    response = post(item, files)
    assert response.status_code == 400
    assert "Too many files in one upload: at most 2" in response.content.decode()
    assert not ItemFile.objects.filter(item=item).exists()


def test_no_files_chosen_shows_the_form_error(admin_client):
    response = admin_client.post(upload_url(ItemFactory()), {"start": "1"})
    assert response.status_code == 400
    assert response.context["form"].errors["files"]


def test_post_without_csrf_token_is_refused(superuser, media_root):
    client = Client(enforce_csrf_checks=True)
    client.force_login(superuser)
    item = ItemFactory()
    response = client.post(upload_url(item), {"files": [upload("a.pdf", samples.pdf_bytes(1))]})
    assert response.status_code == 403
    assert not ItemFile.objects.filter(item=item).exists()


def test_user_without_change_permission_is_refused(client, django_user_model, media_root):
    # An admin user who may see Items but not change them.
    user = django_user_model.objects.create_user(username="viewer", password="pw")
    for codename in ("access_admin", "view_item"):
        user.user_permissions.add(Permission.objects.get(codename=codename))
    client.force_login(user)
    item = ItemFactory()
    response = client.post(upload_url(item), {"files": [upload("a.pdf", samples.pdf_bytes(1))]})
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_home")
    assert not ItemFile.objects.filter(item=item).exists()
    assert client.get(upload_url(item))["Location"] == reverse("wagtailadmin_home")


def test_anonymous_user_is_sent_to_login(client):
    response = client.get(upload_url(ItemFactory()))
    assert response.status_code == 302
    assert reverse("wagtailadmin_login") in response["Location"]


def test_unknown_item_is_404(admin_client):
    assert admin_client.get("/admin/media/item/999999/upload/").status_code == 404


def test_item_edit_page_links_to_the_upload_screen(admin_client):
    item = ItemFactory()
    response = admin_client.get(reverse("wagtailsnippets_collections_item:edit", args=[item.pk]))
    assert response.status_code == 200
    assert upload_url(item) in response.content.decode()
