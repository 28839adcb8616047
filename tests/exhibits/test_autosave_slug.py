"""A second exhibit page with the same title can be created although autosave already made a
draft of the first: Wagtail's autosave posts the create form (JSON, no action button) as soon as
a title is typed, with the slug the editor derived from it."""

from __future__ import annotations

import pytest
from django.urls import reverse
from wagtail.models import Page
from wagtail.test.utils.form_data import nested_form_data, querydict_from_html, streamfield

from exhibits.forms import free_slug
from exhibits.models import StandardPage
from tests.pages import ensure_site

pytestmark = pytest.mark.django_db

TITLE = "钱学森的手稿"
SLUG = "钱学森的手稿"  # what Wagtail's editor derives from the title (Unicode slugs allowed)


def form_data(client, url: str) -> dict:
    """The page form as the editor holds it: the rendered fields, the (empty) body's counts,
    which the editor's JavaScript adds."""
    html = client.get(url).content.decode()
    data = {k: v[0] for k, v in querydict_from_html(html, form_id="page-edit-form").lists()}
    return {**nested_form_data({"body": streamfield([])}), **data}


def autosave_create(client, parent, title: str = TITLE, slug: str = SLUG):
    """Post the create form of a StandardPage as Wagtail's autosave does."""
    url = reverse("wagtailadmin_pages:add", args=["exhibits", "standardpage", parent.pk])
    data = form_data(client, url)
    data.update(title=title, slug=slug)
    return client.post(url, data, HTTP_ACCEPT="application/json")


def test_autosave_creates_a_second_page_with_the_same_title(admin_client):
    home = ensure_site()
    first = autosave_create(admin_client, home)
    assert first.status_code == 200, first.content
    assert first.json()["success"] is True

    second = autosave_create(admin_client, home)

    assert second.status_code == 200, second.content
    answer = second.json()
    assert answer["success"] is True, answer
    pages = StandardPage.objects.child_of(home).filter(title=TITLE).order_by("pk")
    assert [p.slug for p in pages] == [SLUG, f"{SLUG}-2"]
    assert not any(p.live for p in pages)
    # The open editor is told the slug it now has, so its next autosave keeps it.
    assert answer["field_updates"]["slug"] == f"{SLUG}-2"
    # A third add counts on from the free number.
    assert autosave_create(admin_client, home).json()["success"] is True
    assert StandardPage.objects.child_of(home).filter(slug=f"{SLUG}-3").exists()


def test_editing_a_page_keeps_wagtails_slug_check(admin_client):
    """Only a page being created is renamed: an existing page's slug is its URL, so taking a
    sibling's slug there stays an error."""
    home = ensure_site()
    autosave_create(admin_client, home)
    autosave_create(admin_client, home, title="另一页", slug="another")
    other = Page.objects.get(slug="another")
    url = reverse("wagtailadmin_pages:edit", args=[other.pk])
    data = form_data(admin_client, url)
    data["slug"] = SLUG
    response = admin_client.post(url, data, HTTP_ACCEPT="application/json")
    assert response.json()["success"] is False
    other.refresh_from_db()
    assert other.slug == "another"


def test_free_slug_skips_taken_numbers_among_siblings_only():
    home = ensure_site()
    for slug in ("letters", "letters-2", "letters-4"):
        home.add_child(instance=StandardPage(title=slug, slug=slug, live=False))
    assert free_slug("letters", home) == "letters-3"
    assert free_slug("diaries", home) == "diaries"
    long = "x" * 255
    home.add_child(instance=StandardPage(title="long", slug=long, live=False))
    assert free_slug(long, home) == "x" * 253 + "-2"
