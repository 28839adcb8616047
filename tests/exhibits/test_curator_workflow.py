"""Curators' workflow on every exhibit page type, through Wagtail's own machinery: drafts,
admin preview, the default "Moderators approval" workflow, scheduled publishing and expiry,
required alt text, shared credit snippets, and search/Open Graph metadata in the page head."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.files.images import ImageFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from PIL import Image as PILImage
from wagtail.blocks import StructBlockValidationError
from wagtail.fields import StreamField
from wagtail.images.models import Image
from wagtail.models import Page, Revision
from wagtail.test.utils.form_data import nested_form_data, querydict_from_html, rich_text
from wagtail.test.utils.form_data import streamfield as stream_form

from exhibits.blocks import (
    RICH_TEXT_FEATURES,
    AccessibleImageBlock,
    DeepZoomDetailBlock,
    OralHistoryClipBlock,
)
from exhibits.demo import load_theme_exhibition
from exhibits.models import (
    ChapterPage,
    Credit,
    ExhibitionCredit,
    ExhibitionIndexPage,
    ExhibitionPage,
    HomePage,
    ScientistStoryPage,
    StandardPage,
    TeacherResourcePage,
)
from tests.conftest import choose_english
from tests.factories import InterviewFactory, ItemFactory
from tests.pages import ensure_site, item_block, publish, stream

pytestmark = pytest.mark.django_db

KINDS = ["home", "index", "exhibition", "chapter", "story", "resource", "standard"]
OLD_TITLE, NEW_TITLE = "旧的标题", "修改后的新标题"
INTRO = "这一页的开头文字，讲述科学家的成长道路"
ALT_REQUIRED = "Describe the image: alternative text is required."
CURATORS_GROUP = "策展人"  # created by exhibits/migrations/0004_curators_group.py


# Building pages ------------------------------------------------------------------------------


def text_block(html: str) -> dict:
    return {"type": "text", "value": html}


def add(parent, page, live: bool):
    """A child page, published (live) or saved as a never-published draft."""
    if live:
        return publish(parent, page)
    page.live = False
    parent.add_child(instance=page)
    page.save_revision()
    page.refresh_from_db()
    return page


def build(kind: str, item, live: bool = True, **fields):
    """A minimal valid page of `kind` with OLD_TITLE, INTRO in its introductory field and, where
    the type has a StreamField, an embed of `item`; `fields` override. The home page is the site
    root, so it is always live."""
    home = ensure_site()
    body = stream(text_block(f"<p>{INTRO}</p>"), item_block(item, "旧的说明"))
    if kind == "home":
        home.title, home.introduction = OLD_TITLE, f"<p>{INTRO}</p>"
        for name, value in fields.items():
            setattr(home, name, value)
        home.save_revision().publish()
        return HomePage.objects.get(pk=home.pk)
    parent = home
    if kind in ("exhibition", "chapter"):
        parent = publish(home, ExhibitionIndexPage(title="专题展览", slug="exhibitions"))
    if kind == "chapter":
        parent = publish(parent, ExhibitionPage(title="展览", slug="exhibition"))
    model, values = {
        "index": (ExhibitionIndexPage, {"slug": "exhibitions", "introduction": f"<p>{INTRO}</p>"}),
        "exhibition": (
            ExhibitionPage,
            {"slug": "exhibition", "curators_statement": f"<p>{INTRO}</p>", "body": body},
        ),
        "chapter": (ChapterPage, {"slug": "chapter", "introduction": INTRO, "body": body}),
        "story": (ScientistStoryPage, {"slug": "story", "standfirst": INTRO, "body": body}),
        "resource": (
            TeacherResourcePage,
            {
                "slug": "resource",
                "grade_band": "junior",
                "subject": "物理",
                "overview": INTRO,
                "linked_items": stream(item_block(item, "旧的说明")),
            },
        ),
        "standard": (StandardPage, {"slug": "standard", "body": body}),
    }[kind]
    return add(parent, model(title=OLD_TITLE, **{**values, **fields}), live)


def streams_of(model) -> list[str]:
    return [f.name for f in model._meta.get_fields() if isinstance(f, StreamField)]


def content_text(page) -> str:
    """Everything a page's StreamFields and introduction hold, as text to search in."""
    values = [getattr(page, "introduction", "")]
    values += [getattr(page, name).get_prep_value() for name in streams_of(type(page))]
    return json.dumps(values, ensure_ascii=False, default=str)


def edit_form_data(client, page, new_item, **overrides) -> dict:
    """The page's admin edit form as Wagtail renders it (management forms, required fields), with
    a new title and new content: a text block and an embed of `new_item` in each StreamField the
    page type shows, or new introductory rich text for types without one."""
    html = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).content.decode()
    query = querydict_from_html(html, form_id="page-edit-form")
    data = {key: values[0] if len(values) == 1 else values for key, values in query.lists()}
    data["title"] = NEW_TITLE
    model = page.specific_class
    # StreamFields are drawn by JavaScript from JSON, so their inputs are not in the HTML.
    streams = {name: stream_form([]) for name in streams_of(model)}
    embed = ("item", {"item": str(new_item.pk), "caption": "新的说明"})
    new_text = ("text", rich_text("<p>新写的正文</p>", features=RICH_TEXT_FEATURES))
    if "body" in streams:
        streams["body"] = stream_form([new_text, embed])
    elif model is TeacherResourcePage:
        streams["linked_items"] = stream_form([embed])
        streams["worksheet"] = stream_form([("instructions", "新写的正文")])
    else:  # home page, exhibition index: rich-text introduction, no StreamField
        data["introduction"] = rich_text("<p>新写的正文</p>")
    data.update(nested_form_data(streams))
    data.update(overrides)
    return data


def url_of(page) -> str:
    """The public URL of a page, live or not (Wagtail gives none for a draft)."""
    page = Page.objects.get(pk=page.pk)
    site_root = page.get_site().root_page.url_path
    return "/" + page.url_path[len(site_root) :]


def public(client, page) -> str | None:
    response = client.get(url_of(page))
    if response.status_code == 404:
        return None
    assert response.status_code == 200, response.status_code
    return response.content.decode()


@pytest.fixture(autouse=True)
def english_admin(request):
    """Admin form errors are asserted in English, whatever the catalogue holds."""
    choose_english(request)


@pytest.fixture
def items():
    return ItemFactory(title="旧展品：致友人的信"), ItemFactory(title="新展品：研究所筹建手稿")


@pytest.fixture
def editor(django_user_model):
    """A curator in Wagtail's standard Editors group: may edit pages, may not publish them."""
    user = django_user_model.objects.create_user("curator", password="pw")
    user.groups.add(Group.objects.get(name="Editors"))
    return django_user_model.objects.get(pk=user.pk)


@pytest.fixture
def moderator(django_user_model):
    user = django_user_model.objects.create_user("moderator", password="pw")
    user.groups.add(Group.objects.get(name="Moderators"))
    return django_user_model.objects.get(pk=user.pk)


def make_image(title: str = "展览主图", size=(1600, 900)) -> Image:
    buffer = io.BytesIO()
    PILImage.new("RGB", size, (160, 40, 30)).save(buffer, "PNG")
    return Image.objects.create(title=title, file=ImageFile(buffer, name="hero.png"))


# 1. Drafts -----------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_saved_draft_leaves_the_live_page_unchanged(kind, items, admin_client, client):
    old_item, new_item = items
    page = build(kind, old_item)
    data = edit_form_data(admin_client, page, new_item)
    response = admin_client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), data)
    assert response.status_code == 302, response.context and response.context["form"].errors

    page.refresh_from_db()
    assert page.live and page.has_unpublished_changes
    html = public(client, page)
    assert OLD_TITLE in html and NEW_TITLE not in html and "新写的正文" not in html
    if kind not in ("home", "index"):
        assert old_item.title in html and new_item.title not in html
    # The editor opens the draft, not the live version.
    edit = admin_client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    form = querydict_from_html(edit.content.decode(), form_id="page-edit-form")
    assert form["title"] == NEW_TITLE
    draft = edit.context["page"]
    assert draft.title == NEW_TITLE and "新写的正文" in content_text(draft)


def test_draft_may_leave_a_clip_unfinished_but_publishing_may_not():
    block = OralHistoryClipBlock()
    value = block.to_python(
        {"interview": InterviewFactory().pk, "start": "", "end": "00:10", "caption": ""}
    )
    assert block.clean_deferred(value)["end"] == "00:10"  # a draft keeps what was written
    with pytest.raises(StructBlockValidationError) as info:
        block.clean(value)
    assert info.value.block_errors["start"].messages == ["This field is required."]


# 2. Preview ----------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_preview_renders_the_unsaved_edit(kind, items, admin_client, client):
    old_item, new_item = items
    page = build(kind, old_item)
    revisions = Revision.objects.count()
    url = reverse("wagtailadmin_pages:preview_on_edit", args=[page.pk])
    response = admin_client.post(url, edit_form_data(admin_client, page, new_item))
    assert response.json() == {"is_valid": True, "is_available": True}

    preview = admin_client.get(url)
    assert preview.status_code == 200
    html = preview.content.decode()
    assert NEW_TITLE in html and "新写的正文" in html and OLD_TITLE not in html
    if kind not in ("home", "index"):
        # The embed went through exhibits/records.py: the new item's live record is shown.
        assert new_item.title in html and new_item.get_absolute_url() in html
        assert old_item.title not in html
    # A preview saves nothing: no revision, and the public still gets the old page.
    assert Revision.objects.count() == revisions
    assert OLD_TITLE in public(client, page)


@pytest.mark.parametrize("kind", [kind for kind in KINDS if kind != "home"])  # one home only
def test_preview_of_a_page_not_yet_created(kind, items, admin_client):
    old_item, new_item = items
    existing = build(kind, old_item)
    meta = existing.specific_class._meta
    args = [meta.app_label, meta.model_name, existing.get_parent().pk]
    html = admin_client.get(reverse("wagtailadmin_pages:add", args=args)).content.decode()
    data = {k: v[0] for k, v in querydict_from_html(html, form_id="page-edit-form").lists()}
    data.update(title=NEW_TITLE, slug="new-page", grade_band="senior", subject="历史")
    streams = {name: stream_form([]) for name in streams_of(existing.specific_class)}
    embed = stream_form([("item", {"item": str(new_item.pk), "caption": ""})])
    if streams:  # the exhibition index has none
        streams["linked_items" if kind == "resource" else "body"] = embed
    data.update(nested_form_data(streams))
    url = reverse("wagtailadmin_pages:preview_on_add", args=args)
    assert admin_client.post(url, data).json() == {"is_valid": True, "is_available": True}
    preview = admin_client.get(url).content.decode()
    assert NEW_TITLE in preview
    if kind != "index":
        assert new_item.title in preview
    assert not Page.objects.filter(slug="new-page").exists()


def test_preview_shows_form_errors_instead_of_a_page(items, admin_client):
    old_item, new_item = items
    page = build("chapter", old_item)
    url = reverse("wagtailadmin_pages:preview_on_edit", args=[page.pk])
    data = edit_form_data(
        admin_client, page, new_item, title="", start_year="1960", end_year="1950"
    )
    response = admin_client.post(url, data)
    assert response.json()["is_valid"] is False


# 3. Moderation -------------------------------------------------------------------------------


def submit_for_moderation(client, page, new_item):
    data = edit_form_data(client, page, new_item, **{"action-submit": "submit"})
    response = client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), data)
    assert response.status_code == 302, response.context and response.context["form"].errors
    return Page.objects.get(pk=page.pk)


def workflow_action(client, page, action: str):
    task_state = page.current_workflow_task_state
    url = reverse("wagtailadmin_pages:workflow_action", args=[page.pk, action, task_state.pk])
    response = client.post(url, {"comment": "请补充图片说明" if action == "reject" else ""})
    assert response.status_code == 302
    return Page.objects.get(pk=page.pk)


@pytest.mark.parametrize("kind", KINDS)
def test_editor_submits_and_moderator_approval_publishes(kind, items, editor, moderator, client):
    old_item, new_item = items
    page = build(kind, old_item)
    assert not page.permissions_for_user(editor).can_publish()

    client.force_login(editor)
    page = submit_for_moderation(client, page, new_item)
    assert page.workflow_in_progress
    assert page.current_workflow_state.workflow.name == "Moderators approval"
    client.logout()
    assert NEW_TITLE not in public(client, page)  # still the old version while in moderation

    client.force_login(moderator)
    page = workflow_action(client, page, "approve")
    client.logout()
    assert not page.workflow_in_progress and not page.has_unpublished_changes
    html = public(client, page)
    assert NEW_TITLE in html and "新写的正文" in html
    if kind not in ("home", "index"):
        assert new_item.title in html


@pytest.mark.parametrize("kind", KINDS)
def test_rejected_submission_is_not_published(kind, items, editor, moderator, client):
    old_item, new_item = items
    page = build(kind, old_item, live=False)  # the home page is the site root: always live
    client.force_login(editor)
    page = submit_for_moderation(client, page, new_item)
    client.force_login(moderator)
    page = workflow_action(client, page, "reject")
    client.logout()

    assert page.current_workflow_state.status == "needs_changes"
    html = public(client, page)
    if kind == "home":
        assert OLD_TITLE in html and NEW_TITLE not in html
    else:
        assert html is None and not page.live


def test_editor_cannot_publish_directly(items, editor, client):
    old_item, new_item = items
    page = build("exhibition", old_item, live=False)
    client.force_login(editor)
    data = edit_form_data(client, page, new_item, **{"action-publish": "publish"})
    client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), data)
    client.logout()
    assert not Page.objects.get(pk=page.pk).live
    assert public(client, page) is None


# 4. Scheduled publishing and expiry ----------------------------------------------------------


def time_passes(page, name: str) -> None:
    """Move the page's scheduled `name` ("go_live_at" or "expire_at") one second into the past,
    as if the clock had passed it: in the page row, in its revisions' content (publishing
    re-checks go_live_at there) and, for going live, the revision's approved go-live time."""
    past = timezone.now() - timedelta(seconds=1)
    for revision in Revision.page_revisions.filter(object_id=str(page.pk)):
        if revision.content.get(name):
            revision.content[name] = past.isoformat()
            if name == "go_live_at" and revision.approved_go_live_at:
                revision.approved_go_live_at = past
            revision.save(update_fields=["content", "approved_go_live_at"])
    Page.objects.filter(pk=page.pk, **{f"{name}__isnull": False}).update(**{name: past})


@pytest.mark.parametrize("kind", KINDS)
def test_scheduled_revision_goes_live_and_expires(kind, items, client):
    old_item, _new_item = items
    page = build(kind, old_item, live=False).specific
    page.title = NEW_TITLE
    page.go_live_at = timezone.now() + timedelta(days=1)
    page.expire_at = timezone.now() + timedelta(days=30)
    page.save_revision().publish()

    call_command("publish_scheduled", verbosity=0)  # nothing is due yet
    html = public(client, page)
    if kind == "home":  # live already: the old version stays until the scheduled time
        assert OLD_TITLE in html and NEW_TITLE not in html
    else:
        assert html is None

    time_passes(page, "go_live_at")
    call_command("publish_scheduled", verbosity=0)
    assert NEW_TITLE in public(client, page)
    page = Page.objects.get(pk=page.pk)
    assert page.live and not page.expired and page.expire_at > timezone.now()

    call_command("publish_scheduled", verbosity=0)
    assert Page.objects.get(pk=page.pk).live  # the expiry date is still ahead

    time_passes(page, "expire_at")
    call_command("publish_scheduled", verbosity=0)
    page = Page.objects.get(pk=page.pk)
    assert not page.live and page.expired
    assert public(client, page) is None


# 5. Required alt text ------------------------------------------------------------------------


def test_image_block_refuses_missing_or_blank_alt_text():
    image = make_image()
    block = AccessibleImageBlock()
    for alt in ("", "   "):
        value = block.to_python({"image": image.pk, "alt": alt, "caption": ""})
        with pytest.raises(StructBlockValidationError) as info:
            block.clean(value)  # publishing: Wagtail's "required"
        assert list(info.value.block_errors) == ["alt"]
        assert info.value.block_errors["alt"].messages == ["This field is required."]
        with pytest.raises(StructBlockValidationError) as info:
            block.clean_deferred(value)  # saving a draft: Wagtail defers "required"
        assert info.value.block_errors["alt"].messages == [ALT_REQUIRED]
    value = block.clean(block.to_python({"image": image.pk, "alt": "信的开头", "caption": ""}))
    assert value["alt"] == "信的开头"
    # An image block not yet filled in may stay in a draft.
    assert block.clean_deferred(block.to_python({"image": None, "alt": "", "caption": ""}))


def test_deep_zoom_detail_refuses_missing_alt_text_even_in_a_draft(items):
    block = DeepZoomDetailBlock()
    raw = {"item": items[0].pk, "page": 1, "x": 0, "y": 0, "width": 50, "height": 50}
    for clean in (block.clean, block.clean_deferred):
        with pytest.raises(StructBlockValidationError) as info:
            clean(block.to_python({**raw, "alt": "", "caption": ""}))
        assert list(info.value.block_errors) == ["alt"]
    # A draft with emptied numbers is refused for the alt text, not with a crash.
    draft = block.to_python({**raw, "x": None, "width": None, "alt": "", "caption": ""})
    with pytest.raises(StructBlockValidationError) as info:
        block.clean_deferred(draft)
    assert list(info.value.block_errors) == ["alt"]


def image_block_post(admin_client, page, new_item, action: dict):
    image = make_image()
    data = edit_form_data(admin_client, page, new_item, **action)
    body = [("image", {"image": str(image.pk), "alt": "", "caption": "手稿局部"})]
    data.update(nested_form_data({"body": stream_form(body)}))
    return admin_client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), data)


@pytest.mark.parametrize(
    ("action", "message"),
    [({}, ALT_REQUIRED), ({"action-publish": "publish"}, "This field is required.")],
    ids=["save-draft", "publish"],
)
def test_admin_refuses_an_image_block_without_alt_text(action, message, items, admin_client):
    old_item, new_item = items
    page = build("exhibition", old_item)
    revisions = page.revisions.count()
    response = image_block_post(admin_client, page, new_item, action)
    assert response.status_code == 200  # the form comes back with the error on the block
    error = response.context["form"].errors["body"].as_data()[0]
    assert error.block_errors[0].block_errors["alt"].messages == [message]
    assert page.revisions.count() == revisions


@pytest.mark.parametrize("kind", KINDS)
def test_admin_refuses_a_listing_image_without_alt_text(kind, items, admin_client):
    old_item, new_item = items
    page = build(kind, old_item)
    image = make_image()
    revisions = page.revisions.count()
    url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    data = edit_form_data(admin_client, page, new_item, listing_image=str(image.pk))
    response = admin_client.post(url, {**data, "listing_image_alt": " "})
    assert response.status_code == 200
    assert response.context["form"].errors["listing_image_alt"] == [ALT_REQUIRED]
    assert page.revisions.count() == revisions
    # With the description it saves.
    response = admin_client.post(url, {**data, "listing_image_alt": "1956年的合影"})
    assert response.status_code == 302
    assert page.revisions.count() == revisions + 1


def test_hero_image_needs_alt_text_in_the_admin_and_in_code(items, admin_client):
    old_item, new_item = items
    page = build("exhibition", old_item)
    image = make_image()
    data = edit_form_data(admin_client, page, new_item, hero_image=str(image.pk))
    response = admin_client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), data)
    assert response.status_code == 200
    assert response.context["form"].errors["hero_image_alt"] == [ALT_REQUIRED]

    page = page.specific
    page.hero_image = image
    with pytest.raises(ValidationError) as info:  # Wagtail cleans a revision before saving it
        page.save_revision()
    assert info.value.message_dict == {"hero_image_alt": [ALT_REQUIRED]}


# 6. Credits snippets -------------------------------------------------------------------------


def test_one_credit_snippet_edited_once_changes_both_exhibitions(client, admin_client):
    home = ensure_site()
    index = publish(home, ExhibitionIndexPage(title="专题展览", slug="exhibitions"))
    credit = Credit.objects.create(name="钱学森图书馆策展组", organisation="上海交通大学")
    exhibitions = []
    for n in (1, 2):
        exhibition = ExhibitionPage(title=f"展览{n}", slug=f"exhibition-{n}")
        exhibition.credit_links = [ExhibitionCredit(credit=credit, role="策展")]
        exhibitions.append(publish(index, exhibition))
    for exhibition in exhibitions:
        assert "钱学森图书馆策展组（上海交通大学）" in public(client, exhibition)

    url = reverse("wagtailsnippets_exhibits_credit:edit", args=[credit.pk])
    response = admin_client.post(
        url, {"name": "钱学森图书馆展陈部", "organisation": "上海交通大学", "note": ""}
    )
    assert response.status_code == 302

    for exhibition in exhibitions:
        html = public(client, exhibition)
        assert "钱学森图书馆展陈部（上海交通大学）" in html and "策展组" not in html
    # Still in use, so it cannot be deleted from under the exhibitions.
    delete = reverse("wagtailsnippets_exhibits_credit:delete", args=[credit.pk])
    admin_client.post(delete)
    assert Credit.objects.filter(pk=credit.pk).exists()


def test_credits_are_chosen_in_the_exhibition_editor_and_previewed(items, admin_client):
    old_item, new_item = items
    page = build("exhibition", old_item)
    credit = Credit.objects.create(name="演示策展小组")
    data = edit_form_data(admin_client, page, new_item)
    data.update(
        {
            "credit_links-TOTAL_FORMS": "1",
            "credit_links-0-credit": str(credit.pk),
            "credit_links-0-role": "展陈设计",
            "credit_links-0-id": "",
            "credit_links-0-ORDER": "0",
            "credit_links-0-DELETE": "",
        }
    )
    url = reverse("wagtailadmin_pages:preview_on_edit", args=[page.pk])
    assert admin_client.post(url, data).json()["is_valid"] is True
    html = admin_client.get(url).content.decode()
    assert "展陈设计" in html and "演示策展小组" in html


# 7. Search description and Open Graph --------------------------------------------------------


def head(html: str) -> dict[str, str]:
    soup = BeautifulSoup(html, "html.parser")
    found = {}
    for meta in soup.head.find_all("meta"):
        key = meta.get("property") or meta.get("name")
        if key:
            found[key] = meta.get("content", "")
    found["title"] = soup.head.title.get_text()
    return found


@pytest.mark.parametrize("kind", KINDS)
def test_search_description_and_open_graph_in_the_head(kind, items, client):
    image = make_image()
    page = build(
        kind,
        items[0],
        seo_title="搜索引擎看到的标题",
        search_description="写给搜索引擎的摘要。",
        listing_image_id=image.pk,
        listing_image_alt="科学家在实验室",
    )
    meta = head(public(client, page))
    assert meta["description"] == "写给搜索引擎的摘要。"
    assert meta["og:description"] == "写给搜索引擎的摘要。"
    assert meta["og:title"] == "搜索引擎看到的标题"
    assert meta["og:type"] == ("website" if kind == "home" else "article")
    assert meta["title"].startswith("搜索引擎看到的标题")
    assert meta["og:image:alt"] == "科学家在实验室"
    assert (meta["og:image:width"], meta["og:image:height"]) == ("1200", "630")
    og_image = urlsplit(meta["og:image"])
    assert (og_image.scheme, og_image.netloc) == ("http", "testserver")  # absolute, this site
    served = client.get(og_image.path)
    assert served.status_code == 200 and served["Content-Type"].startswith("image/")
    assert len(b"".join(served.streaming_content)) > 0
    assert urlsplit(meta["og:url"]).path == url_of(page)


@pytest.mark.parametrize("kind", KINDS)
def test_description_falls_back_to_the_introduction(kind, items, client):
    meta = head(public(client, build(kind, items[0])))
    assert meta["description"] == INTRO
    assert meta["og:description"] == INTRO
    assert meta["og:title"] == OLD_TITLE


def test_chapter_shares_its_exhibitions_hero_image(items, client):
    chapter = build("chapter", items[0])
    exhibition = chapter.get_parent().specific
    exhibition.hero_image, exhibition.hero_image_alt = make_image(), "展览主图：实验室"
    exhibition.save_revision().publish()
    meta = head(public(client, chapter))
    assert meta["og:image:alt"] == "展览主图：实验室"
    assert client.get(urlsplit(meta["og:image"]).path).status_code == 200


def test_long_rich_introduction_is_plain_and_truncated(client):
    home = ensure_site()
    page = publish(
        home,
        StandardPage(
            title="长文",
            slug="long",
            body=stream(text_block("<h2>小标题</h2><p>" + "科学&amp;精神" * 100 + "</p>")),
        ),
    )
    meta = head(public(client, page))
    assert meta["description"].startswith("小标题 科学&精神")
    assert len(meta["description"]) <= 160 and "<" not in meta["description"]


# Curators and moderators, and the demo exhibition ------------------------------------------


def test_curators_edit_and_submit_and_moderators_approve(
    items, moderator, client, django_user_model
):
    old_item, new_item = items
    page = build("exhibition", old_item)
    # The group comes from the exhibits migration, on every deployment; the demo adds nothing.
    assert Group.objects.filter(name=CURATORS_GROUP).count() == 1
    curator = django_user_model.objects.create_user("策展人甲", password="pw")
    curator.groups.add(Group.objects.get(name=CURATORS_GROUP))
    curator = django_user_model.objects.get(pk=curator.pk)
    permissions = page.permissions_for_user(curator)
    assert permissions.can_edit() and not permissions.can_publish()
    assert curator.has_perm("exhibits.change_credit") and moderator.has_perm(
        "exhibits.change_credit"
    )

    client.force_login(curator)
    for url in (
        reverse("wagtailsnippets_exhibits_credit:add"),
        "/admin/snippets/choose/collections/item/",
        reverse("wagtailimages:add_multiple"),
    ):
        assert client.get(url).status_code == 200, url
    page = submit_for_moderation(client, page, new_item)
    assert page.workflow_in_progress
    client.force_login(moderator)
    workflow_action(client, page, "approve")
    client.logout()
    assert NEW_TITLE in public(client, page)


def test_demo_exhibition_keeps_its_credit_when_a_curator_republishes(admin_client, client):
    ensure_site()
    exhibition = load_theme_exhibition(log=lambda line: None)
    assert "演示策展小组" in public(client, exhibition)
    # The editor starts from the latest revision: the credit must be in it, or publishing from
    # the editor would silently remove it.
    html = admin_client.get(reverse("wagtailadmin_pages:edit", args=[exhibition.pk]))
    data = querydict_from_html(html.content.decode(), form_id="page-edit-form")
    data = {key: values[-1] for key, values in data.lists()}
    data.update(nested_form_data({name: stream_form([]) for name in streams_of(ExhibitionPage)}))
    data["action-publish"] = "publish"
    assert data["credit_links-TOTAL_FORMS"] == "1"
    response = admin_client.post(reverse("wagtailadmin_pages:edit", args=[exhibition.pk]), data)
    assert response.status_code == 302
    assert "演示策展小组" in public(client, exhibition)
