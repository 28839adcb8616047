"""Partner organisations in the admin (archive_site/partners/admin/organisations.py): who
manages them, members picked with a searching chooser, and contributor accounts made from an
organisation's page that never reach the admin."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.users.models import UserProfile

from archive_site.partners.models import Membership, Organisation
from tests.conftest import _user

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(django_user_model):
    org = Organisation.objects.create(
        name="陕西省科协", code="sxkx", kind="association", region="61"
    )
    contributor = django_user_model.objects.create_user("contrib", password="pw")
    Membership.objects.create(user=contributor, organisation=org)
    curator = django_user_model.objects.create_user("curator", password="pw")
    curator.groups.add(Group.objects.get(name="策展人"))
    users = {
        "contributor": contributor,
        "editor": _user(django_user_model, "editor", "access_admin"),
        "curator": curator,
        "superuser": django_user_model.objects.create_superuser("root", "r@example.org", "pw"),
    }
    for user in users.values():
        profile = UserProfile.get_for_user(user)
        profile.preferred_language = "en"
        profile.save()
    return org, users


def _urls(org) -> list[str]:
    return [
        reverse("partners_organisations:index"),
        reverse("partners_organisations:index_results"),
        reverse("partners_organisations:add"),
        reverse("partners_organisations:edit", args=[org.pk]),
        reverse("partners_organisations:history", args=[org.pk]),
        reverse("partners_organisations:usage", args=[org.pk]),
        reverse("partners_organisations:add_member", args=[org.pk]),
        reverse("partners_member_chooser:choose"),
        reverse("partners_member_chooser:choose_results"),
    ]


def test_curators_and_superusers_manage_organisations_no_one_else(client, world):
    org, users = world
    for url in _urls(org):
        assert client.get(url).status_code == 302, url
        for role, user in users.items():
            client.force_login(user)
            response = client.get(url)
            if role in ("curator", "superuser"):
                assert response.status_code == 200, (role, url, response.status_code)
            else:
                assert response.status_code in (302, 403), (role, url, response.status_code)
                assert "contrib" not in response.content.decode()
            client.logout()
    # Deleting an organisation is a superuser's.
    client.force_login(users["curator"])
    delete = reverse("partners_organisations:delete", args=[org.pk])
    assert client.post(delete).status_code in (302, 403)
    assert Organisation.objects.filter(pk=org.pk).exists()


def test_forged_posts_of_outsiders_change_nothing(client, world):
    org, users = world
    for role in ("contributor", "editor"):
        client.force_login(users[role])
        response = client.post(
            reverse("partners_organisations:add_member", args=[org.pk]),
            {
                "username": f"forged-{role}",
                "email": "f@example.org",
                "role": "editor",
                "password1": "a-long-pass-phrase-42",
                "password2": "a-long-pass-phrase-42",
            },
        )
        assert response.status_code in (302, 403)
        response = client.post(
            reverse("partners_organisations:edit", args=[org.pk]),
            {"name": "改名", "code": "sxkx", "kind": "team", "region": "61"},
        )
        assert response.status_code in (302, 403)
    org.refresh_from_db()
    assert org.name == "陕西省科协"
    assert not Membership.objects.filter(user__username__startswith="forged").exists()


def test_the_member_chooser_searches_accounts(client, world, django_user_model):
    org, users = world
    for number in range(40):
        django_user_model.objects.create_user(f"user{number:02d}", email=f"u{number}@example.org")
    django_user_model.objects.create_user("wang", email="wang@kexie.cn", first_name="王")
    client.force_login(users["curator"])
    results = reverse("partners_member_chooser:choose_results")
    found = client.get(results, {"q": "kexie"}).content.decode()
    assert "wang" in found and "user01" not in found
    assert "王" in client.get(results, {"q": "王"}).content.decode()
    # A page, not every account; superusers are never offered.
    listing = client.get(reverse("partners_member_chooser:choose")).json()["html"]
    assert "user35" not in listing and "root" not in listing


def test_a_curator_adds_a_contributor_account_that_cannot_reach_the_admin(client, world):
    org, users = world
    client.force_login(users["curator"])
    url = reverse("partners_organisations:add_member", args=[org.pk])
    weak = {"username": "li", "email": "li@example.org", "role": "contributor"}
    response = client.post(url, {**weak, "password1": "123", "password2": "123"})
    assert response.status_code == 200 and "password" in response.content.decode().lower()
    response = client.post(url, {**weak, "username": "CONTRIB", "password1": "x", "password2": "x"})
    assert "is taken" in response.content.decode()
    strong = "a-long-pass-phrase-42"
    response = client.post(url, {**weak, "name": "李明", "password1": strong, "password2": strong})
    assert response.status_code == 302
    membership = Membership.objects.select_related("user").get(user__username="li")
    assert membership.organisation == org and membership.role == "contributor"
    user = membership.user
    assert user.first_name == "李明" and user.check_password(strong)
    assert not user.is_staff and not user.groups.exists()
    assert not user.has_perm("wagtailadmin.access_admin")
    client.force_login(user)
    assert client.get(reverse("wagtailadmin_home")).status_code == 302


def test_the_edit_form_keeps_members_with_the_chooser(client, world, django_user_model):
    org, users = world
    client.force_login(users["curator"])
    url = reverse("partners_organisations:edit", args=[org.pk])
    text = client.get(url).content.decode()
    assert "partners_member_chooser" in text or "/admin/partners/members/chooser/" in text
    assert "<option" not in text.split('id="memberships-0-user"')[0][-500:]
    newcomer = django_user_model.objects.create_user("newcomer")
    membership = org.memberships.get()
    data = {
        "name": "陕西省科学技术协会",
        "code": "sxkx",
        "kind": "association",
        "region": "61",
        "active": "on",
        "memberships-TOTAL_FORMS": "2",
        "memberships-INITIAL_FORMS": "1",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
        "memberships-0-id": membership.pk,
        "memberships-0-user": membership.user_id,
        "memberships-0-role": "contributor",
        "memberships-0-ORDER": "1",
        "memberships-1-id": "",
        "memberships-1-user": newcomer.pk,
        "memberships-1-role": "editor",
        "memberships-1-ORDER": "2",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    org.refresh_from_db()
    assert org.name == "陕西省科学技术协会"
    assert org.memberships.get(user=newcomer).role == "editor"
