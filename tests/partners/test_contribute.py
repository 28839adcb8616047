"""The contribution area /contribute/ (#13.2): who reaches which page, the three submit forms,
edit and resubmit, more files, and what a contributor can never do (forged requests too)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse

from archive_collections.models.choices import AccessLevel
from archive_site.partners import deciding, submitting
from archive_site.partners.models import (
    Contribution,
    EventAction,
    MemberRole,
    Membership,
    Organisation,
    Status,
)
from tests.factories import ScientistFactory, small_jpeg

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "nonmember", "curator", "other_org", "colleague", "contributor", "editor")


@dataclass
class World:
    scientist: Any
    users: dict[str, Any]
    own: Contribution  # the contributor's case, awaiting review
    foreign: Contribution  # another organisation's

    def client(self, role: str) -> Client:
        client = Client()
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the tests read English
        if role != "anonymous":
            client.force_login(self.users[role])
        return client


def _case(membership, scientist, title: str) -> Contribution:
    return submitting.create(
        membership,
        submitting.Submission(
            kind="case",
            title=title,
            licence="cc-by-4.0",
            source_statement="自采",
            scientists=[scientist],
        ),
    )


@pytest.fixture
def world(django_user_model) -> World:
    scientist = ScientistFactory(identifier="qian-xuesen", name="钱学森")
    local = Organisation.objects.create(
        name="陕西省科协", code="sxkx", kind="association", region="61"
    )
    society = Organisation.objects.create(
        name="中国力学学会", code="cstam", kind="society", region="00"
    )
    users = {
        role: django_user_model.objects.create_user(role, password="pw")
        for role in ROLES
        if role != "anonymous"
    }
    users["curator"].groups.add(Group.objects.get(name="策展人"))
    members = {
        "contributor": (local, MemberRole.CONTRIBUTOR),
        "colleague": (local, MemberRole.CONTRIBUTOR),
        "editor": (local, MemberRole.EDITOR),
        "other_org": (society, MemberRole.EDITOR),
    }
    memberships = {
        role: Membership.objects.create(user=users[role], organisation=org, role=member_role)
        for role, (org, member_role) in members.items()
    }
    own = _case(memberships["contributor"], scientist, "本会案例甲")
    foreign = _case(memberships["other_org"], scientist, "学会案例乙")
    return World(scientist, users, own, foreign)


def _urls(world: World) -> dict[str, str]:
    pk = world.own.pk
    return {
        "home": reverse("contribute:home"),
        "new-material": reverse("contribute:new", args=["material"]),
        "new-case": reverse("contribute:new", args=["case"]),
        "new-product": reverse("contribute:new", args=["product"]),
        "batch": reverse("contribute:batch"),
        "detail": reverse("contribute:detail", args=[pk]),
        "edit": reverse("contribute:edit", args=[pk]),
        "add_files": reverse("contribute:add_files", args=[pk]),
    }


# Expected answers: the area's pages to members; the contributor's own case to them and their
# organisation's editor only. add_files is POST-only (405 to a GET from anyone who gets that far).
OPEN = {"home", "new-material", "new-case", "new-product", "batch"}
OWN = {"detail", "edit", "add_files"}


def _expected(role: str, name: str) -> int:
    if name == "add_files":
        return 405  # POST only, whoever asks
    if role == "anonymous":
        return 302
    if role in ("nonmember", "curator"):
        return 403
    if name in OPEN:
        return 200
    return 200 if role in ("contributor", "editor") else 404


def test_every_contribution_url_answers_each_role_as_scope_says(world):
    problems = []
    for role in ROLES:
        client = world.client(role)
        for name, url in _urls(world).items():
            response = client.get(url)
            if response.status_code != _expected(role, name):
                problems.append(f"{role} GET {name}: {response.status_code}")
            if response.status_code == 302:
                assert response["Location"].startswith(reverse("wagtailadmin_login") + "?next=")
            if response.status_code == 403:
                assert b"not a member of a partner organisation" in response.content
            body = response.content.decode()
            if role in ("other_org", "colleague", "nonmember", "anonymous", "curator"):
                assert "本会案例甲" not in body, (role, name)
        # The POST-only route, with a file: stored only for those who work on the case.
        upload = {"files": [_jpeg(f"{role}.jpg", 5000 + ROLES.index(role))]}
        response = client.post(_urls(world)["add_files"], upload)
        wanted = {"anonymous": 302, "nonmember": 403, "curator": 403}.get(role, 404)
        wanted = 302 if role in ("contributor", "editor") else wanted
        if response.status_code != wanted:
            problems.append(f"{role} POST add_files: {response.status_code}")
        elif role in ("contributor", "editor"):
            assert response["Location"] == _urls(world)["detail"]
    stored = set(world.own.item.files.values_list("original_filename", flat=True))
    assert stored == {"contributor.jpg", "editor.jpg"}
    assert not problems, problems


def test_anonymous_is_sent_to_the_sites_login_and_comes_back(world):
    response = Client().get(reverse("contribute:home"))
    assert response.status_code == 302
    login = response["Location"]
    assert "next=/contribute/" in login
    page = Client().post(login, {"username": "contributor", "password": "pw"})
    assert page.status_code == 302 and page["Location"] == "/contribute/"


def test_home_lists_own_submissions_and_an_editor_sees_the_organisations(world):
    colleague = Membership.objects.get(user=world.users["colleague"])
    _case(colleague, world.scientist, "同事的案例")
    deciding.request_changes(world.own, world.users["curator"], "请补充照片来源")
    mine = world.client("contributor").get(reverse("contribute:home")).content.decode()
    assert "本会案例甲" in mine and "请补充照片来源" in mine and "Changes requested" in mine
    assert "同事的案例" not in mine and "学会案例乙" not in mine
    editor = world.client("editor").get(reverse("contribute:home")).content.decode()
    assert "本会案例甲" in editor and "同事的案例" in editor and "学会案例乙" not in editor
    waiting = world.client("editor").get(reverse("contribute:home") + "?status=submitted")
    assert "同事的案例" in waiting.content.decode()
    assert "本会案例甲" not in waiting.content.decode()
    bad = world.client("editor").get(reverse("contribute:home") + "?status=nonsense&page=x")
    assert bad.status_code == 200 and "本会案例甲" in bad.content.decode()


def test_home_is_paginated(world):
    membership = Membership.objects.get(user=world.users["contributor"])
    for number in range(21):
        _case(membership, world.scientist, f"分页案例{number:02d}")
    client = world.client("contributor")
    first = client.get(reverse("contribute:home")).content.decode()
    second = client.get(reverse("contribute:home") + "?page=2").content.decode()
    assert first.count('class="contribute-card"') == 20
    assert second.count('class="contribute-card"') == 2


def _jpeg(name: str, seed: int) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, small_jpeg(seed), content_type="image/jpeg")


def _material(world, **extra) -> dict:
    return {
        "title": "钱学森手稿扫描",
        "item_type": "manuscript",
        "date_text": "1956年3月",
        "description": "手稿两页",
        "creators": "钱学森",
        "scientists": [world.scientist.pk],
        "source_statement": "本会馆藏，本会持有版权",
        "licence": "cc-by-nc-4.0",
        "identifier": "SXKX-2024-001",
        **extra,
    }


def test_submitting_material_stores_the_record_and_reports_each_file(world):
    client = world.client("contributor")
    files = [
        _jpeg("p1.jpg", 4101),
        _jpeg("p2.jpg", 4101),  # the same bytes again
        SimpleUploadedFile("fake.pdf", b"just text, not a PDF"),
        _jpeg("p3.jpg", 4102),
    ]
    response = client.post(
        reverse("contribute:new", args=["material"]),
        {**_material(world), "files": files},
        follow=True,
    )
    assert response.status_code == 200
    body = response.content.decode()
    contribution = Contribution.objects.get(title="钱学森手稿扫描")
    item = contribution.item
    assert item.identifier == "SXKX-2024-001" and item.item_type == "manuscript"
    assert item.date_text == "1956年3月" and item.access_level == AccessLevel.STAFF
    assert contribution.status == Status.SUBMITTED
    assert "Files: 2 stored, 1 duplicates, 1 refused" in body
    assert "fake.pdf" in body and "Refused" in body
    assert sorted(item.files.values_list("original_filename", flat=True)) == ["p1.jpg", "p3.jpg"]
    assert response.redirect_chain == [(reverse("contribute:detail", args=[contribution.pk]), 302)]
    detail = client.get(reverse("contribute:detail", args=[contribution.pk])).content.decode()
    assert "p1.jpg" in detail and item.files.get(original_filename="p1.jpg").master_url in detail
    assert "Files: 2 stored" not in detail  # the outcomes are shown once, after the change


def test_a_case_and_a_product_are_submitted_with_their_own_fields(world):
    client = world.client("contributor")
    common = {
        "title": "钱学森归国案例",
        "summary": "归国历程",
        "body": "第一段。\n\n第二段。",
        "scientists": [world.scientist.pk],
        "theme": "patriotism",
        "source_statement": "本会编写",
        "licence": "cc-by-4.0",
        "audience": "partners",
    }
    response = client.post(reverse("contribute:new", args=["case"]), common, follow=True)
    assert response.status_code == 200
    case = Contribution.objects.get(title="钱学森归国案例")
    assert (case.kind, case.audience, case.theme) == ("case", "partners", "patriotism")
    missing = client.post(reverse("contribute:new", args=["product"]), common)
    assert missing.status_code == 400 and b"product_kind" in missing.content
    product = {**common, "title": "归国微视频", "product_kind": "video"}
    assert (
        client.post(reverse("contribute:new", args=["product"]), product, follow=True).status_code
        == 200
    )
    assert Contribution.objects.get(title="归国微视频").product_kind == "video"
    assert client.get(reverse("contribute:new", args=["poem"])).status_code == 404


def test_bad_input_gets_the_form_back_with_reasons_never_a_500(world):
    client = world.client("contributor")
    url = reverse("contribute:new", args=["material"])
    cases = [
        {},
        {**_material(world), "scientists": ["999999"]},
        {**_material(world), "scientists": ["not-a-number"]},
        {**_material(world), "licence": "gpl"},
        {**_material(world), "item_type": "spaceship"},
        {**_material(world), "identifier": "../etc/passwd"},
        {**_material(world), "title": "x" * 301},
        {**_material(world), "identifier": world.foreign.item.identifier},
    ]
    before = Contribution.objects.count()
    for data in cases:
        response = client.post(url, data)
        assert response.status_code == 400, data
        assert b"access-form__errors" in response.content
    assert Contribution.objects.count() == before
    taken = client.post(url, {**_material(world), "identifier": world.foreign.item.identifier})
    assert b"already taken" in taken.content


def test_forged_fields_cannot_decide_set_access_or_change_organisation(world):
    client = world.client("contributor")
    society = Organisation.objects.get(code="cstam")
    forged = {
        **_material(world, identifier=""),
        "status": "approved",
        "access_level": "public",
        "organisation": society.pk,
        "organisation_id": society.pk,
        "reviewer": world.users["curator"].pk,
        "submitter": world.users["editor"].pk,
        "review_comment": "自己批准",
    }
    assert (
        client.post(reverse("contribute:new", args=["material"]), forged, follow=True).status_code
        == 200
    )
    made = Contribution.objects.get(title="钱学森手稿扫描")
    assert (made.status, made.access_level, made.reviewer, made.review_comment) == (
        Status.SUBMITTED,
        "",
        None,
        "",
    )
    assert made.organisation.code == "sxkx" and made.submitter == world.users["contributor"]
    assert made.item.access_level == AccessLevel.STAFF
    edited = client.post(reverse("contribute:edit", args=[made.pk]), forged, follow=True)
    assert edited.status_code == 200
    made.refresh_from_db()
    made.item.refresh_from_db()
    assert made.status == Status.SUBMITTED and made.item.access_level == AccessLevel.STAFF
    # The contribution area has no decision to take: a POST to a page is refused.
    detail = reverse("contribute:detail", args=[made.pk])
    assert client.post(detail, {"action": "approve"}).status_code == 405
    # Nor does the review queue open to a contributor: they hold no admin access.
    assert client.get(reverse("wagtailadmin_home")).status_code in (302, 403)


def test_another_organisations_or_members_contribution_cannot_be_changed(world):
    edit = reverse("contribute:edit", args=[world.foreign.pk])
    files = reverse("contribute:add_files", args=[world.foreign.pk])
    for role in ("contributor", "editor", "colleague"):
        client = world.client(role)
        data = {**_material(world), "title": "篡改"}
        assert client.post(edit, data).status_code == 404
        assert client.post(files, {"files": [_jpeg("x.jpg", 4200)]}).status_code == 404
    colleague = world.client("colleague")
    own_edit = reverse("contribute:edit", args=[world.own.pk])
    assert colleague.post(own_edit, {"title": "篡改"}).status_code == 404
    world.foreign.refresh_from_db()
    world.own.refresh_from_db()
    assert world.foreign.title == "学会案例乙" and world.own.title == "本会案例甲"
    assert not world.foreign.item.files.exists() and not world.own.item.files.exists()


def _case_form(world, title: str) -> dict:
    return {
        "title": title,
        "summary": "摘要",
        "body": "正文",
        "scientists": [world.scientist.pk],
        "source_statement": "自采",
        "licence": "cc-by-4.0",
        "audience": "public",
    }


def test_changes_requested_then_edited_goes_back_to_review_and_a_decided_one_is_read_only(world):
    curator = world.users["curator"]
    deciding.request_changes(world.own, curator, "标题请写全名")
    client = world.client("editor")  # the organisation's editor may change a member's case
    edit = reverse("contribute:edit", args=[world.own.pk])
    form = client.get(edit)
    assert form.status_code == 200 and "本会案例甲" in form.content.decode()
    data = {**_case_form(world, "本会案例甲（修改）"), "files": [_jpeg("new.jpg", 4300)]}
    response = client.post(edit, data, follow=True)
    assert response.status_code == 200 and b"Files: 1 stored" in response.content
    world.own.refresh_from_db()
    assert world.own.status == Status.SUBMITTED and world.own.title == "本会案例甲（修改）"
    actions = list(world.own.events.values_list("action", flat=True))
    assert actions == [EventAction.SUBMITTED, EventAction.CHANGES, EventAction.EDITED]
    detail = client.get(reverse("contribute:detail", args=[world.own.pk])).content.decode()
    assert "标题请写全名" in detail and "Changes requested" in detail

    deciding.approve(world.own, curator, AccessLevel.PUBLIC)
    contributor = world.client("contributor")
    assert contributor.get(edit).status_code == 403
    assert contributor.post(edit, _case_form(world, "批准后再改")).status_code == 403
    more = reverse("contribute:add_files", args=[world.own.pk])
    assert contributor.post(more, {"files": [_jpeg("late.jpg", 4301)]}).status_code == 403
    world.own.refresh_from_db()
    assert world.own.title == "本会案例甲（修改）" and world.own.item.files.count() == 1
    page = contributor.get(reverse("contribute:detail", args=[world.own.pk])).content.decode()
    assert "can no longer change" in page and 'action="/contribute/' not in page


def test_more_files_are_added_with_their_outcomes(world):
    client = world.client("contributor")
    url = reverse("contribute:add_files", args=[world.own.pk])
    assert client.post(url, {}).status_code == 400
    response = client.post(
        url, {"files": [_jpeg("a.jpg", 4400), _jpeg("b.jpg", 4400)]}, follow=True
    )
    assert response.status_code == 200
    assert b"Files: 1 stored, 1 duplicates, 0 refused" in response.content


@override_settings(MEDIA_MAX_FILE_BYTES=2000)
def test_a_file_over_the_size_limit_is_refused_with_its_name(world):
    client = world.client("contributor")
    url = reverse("contribute:add_files", args=[world.own.pk])
    big = SimpleUploadedFile("huge-scan.jpg", small_jpeg(4500, (400, 400)))
    assert big.size > 2000
    response = client.post(url, {"files": [big, _jpeg("ok.jpg", 4501)]}, follow=True)
    body = response.content.decode()
    assert "huge-scan.jpg is larger than the 2,000-byte limit" in body
    assert list(world.own.item.files.values_list("original_filename", flat=True)) == ["ok.jpg"]


@override_settings(MEDIA_ADMIN_UPLOAD_MAX_BYTES=3000)
def test_an_upload_over_the_request_limit_stores_nothing(world):
    client = world.client("contributor")
    url = reverse("contribute:add_files", args=[world.own.pk])
    big_bytes = small_jpeg(4600, (400, 400))
    big = SimpleUploadedFile("huge.jpg", big_bytes)
    response = client.post(url, {"files": [big]})
    assert response.status_code == 400 and b"larger than the" in response.content
    assert not world.own.item.files.exists()
    new = client.post(
        reverse("contribute:new", args=["case"]),
        {**_case_form(world, "超限案例"), "files": [SimpleUploadedFile("huge.jpg", big_bytes)]},
    )
    assert new.status_code == 413 and not Contribution.objects.filter(title="超限案例").exists()


SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>'
XML_SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"


def test_svg_and_html_uploads_are_never_served_inline_as_markup(world):
    client = world.client("contributor")
    url = reverse("contribute:add_files", args=[world.own.pk])
    files = [
        SimpleUploadedFile("logo.svg", SVG, content_type="image/svg+xml"),
        SimpleUploadedFile("prolog.svg", XML_SVG, content_type="image/svg+xml"),
        SimpleUploadedFile("page.html", HTML, content_type="text/html"),
        SimpleUploadedFile("disguised.jpg", HTML, content_type="image/jpeg"),
    ]
    response = client.post(url, {"files": files}, follow=True)
    assert response.status_code == 200
    body = response.content.decode()
    assert "disguised.jpg" in body and "Refused" in body
    stored = list(world.own.item.files.all())
    # The ingest keeps markup as text (text/plain, or application/xml after an XML prolog):
    # each is served as a download under a sandbox, never shown inline on the site's origin.
    assert {f.original_filename for f in stored} == {"logo.svg", "prolog.svg", "page.html"}
    for item_file in stored:
        served = client.get(item_file.master_url)
        assert served.status_code == 200
        content_type = served["Content-Type"]
        assert not content_type.startswith(("image/svg", "text/html", "application/xhtml"))
        assert served["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in served["Content-Security-Policy"]
        assert served["Content-Disposition"].startswith("attachment")
        b"".join(served.streaming_content)
    # Nobody outside the contribution opens them.
    assert world.client("other_org").get(stored[0].master_url).status_code == 404


def test_a_forged_or_broken_multipart_body_is_answered_without_a_500(world):
    client = world.client("contributor")
    url = reverse("contribute:add_files", args=[world.own.pk])
    response = client.generic(
        "POST",
        url,
        b"--xx\r\nContent-Disposition: form-data; name=files; filename=a.jpg\r\n\r\nabc",
        content_type="multipart/form-data; boundary=xx",
    )
    assert response.status_code in (400, 403)
    csrf = Client(enforce_csrf_checks=True)
    csrf.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    csrf.force_login(world.users["contributor"])
    assert csrf.post(url, {"files": [_jpeg("c.jpg", 4700)]}).status_code == 403
    assert not world.own.item.files.exists()
