"""A curator (策展人) in the admin sees no staff-only or embargoed record: not in the item
listing, and in the page editor an embedded one shows as a restricted record without its title
(issue 11; the full matrix is tests/collections/test_admin_access_matrix.py)."""

import datetime
import importlib

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from tests.factories import ItemFactory
from tests.pages import exhibition_tree, item_block, stream


def test_curator_sees_no_hidden_record_in_listing_or_page_editor(
    page, live_site, live_url, login, screenshot
):
    later = timezone.localdate() + datetime.timedelta(days=365)
    shown = ItemFactory(identifier="ACC-PUBLIC", title="公开的手稿")
    staff = ItemFactory(identifier="ACC-STAFF", title="馆员专用手稿", access_level="staff")
    embargoed = ItemFactory(identifier="ACC-EMBARGO", title="封存中的信件", embargo_until=later)
    body = stream(*(item_block(item) for item in (shown, staff, embargoed)))
    _index, _exhibition, chapters = exhibition_tree([body])
    # A live-server test may start on a database the previous one flushed: the group the data
    # migration makes on every deployment is made again here, by that migration's own function.
    importlib.import_module("exhibits.migrations.0004_curators_group").create_curators(apps, None)
    curator = get_user_model().objects.create_user("acc-curator", password="pw")
    curator.groups.add(Group.objects.get(name="策展人"))
    login(page, curator)

    page.goto(live_url("/admin/snippets/collections/item/"))
    listing = page.locator("main").inner_text()
    assert "公开的手稿" in listing
    assert "馆员专用手稿" not in listing and "封存中的信件" not in listing
    screenshot(page, "item-listing")

    page.goto(live_url(f"/admin/pages/{chapters[0].pk}/edit/"))
    page.get_by_text("受限记录（您无权查看）").first.wait_for()
    editor = page.locator("main").inner_text()
    assert "公开的手稿" in editor
    assert "馆员专用手稿" not in editor and "封存中的信件" not in editor
    assert editor.count("受限记录（您无权查看）") >= 2  # each in its block and its header
    page.get_by_text("受限记录（您无权查看）").last.scroll_into_view_if_needed()
    screenshot(page, "page-editor", full_page=False)

    response = page.goto(live_url(f"/admin/snippets/collections/item/edit/{staff.pk}/"))
    assert response is not None and response.status == 404
    assert "馆员专用手稿" not in page.content()
