"""Login throttling on /admin/login/ (django-axes, settings AXES_*, archive_site/throttling.py):
five failures for one username from one address lock that pair out; while locked out even the
right password is refused, with a page in Chinese; after the cool-off it is accepted again."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"
PASSWORD = "correct horse battery staple"  # noqa: S105
COOL_OFF = timedelta(seconds=2)


@pytest.fixture
def curator(django_user_model):
    return django_user_model.objects.create_user(
        username="curator", password=PASSWORD, is_staff=True, is_superuser=True
    )


@pytest.fixture(autouse=True)
def short_cool_off(settings):
    settings.AXES_COOLOFF_TIME = COOL_OFF


def attempt(client: Client, password: str, username: str = "curator", **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_thirty_wrong_passwords_lock_the_right_one_out_until_the_cool_off(client, curator):
    statuses = [attempt(client, f"guess-{n}").status_code for n in range(30)]
    assert statuses[:4] == [200] * 4  # the form again, with its error
    assert set(statuses[4:]) == {429}  # the fifth failure locks the pair out

    refused = attempt(client, PASSWORD)
    assert refused.status_code == 429
    assert not signed_in(client)
    html = refused.content.decode()
    assert "登录失败次数过多" in html
    assert "连续 5 次登录失败" in html
    assert "分钟后再试" in html
    assert int(refused["Retry-After"]) == COOL_OFF.total_seconds()

    time.sleep(COOL_OFF.total_seconds() + 0.2)
    accepted = attempt(client, PASSWORD)
    assert accepted.status_code == 302
    assert signed_in(client)


def test_the_lock_is_per_username_and_address(client, curator, django_user_model):
    django_user_model.objects.create_user(username="researcher", password=PASSWORD)
    for n in range(5):
        attempt(client, f"guess-{n}")
    assert attempt(client, PASSWORD).status_code == 429
    # The same account from another address, and another account from this one, still log in.
    other_address = Client()
    assert attempt(other_address, PASSWORD, REMOTE_ADDR="10.1.2.3").status_code == 302
    assert attempt(Client(), PASSWORD, username="researcher").status_code == 302


def test_a_forwarded_for_header_does_not_change_the_address_counted(client, curator):
    for n in range(5):
        attempt(client, f"guess-{n}", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
    assert attempt(client, PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.7").status_code == 429


def test_a_successful_login_forgets_earlier_failures(client, curator):
    for n in range(4):
        assert attempt(client, f"guess-{n}").status_code == 200
    assert attempt(client, PASSWORD).status_code == 302
    client.logout()
    for n in range(4):
        assert attempt(client, f"again-{n}").status_code == 200
    assert attempt(client, PASSWORD).status_code == 302
