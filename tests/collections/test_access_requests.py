"""Access requests (issue 16.5): register as a researcher, verify by a signed link, ask for one
researcher-only record, an archivist approves (研究人员 group or a fonds grant for a period) or
declines with a reason, and the requester is e-mailed; bad input refused clearly."""

from __future__ import annotations

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from wagtail.models import ModelLogEntry

from archive_collections import access_request_demo
from archive_collections.access import AccessPolicy
from archive_collections.models import AccessRequest, FondsAccessGrant, Item
from tests.factories import ItemFactory

pytestmark = pytest.mark.django_db

PURPOSE = "研究钱学森在加州理工学院时期的手稿与通信，用于博士论文第三章。"
PASSWORD = "Kx8-quiet-lantern-42"


@pytest.fixture
def records():
    restricted = ItemFactory(identifier="AR-R-1", title="研究者手稿甲", access_level="researchers")
    sibling = ItemFactory(
        identifier="AR-R-2",
        title="研究者手稿乙",
        access_level="researchers",
        series=restricted.series,
    )
    other_fonds = ItemFactory(identifier="AR-R-3", title="别的全宗", access_level="researchers")
    staff = ItemFactory(
        identifier="AR-STAFF", title="馆员专用", access_level="staff", series=restricted.series
    )
    later = timezone.localdate() + datetime.timedelta(days=30)
    embargoed = ItemFactory(
        identifier="AR-EMB",
        title="封存件",
        access_level="researchers",
        embargo_until=later,
        series=restricted.series,
    )
    public = ItemFactory(identifier="AR-PUB", title="公开件", series=restricted.series)
    return {
        "restricted": restricted,
        "sibling": sibling,
        "other": other_fonds,
        "staff": staff,
        "embargoed": embargoed,
        "public": public,
    }


@pytest.fixture
def archivist(django_user_model):
    user = django_user_model.objects.create_user("ar-archivist", password="pw", email="a@x.org")
    user.groups.add(Group.objects.get(name="档案员"))
    return user


@pytest.fixture
def archivist_client(archivist):
    client = Client()
    client.force_login(archivist)
    return client


def _register(client, email="li.hua@example.edu", next_path="/archive/items/AR-R-1/", **extra):
    data = {
        "name": "李华",
        "email": email,
        "institution": "清华大学科学史系",
        "research_purpose": PURPOSE,
        "password1": PASSWORD,
        "password2": PASSWORD,
        "next": next_path,
        **extra,
    }
    return client.post(reverse("collections:register"), data)


def _sign_in(client, username: str) -> bool:
    """Through the site's login form, as a visitor would (django-axes wants the request)."""
    response = client.post(
        reverse("wagtailadmin_login"), {"username": username, "password": PASSWORD}
    )
    return response.status_code == 302


def _page(response) -> str:
    """The page without its per-response CSRF token."""
    return re.sub(r'value="[A-Za-z0-9]{64}"', "", response.content.decode())


def _link(message) -> str:
    return re.search(r"https?://\S+", message.body).group(0)


def _requester(django_user_model, name="ar-plain"):
    return django_user_model.objects.create_user(name, password="pw", email=f"{name}@x.org")


def _ask(client, item, purpose=PURPOSE):
    url = reverse("collections:request_access", kwargs={"identifier": item.identifier})
    return client.post(url, {"purpose": purpose})


def _decide(client, access_request, **data):
    url = reverse("collections_access_request_decide", args=[access_request.pk])
    return client.post(url, data)


def test_the_whole_journey_with_a_fonds_grant(client, records, archivist_client):
    restricted = records["restricted"]
    page = client.get(restricted.get_absolute_url())
    assert page.status_code == 403
    text = page.content.decode()
    assert "注册成为研究人员" in text and "研究者手稿甲" not in text

    response = _register(client)
    assert response.status_code == 302 and response["Location"] == reverse(
        "collections:register_sent"
    )
    user = get_user_model().objects.get(email="li.hua@example.edu")
    assert not user.is_active
    assert not user.groups.exists() and not user.user_permissions.exists()
    assert not user.is_staff and not user.is_superuser
    assert user.researcher_profile.institution == "清华大学科学史系"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["li.hua@example.edu"]
    assert "确认" in mail.outbox[0].subject  # the visitor's language: Chinese by default

    link = _link(mail.outbox[0])
    assert not _sign_in(client, "li.hua@example.edu")  # inactive until verified
    verified = client.get(link)
    assert verified.status_code == 200
    user.refresh_from_db()
    assert user.is_active and user.researcher_profile.verified_at is not None
    assert client.get(link).status_code == 400  # single use
    assert urlencode({"next": restricted.get_absolute_url()}) in verified.content.decode()

    assert _sign_in(client, "li.hua@example.edu")
    page = client.get(restricted.get_absolute_url())
    assert page.status_code == 403 and 'name="purpose"' in page.content.decode()
    response = _ask(client, restricted)
    assert response.status_code == 302
    access_request = AccessRequest.objects.get(user=user, item=restricted)
    assert access_request.is_pending and access_request.language == "zh-hans"
    page = client.get(restricted.get_absolute_url())
    assert page.status_code == 403 and "正在等待档案员审核" in page.content.decode()

    listing = archivist_client.get(reverse("collections_access_requests"))
    assert listing.status_code == 200 and "AR-R-1" in listing.content.decode()
    menu = archivist_client.get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("collections_access_requests") in menu  # the 访问申请 menu item
    until = timezone.localdate() + datetime.timedelta(days=30)
    response = _decide(
        archivist_client, access_request, decision="approve_fonds", until=until.isoformat()
    )
    assert response.status_code == 302
    access_request.refresh_from_db()
    assert access_request.status == "approved" and access_request.grant_until == until
    grant = FondsAccessGrant.objects.get(user=user)
    assert grant.fonds_id == restricted.series.fonds_id and grant.valid_until == until
    entry = ModelLogEntry.objects.for_instance(access_request).get()
    assert entry.action == "collections.access_request.approve_fonds"
    assert entry.user.username == "ar-archivist"

    decision = mail.outbox[-1]
    assert decision.to == ["li.hua@example.edu"]
    assert "访问申请已批准" in decision.subject and "AR-R-1" in decision.subject
    assert "http://testserver/archive/items/AR-R-1/" in decision.body
    assert until.isoformat() in decision.body
    approved = archivist_client.get(reverse("collections_access_requests") + "?status=approved")
    assert f"访问截止 {until.isoformat()}" in approved.content.decode()

    page = client.get(restricted.get_absolute_url())
    assert page.status_code == 200 and "研究者手稿甲" in page.content.decode()
    assert client.get(records["sibling"].get_absolute_url()).status_code == 200  # same fonds
    assert client.get(records["other"].get_absolute_url()).status_code == 403  # another fonds
    assert client.get(records["staff"].get_absolute_url()).status_code == 404
    assert client.get(records["embargoed"].get_absolute_url()).status_code == 404


def test_approval_into_the_researchers_group_in_english(client, records, archivist_client):
    user = _requester(get_user_model())
    client.force_login(user)
    client.cookies["django_language"] = "en"
    assert _ask(client, records["restricted"]).status_code == 302
    access_request = AccessRequest.objects.get()
    assert access_request.language == "en"
    assert _decide(archivist_client, access_request, decision="approve_group").status_code == 302
    assert user.groups.filter(name="研究人员").exists()
    message = mail.outbox[-1]
    assert message.subject == "Access granted: AR-R-1"
    assert "every record open to researchers" in message.body
    assert client.get(records["other"].get_absolute_url()).status_code == 200


def test_decline_needs_a_reason_and_sends_it(client, records, archivist_client):
    user = _requester(get_user_model())
    client.force_login(user)
    _ask(client, records["restricted"])
    access_request = AccessRequest.objects.get()
    refused = _decide(archivist_client, access_request, decision="decline", reason=" ")
    assert refused.status_code == 400 and "请说明拒绝的理由" in refused.content.decode()
    access_request.refresh_from_db()
    assert access_request.is_pending and not mail.outbox
    reason = "请先由导师出具推荐信。"
    assert _decide(archivist_client, access_request, decision="decline", reason=reason).status_code
    access_request.refresh_from_db()
    assert access_request.status == "declined" and access_request.reason == reason
    assert reason in mail.outbox[-1].body and "拒绝" in mail.outbox[-1].subject
    entry = ModelLogEntry.objects.for_instance(access_request).get()
    assert entry.action == "collections.access_request.decline"
    assert entry.data["reason"] == reason
    assert client.get(records["restricted"].get_absolute_url()).status_code == 403
    again = _decide(archivist_client, access_request, decision="approve_group")
    assert again.status_code == 400  # decided already
    assert not user.groups.exists()


def test_an_expired_grant_no_longer_opens_the_fonds(client, records, django_user_model):
    user = _requester(django_user_model)
    restricted = records["restricted"]
    today = timezone.localdate()
    FondsAccessGrant.objects.create(
        user=user, fonds=restricted.series.fonds, valid_until=today - datetime.timedelta(days=1)
    )
    client.force_login(user)
    assert client.get(restricted.get_absolute_url()).status_code == 403
    policy = AccessPolicy.for_user(django_user_model.objects.get(pk=user.pk))
    assert not policy.can_view(restricted)
    assert not Item.objects.visible_to(policy).filter(pk=restricted.pk).exists()
    # The last day counts.
    FondsAccessGrant.objects.create(user=user, fonds=restricted.series.fonds, valid_until=today)
    fresh = django_user_model.objects.get(pk=user.pk)
    policy = AccessPolicy.for_user(fresh)
    assert policy.can_view(restricted)
    visible = set(Item.objects.visible_to(policy).values_list("identifier", flat=True))
    assert visible == {"AR-R-1", "AR-R-2", "AR-PUB"}
    tomorrow = AccessPolicy.for_user(fresh, today + datetime.timedelta(days=1))
    assert not tomorrow.can_view(restricted)


def test_grants_are_read_once_per_request_user(records, django_user_model):
    user = django_user_model.objects.get(pk=_requester(django_user_model).pk)
    FondsAccessGrant.objects.create(
        user=user,
        fonds=records["restricted"].series.fonds,
        valid_until=timezone.localdate() + datetime.timedelta(days=5),
    )
    with CaptureQueriesContext(connection) as first:
        AccessPolicy.for_user(user)
    with CaptureQueriesContext(connection) as again:
        for _ in range(5):
            assert AccessPolicy.for_user(user).granted_fonds
    grant_queries = [q for q in first.captured_queries if "fondsaccessgrant" in q["sql"]]
    assert len(grant_queries) == 1
    assert len(again.captured_queries) == 0


# Bad input -----------------------------------------------------------------------------------


def test_a_request_for_a_public_or_unknown_record_is_refused_clearly(client, records):
    client.force_login(_requester(get_user_model()))
    public = _ask(client, records["public"])
    assert public.status_code == 400
    assert "这是公开记录" in public.content.decode()
    unknown = client.post(
        reverse("collections:request_access", kwargs={"identifier": "NO-SUCH"}),
        {"purpose": PURPOSE},
    )
    assert unknown.status_code == 404 and "没有这个档号的记录" in unknown.content.decode()
    # Staff-only and embargoed records answer exactly as an unknown identifier.
    for hidden in (records["staff"], records["embargoed"]):
        response = _ask(client, hidden)
        assert response.status_code == 404
        assert _page(response).replace(hidden.identifier, "NO-SUCH") == _page(unknown)
    assert not AccessRequest.objects.exists()


def test_a_second_request_says_one_is_pending(client, records):
    user = _requester(get_user_model())
    client.force_login(user)
    assert _ask(client, records["restricted"]).status_code == 302
    again = _ask(client, records["restricted"], purpose=PURPOSE + "（补充）")
    assert again.status_code == 409
    assert "您已申请访问此记录" in again.content.decode()
    assert AccessRequest.objects.filter(user=user).count() == 1


def test_a_short_purpose_or_a_get_is_refused(client, records):
    client.force_login(_requester(get_user_model()))
    short = _ask(client, records["restricted"], purpose="看看")
    assert short.status_code == 400 and "至少" in short.content.decode()
    url = reverse("collections:request_access", kwargs={"identifier": "AR-R-1"})
    assert client.get(url).status_code == 405
    assert not AccessRequest.objects.exists()


def test_anonymous_requests_go_to_login_and_researchers_need_none(client, records, researcher):
    response = _ask(client, records["restricted"])
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    client.force_login(researcher)
    assert _ask(client, records["restricted"]).status_code == 400  # already readable
    assert not AccessRequest.objects.exists()


def test_a_forged_withdrawal_of_anothers_request_is_refused(client, records, django_user_model):
    owner, other = _requester(django_user_model, "owner"), _requester(django_user_model, "other")
    client.force_login(owner)
    _ask(client, records["restricted"])
    access_request = AccessRequest.objects.get()
    url = reverse("collections:withdraw_access_request", args=[access_request.pk])
    forger = Client()
    forger.force_login(other)
    assert forger.post(url).status_code == 403
    access_request.refresh_from_db()
    assert access_request.is_pending
    assert client.post(url).status_code == 302
    access_request.refresh_from_db()
    assert access_request.status == "withdrawn"


def test_a_non_archivist_cannot_see_or_decide_requests(client, records, django_user_model):
    owner = _requester(django_user_model)
    client.force_login(owner)
    _ask(client, records["restricted"])
    access_request = AccessRequest.objects.get()
    curator = django_user_model.objects.create_user("ar-curator", password="pw")
    curator.groups.add(Group.objects.get(name="策展人"))
    researcher = django_user_model.objects.create_user("ar-res", password="pw")
    researcher.groups.add(Group.objects.get(name="研究人员"), Group.objects.get(name="策展人"))
    for user in (curator, researcher):  # in the admin, without archivists' rights
        forger = Client()
        forger.force_login(user)
        menu = forger.get(reverse("wagtailadmin_home")).content.decode()
        assert reverse("collections_access_requests") not in menu
        assert forger.get(reverse("collections_access_requests")).status_code == 403
        assert _decide(forger, access_request, decision="approve_group").status_code == 403
    # The requester has no admin access at all: Wagtail sends them to its login.
    response = _decide(client, access_request, decision="approve_group")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    access_request.refresh_from_db()
    assert access_request.is_pending
    assert not owner.groups.exists() and not FondsAccessGrant.objects.exists()
    assert not ModelLogEntry.objects.for_instance(access_request).exists()


def test_a_fonds_grant_needs_a_future_end_date(records, archivist_client, django_user_model):
    client = Client()
    client.force_login(_requester(django_user_model))
    _ask(client, records["restricted"])
    access_request = AccessRequest.objects.get()
    past = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    for until, message in (
        ("", "需要结束日期"),
        (past, "结束日期已过"),
        ("2099-01-01", "最长三年"),
    ):
        response = _decide(archivist_client, access_request, decision="approve_fonds", until=until)
        assert response.status_code == 400 and message in response.content.decode(), until
    assert not FondsAccessGrant.objects.exists()


# Registration -------------------------------------------------------------------------------------


def test_registration_validates_passwords_and_hides_existing_accounts(client, django_user_model):
    weak = _register(client, password1="12345678", password2="12345678")
    assert weak.status_code == 400 and "密码" in weak.content.decode()
    differ = _register(client, password2=PASSWORD + "x")
    assert differ.status_code == 400 and "两次输入的密码不一致" in differ.content.decode()
    assert not django_user_model.objects.exists() and not mail.outbox
    django_user_model.objects.create_user("taken", email="taken@example.edu", password="pw")
    response = _register(client, email="Taken@Example.edu")
    assert response.status_code == 302  # the same answer as a new address
    assert django_user_model.objects.count() == 1
    assert mail.outbox[-1].to == ["taken@example.edu"] and "已有账户" in mail.outbox[-1].subject


def test_a_bad_or_forged_verification_link_activates_nothing(client, django_user_model):
    _register(client)
    user = django_user_model.objects.get()
    link = _link(mail.outbox[0])
    forged = re.sub(r"/verify/([^/]+)/([^/]+)/", r"/verify/\1/0-forged/", link)
    assert client.get(forged).status_code == 400
    assert client.get("/archive/researchers/verify/xx/yy/").status_code == 400
    user.refresh_from_db()
    assert not user.is_active


@override_settings(AXES_FAILURE_LIMIT=2)
def test_registration_is_throttled_per_address(client, django_user_model):
    assert _register(client, email="a1@example.edu").status_code == 302
    assert _register(client, email="a2@example.edu").status_code == 302
    third = _register(client, email="a3@example.edu")
    assert third.status_code == 429 and third["Retry-After"]
    assert "注册尝试次数过多" in third.content.decode()
    assert django_user_model.objects.count() == 2


def test_the_demo_adds_one_pending_request_once(records):
    lines: list[str] = []
    access_request_demo.load(lines.append)
    access_request_demo.load(lines.append)
    request = AccessRequest.objects.get()
    assert request.is_pending and request.item.identifier == "AR-R-1"  # first open record
    assert not request.user.has_usable_password() and not request.user.groups.exists()
    assert request.user.researcher_profile.verified_at is not None
    assert len(lines) == 2
