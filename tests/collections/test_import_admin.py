"""The admin import screen, driven through the Django test client as a curator would."""

import io
import stat
import zipfile

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail import hooks

from archive_collections.importer.admin_views import FILE_HAND_OVER_HOOK
from archive_collections.importer.uploads import UploadRefused, extract_zip
from archive_collections.models import Item, Scientist
from media_pipeline.models import ItemFile

from .test_import_support import (  # noqa: F401  english: autouse fixture
    ITEMS,
    MANIFEST,
    csv_manifest,
    csv_text,
    english,
    replace_cell,
    xlsx_manifest,
)

pytestmark = pytest.mark.django_db
URL = "/admin/archive/import/"


def zip_of(folder, prefix="") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, prefix + str(path.relative_to(folder)))
    return buffer.getvalue()


def upload(client, name, content, dry_run=False):
    data = {"manifest": SimpleUploadedFile(name, content)}
    if dry_run:
        data["dry_run"] = "on"
    return client.post(URL, data)


def test_url_and_screen(admin_client):
    assert reverse("collections_import") == URL
    response = admin_client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert 'name="dry_run"' in html
    assert "wagtailadmin" in html or "w-" in html  # rendered inside the admin chrome


def test_menu_entry_is_listed(admin_client):
    html = admin_client.get("/admin/").content.decode()
    assert URL in html


def test_users_without_add_permission_are_refused(client, django_user_model):
    user = django_user_model.objects.create_user("viewer", password="pw")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    assert client.get(URL).status_code in {302, 403}
    assert client.post(URL, {}).status_code in {302, 403}


def test_dry_run_zip_shows_counts_and_writes_nothing(admin_client, tmp_path):
    content = zip_of(csv_manifest(tmp_path / "batch"), prefix="batch/")
    response = upload(admin_client, "batch.zip", content, dry_run=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="import-counts"' in html
    assert '<th scope="row">items</th>' in html and "<td>3</td>" in html
    assert not Item.objects.exists()


def test_xlsx_upload_imports(admin_client, tmp_path, django_capture_on_commit_callbacks):
    workbook = xlsx_manifest(tmp_path / "batch", {"scientists": MANIFEST["scientists"]})
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(admin_client, "scientists.xlsx", workbook.read_bytes())
    assert response.status_code == 200
    report = response.context["report"]
    assert report.committed and report.counts["scientists"].created == 2
    assert 'id="import-counts"' in response.content.decode()
    assert Scientist.objects.count() == 2
    assert Scientist.objects.get(identifier="qian-xuesen").latest_revision.user.username == "admin"


def test_problems_are_shown_escaped_and_exported_neutralised(admin_client, tmp_path):
    folder = csv_manifest(tmp_path / "batch")
    payload = "=cmd|' /C calc'!A0"
    xss = "<script>alert(1)</script>"
    rows = replace_cell(replace_cell(ITEMS, 2, "type", payload), 3, "type", xss)
    (folder / "items.csv").write_text(csv_text(rows), encoding="utf-8")
    response = upload(admin_client, "batch.zip", zip_of(folder))
    html = response.content.decode()
    assert 'id="import-problems"' in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and xss not in html
    assert not Item.objects.exists()
    export = admin_client.get(reverse("collections_import_problems"))
    assert export["Content-Disposition"] == 'attachment; filename="import-problems.csv"'
    assert "items,2,type,'=cmd|' /C calc'!A0" in export.content.decode()


def test_wrong_upload_type_is_refused(admin_client):
    response = upload(admin_client, "notes.txt", b"hello")
    assert response.status_code == 200
    errors = response.context["form"].errors["manifest"]
    assert len(errors) == 1 and ".xlsx" in errors[0] and ".zip" in errors[0]
    assert errors[0] in response.content.decode()


def make_zip(path, entries):
    with zipfile.ZipFile(path, "w") as archive:
        for name, data, mode in entries:
            info = zipfile.ZipInfo(name)
            if mode:
                info.external_attr = mode << 16
            archive.writestr(info, data)
    return path


@pytest.mark.parametrize(
    "name", ["../evil.csv", "/abs/evil.csv", "a/../../evil.csv", "C:\\evil.csv"]
)
def test_zip_slip_is_refused(tmp_path, name):
    archive = make_zip(tmp_path / "x.zip", [("ok.csv", b"a", 0), (name, b"b", 0)])
    with pytest.raises(UploadRefused, match="points outside the upload folder"):
        extract_zip(archive, tmp_path / "out")
    assert not (tmp_path / "evil.csv").exists()
    assert not (tmp_path / "out" / "ok.csv").exists()  # refused before anything is extracted


def test_zip_symlink_is_refused(tmp_path):
    archive = make_zip(tmp_path / "x.zip", [("link.png", b"/etc/passwd", stat.S_IFLNK | 0o777)])
    with pytest.raises(UploadRefused, match="symbolic link"):
        extract_zip(archive, tmp_path / "out")


def test_zip_over_the_size_limit_is_refused(tmp_path, settings):
    settings.ARCHIVE_IMPORT_MAX_BYTES = 1000
    archive = make_zip(tmp_path / "x.zip", [("big.csv", b"0" * 2000, 0)])
    with pytest.raises(UploadRefused, match="larger than 1000 bytes"):
        extract_zip(archive, tmp_path / "out")


def test_zip_with_gbk_file_names(tmp_path):
    # Chinese Windows writes GBK names without the UTF-8 flag; zipfile only writes ASCII or
    # flagged UTF-8, so write a same-length ASCII name and swap the bytes in afterwards.
    gbk = "扫描件".encode("gbk")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("ABCDEF.png", b"data")
    (tmp_path / "x.zip").write_bytes(buffer.getvalue().replace(b"ABCDEF", gbk))
    extract_zip(tmp_path / "x.zip", tmp_path / "out")
    assert (tmp_path / "out" / "扫描件.png").read_bytes() == b"data"


def test_zip_upload_hands_the_listed_files_to_the_pipeline(
    admin_client, tmp_path, django_capture_on_commit_callbacks
):
    content = zip_of(csv_manifest(tmp_path / "batch"))
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(admin_client, "batch.zip", content)
    assert response.context["report"].committed
    files = ItemFile.objects.filter(item__identifier="IT-0001").order_by("sequence")
    assert [f.original_filename for f in files] == ["p1.png", "p2.png"]
    assert response.context["report"].files == 2


def test_without_a_registered_hand_over_the_records_are_imported_without_files(
    admin_client, tmp_path, monkeypatch, django_capture_on_commit_callbacks
):
    # The catalogue alone: no app above it registered where imported files go.
    monkeypatch.setitem(hooks._hooks, FILE_HAND_OVER_HOOK, [])
    content = zip_of(csv_manifest(tmp_path / "batch"))
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(admin_client, "batch.zip", content)
    assert response.context["report"].committed
    assert Item.objects.count() == 3 and not ItemFile.objects.exists()
