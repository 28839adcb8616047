"""The partner network's demo (load_demo calls it): organisations of every kind, member logins,
contributions in every state through the shared services, their files drawn and ingested; a
second run changes nothing. The whole demo load is tests/fixtures/test_load_demo.py (slow); this
runs the partner part alone on a few scientists."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation

from archive_collections.models.choices import AccessLevel
from archive_site.partners import demo, scope
from archive_site.partners.models import Contribution, Organisation, Status
from media_pipeline.models import ItemFile
from tests.factories import ScientistFactory

pytestmark = pytest.mark.django_db


def test_the_partner_demo_loads_every_state_once(
    django_user_model, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setenv("DEMO_PARTNER_PASSWORD", "partner-secret")
    for identifier in ("deng-jiaxian", "qian-xuesen", "hua-luogeng", "yuan-longping"):
        ScientistFactory(identifier=identifier)
    django_user_model.objects.create_superuser("admin", password="x")
    said: list[str] = []
    with django_capture_on_commit_callbacks(execute=False), translation.override("en"):
        demo.load(None, log=said.append, say=said.append)

    kinds = set(Organisation.objects.values_list("kind", flat=True))
    assert kinds == {"society", "association", "team", "base", "institution"}
    assert Organisation.objects.count() == 6
    sxkx = Organisation.objects.get(code="sxkx")
    assert sxkx.embed_origins.split() == ["http://127.0.0.1:8001", "http://localhost:8001"]
    users = get_user_model().objects
    for name in ("shaanxi", "shaanxi-contrib", "cstam"):
        assert users.get(username=name).check_password("partner-secret")
    assert scope.membership_of(users.get(username="shaanxi")).role == "editor"
    assert not any("partner-secret" in line for line in said)
    assert any("shaanxi-contrib / (password from DEMO_PARTNER_PASSWORD)" in line for line in said)

    states = {(c.kind, c.status, c.audience) for c in Contribution.objects.all()}
    assert states == {
        ("case", Status.APPROVED, "public"),
        ("product", Status.APPROVED, "public"),
        ("material", Status.SUBMITTED, "public"),
        ("case", Status.CHANGES, "public"),
        ("material", Status.REJECTED, "public"),
        ("product", Status.APPROVED, "partners"),
    }
    case = Contribution.objects.get(kind="case", status=Status.APPROVED)
    assert case.item.access_level == AccessLevel.PUBLIC and case.item.files.count() == 1
    assert Contribution.objects.get(status=Status.SUBMITTED).item.files.count() == 2
    assert Contribution.objects.get(status=Status.CHANGES).review_comment
    partners_only = Contribution.objects.get(audience="partners")
    assert partners_only.item.access_level == AccessLevel.STAFF  # off the public archive
    poster = Contribution.objects.get(product_kind="poster")
    assert poster.item.files.get().mime_type == "image/jpeg"

    files = ItemFile.objects.count()
    again: list[str] = []
    demo.load("archive-demo", log=again.append, say=again.append)
    assert Contribution.objects.count() == 6 and ItemFile.objects.count() == files
    assert Organisation.objects.count() == 6


def test_without_a_password_the_accounts_cannot_sign_in(django_user_model, monkeypatch):
    monkeypatch.delenv("DEMO_PARTNER_PASSWORD", raising=False)
    said: list[str] = []
    with translation.override("en"):
        demo.load(None, log=said.append, say=said.append)
    user = django_user_model.objects.get(username="shaanxi")
    assert not user.has_usable_password()
    assert any("changepassword shaanxi" in line for line in said)
    assert not Contribution.objects.exists()  # no scientists in this archive: nothing to say
