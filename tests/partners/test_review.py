"""The reviewers' queue and review page in the admin (archive_site/partners/admin/review.py):
who reaches them, what the queue lists and in what order, what a review page shows, and the
three decisions, each logged; forged decisions change nothing."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry
from wagtail.users.models import UserProfile

from archive_collections.models import Scientist
from archive_site.partners import submitting
from archive_site.partners.models import Contribution, Membership, Organisation, Status
from media_pipeline.models import FileStatus
from tests.conftest import _user
from tests.factories import ItemFileFactory

pytestmark = pytest.mark.django_db


def _submission(scientist, title, kind="case", **extra):
    return submitting.Submission(
        kind=kind,
        title=title,
        licence="cc-by-4.0",
        source_statement="本会自藏",
        scientists=[scientist],
        **extra,
    )


@pytest.fixture
def world(django_user_model):
    scientist = Scientist.objects.create(name="钱学森")
    shaanxi = Organisation.objects.create(
        name="陕西省科协", code="sxkx", kind="association", region="61"
    )
    society = Organisation.objects.create(
        name="中国力学学会", code="cstam", kind="society", region="00"
    )
    contributor = django_user_model.objects.create_user("contrib", password="pw")
    membership = Membership.objects.create(user=contributor, organisation=shaanxi)
    other = django_user_model.objects.create_user("other", password="pw")
    other_membership = Membership.objects.create(user=other, organisation=society)
    reviewer = django_user_model.objects.create_user("curator", password="pw")
    reviewer.groups.add(Group.objects.get(name="策展人"))
    users = {
        "contributor": contributor,
        # An admin user (a page editor) who does not review contributions.
        "editor": _user(django_user_model, "editor", "access_admin"),
        "reviewer": reviewer,
        "superuser": django_user_model.objects.create_superuser("root", "r@example.org", "pw"),
    }
    for user in users.values():  # the admin in English, as the tests read it
        profile = UserProfile.get_for_user(user)
        profile.preferred_language = "en"
        profile.save()
    first = submitting.create(membership, _submission(scientist, "西安讲座照片", kind="material"))
    second = submitting.create(other_membership, _submission(scientist, "力学案例"))
    Contribution.objects.filter(pk=first.pk).update(
        submitted_at=timezone.now() - datetime.timedelta(days=2)
    )
    return {
        "scientist": scientist,
        "orgs": (shaanxi, society),
        "memberships": (membership, other_membership),
        "users": users,
        "material": first,
        "case": second,
    }


def _urls(world) -> list[str]:
    case = world["case"]
    return [
        reverse("partners_review:index"),
        reverse("partners_review:index_results"),
        reverse("partners_review:review", args=[case.pk]),
        reverse("partners_review:history", args=[case.pk]),
        reverse("partners_review:history_results", args=[case.pk]),
    ]


def _refused(response) -> bool:
    # The admin sends a user away from a view that is not theirs (to the login or dashboard).
    return response.status_code in (302, 403, 404)


def test_only_reviewers_reach_the_queue_and_review_pages(client, world):
    for url in _urls(world):
        assert client.get(url).status_code == 302, url  # anonymous: to the login
        for role, user in world["users"].items():
            client.force_login(user)
            response = client.get(url)
            if role in ("reviewer", "superuser"):
                assert response.status_code == 200, (role, url, response.status_code)
            else:
                assert _refused(response), (role, url, response.status_code)
                assert "力学案例" not in response.content.decode()
            client.logout()


@pytest.mark.parametrize("role", ["anonymous", "contributor", "editor"])
@pytest.mark.parametrize(
    "data",
    [
        {"decision": "approve", "approve-access_level": "public", "approve-audience": "public"},
        {"decision": "changes", "changes-comment": "改"},
        {"decision": "reject", "reject-comment": "不要"},
    ],
)
def test_forged_decisions_are_refused_and_change_nothing(client, world, role, data):
    case = world["case"]
    if role != "anonymous":
        client.force_login(world["users"][role])
    response = client.post(reverse("partners_review:review", args=[case.pk]), data)
    assert _refused(response)
    case.refresh_from_db()
    case.item.refresh_from_db()
    assert case.status == Status.SUBMITTED and case.item.access_level == "staff"
    assert [e.action for e in case.events.all()] == ["submitted"]
    assert not ModelLogEntry.objects.filter(object_id=str(case.pk)).exists()


def test_the_queue_lists_what_awaits_review_oldest_first_and_filters(client, world):
    client.force_login(world["users"]["reviewer"])
    url = reverse("partners_review:index")
    text = client.get(url).content.decode()
    assert text.index("西安讲座照片") < text.index("力学案例")  # oldest first
    assert "陕西省科协" in text and "陕西省" in text and "contrib" in text
    assert "GJ-SXKX-00001" in text
    newest = client.get(url, {"ordering": "-submitted_at"}).content.decode()
    assert newest.index("力学案例") < newest.index("西安讲座照片")
    assert "西安讲座照片" not in client.get(url, {"kind": "case"}).content.decode()
    assert "力学案例" not in client.get(url, {"region": "61"}).content.decode()
    by_org = client.get(url, {"organisation": world["orgs"][1].pk}).content.decode()
    assert "力学案例" in by_org and "西安讲座照片" not in by_org
    assert "力学案例" not in client.get(url, {"q": "SXKX"}).content.decode()
    assert "西安讲座照片" in client.get(url, {"q": "gj-sxkx"}).content.decode()
    today = timezone.localdate().isoformat()
    recent = client.get(url, {"submitted_at_from": today}).content.decode()
    assert "力学案例" in recent and "西安讲座照片" not in recent

    reviewer = world["users"]["reviewer"]
    from archive_site.partners import deciding

    deciding.reject(world["case"], reviewer, "与项目无关")
    assert "力学案例" not in client.get(url).content.decode()
    rejected = client.get(url, {"status": "rejected"}).content.decode()
    assert "力学案例" in rejected and "西安讲座照片" not in rejected
    everything = client.get(url, {"status": ""}).content.decode()
    assert "力学案例" in everything and "西安讲座照片" in everything


def test_the_queue_reads_a_page_in_the_same_number_of_queries_whatever_its_size(client, world):
    membership = world["memberships"][0]
    for number in range(30):
        contribution = submitting.create(
            membership, _submission(world["scientist"], f"批量案例{number}")
        )
        ItemFileFactory(item=contribution.item, status=FileStatus.DONE)
    client.force_login(world["users"]["reviewer"])
    url = reverse("partners_review:index")
    client.get(url)  # warm the per-process caches (content types, menus)

    def count(query) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, query).status_code == 200
        return len(queries)

    few = count({"kind": "material"})  # one row
    many = count({"kind": "case"})  # 31 rows
    assert few == many


def test_the_review_page_shows_provenance_files_and_steps_and_decides(client, world):
    material = world["material"]
    done = ItemFileFactory(item=material.item, status=FileStatus.DONE, original_filename="a.jpg")
    waiting = ItemFileFactory(
        item=material.item, status=FileStatus.PENDING, original_filename="b.jpg"
    )
    reviewer = world["users"]["reviewer"]
    client.force_login(reviewer)
    url = reverse("partners_review:review", args=[material.pk])
    text = client.get(url).content.decode()
    for expected in ("西安讲座照片", "陕西省科协", "本会自藏", "CC BY 4.0", "a.jpg", "b.jpg"):
        assert expected in text, expected
    assert material.item.get_absolute_url() in text  # the record page, opened to reviewers
    assert done.master_url in text and waiting.master_url in text
    assert "1 being processed" in text
    # A material is not a resource: no audience to choose.
    assert 'name="approve-audience"' not in text

    # Approving before every file is processed needs the reviewer's word.
    data = {"decision": "approve", "approve-access_level": "researchers"}
    response = client.post(url, data)
    assert response.status_code == 400
    assert "tick the box" in response.content.decode()
    material.refresh_from_db()
    assert material.status == Status.SUBMITTED

    # Request changes needs a comment; with one, the contributor is told.
    assert client.post(url, {"decision": "changes", "changes-comment": " "}).status_code == 400
    assert (
        client.post(url, {"decision": "changes", "changes-comment": "请补充拍摄时间"}).status_code
        == 302
    )
    material.refresh_from_db()
    assert material.status == Status.CHANGES and material.review_comment == "请补充拍摄时间"
    text = client.get(url).content.decode()
    assert "has not resubmitted" in text and 'name="approve-access_level"' not in text

    # Resubmitted, then approved anyway at the researchers' level.
    submitting.update(
        material,
        world["memberships"][0].user,
        _submission(world["scientist"], "西安讲座照片（补充）", kind="material"),
    )
    response = client.post(url, {**data, "approve-unprocessed": "on"})
    assert response.status_code == 302
    material.refresh_from_db()
    material.item.refresh_from_db()
    assert material.status == Status.APPROVED and material.access_level == "researchers"
    assert material.item.access_level == "researchers" and material.reviewer == reviewer
    text = client.get(url).content.decode()
    assert "Decided: Approved" in text and "<form" not in text.split("main-content")[-1]
    assert client.post(url, {"decision": "reject", "reject-comment": "迟"}).status_code == 302
    material.refresh_from_db()
    assert material.status == Status.APPROVED  # a decided contribution stays decided

    history = client.get(reverse("partners_review:history", args=[material.pk]))
    assert "Request changes to a contribution: 请补充拍摄时间" in history.content.decode()
    assert "Approve a contribution" in history.content.decode()


def test_a_case_is_approved_for_partners_only_and_a_rejection_needs_a_reason(client, world):
    case = world["case"]
    client.force_login(world["users"]["superuser"])
    url = reverse("partners_review:review", args=[case.pk])
    text = client.get(url).content.decode()
    assert 'name="approve-audience"' in text and "No files were uploaded" in text
    assert client.post(url, {"decision": "reject", "reject-comment": ""}).status_code == 400
    response = client.post(
        url,
        {
            "decision": "approve",
            "approve-access_level": "public",
            "approve-audience": "partners",
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    case.item.refresh_from_db()
    assert case.status == Status.APPROVED and case.audience == "partners"
    assert case.item.access_level == "staff"  # partner-only resources stay off the archive


def test_the_record_edit_link_shows_to_those_who_may_edit_it(client, world):
    url = reverse("partners_review:review", args=[world["case"].pk])
    edit = reverse("wagtailsnippets_collections_item:edit", args=[world["case"].item.pk])
    client.force_login(world["users"]["superuser"])
    assert edit in client.get(url).content.decode()
    assert client.get(edit).status_code == 200
    # A curator sees no staff-only record in the item admin: no link that would answer 404.
    client.force_login(world["users"]["reviewer"])
    assert edit not in client.get(url).content.decode()


def test_the_menu_counts_what_awaits_review(client, world):
    client.force_login(world["users"]["reviewer"])
    text = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Review contributions (2)" in text
    client.force_login(world["users"]["editor"])
    assert "Review contributions" not in client.get(reverse("wagtailadmin_home")).content.decode()
