"""Logged-in clients the admin tests of archive records share."""

import pytest
from django.contrib.auth.models import Group


@pytest.fixture
def admin_client(client, superuser):
    """A superuser (replaces pytest-django's admin_client, whose user is not the project's)."""
    client.force_login(superuser)
    return client


@pytest.fixture
def curator_client(client, django_user_model):
    """A member of the curators' group (策展人)."""
    user = django_user_model.objects.create_user("curator", password="pw")
    user.groups.add(Group.objects.get(name="策展人"))
    client.force_login(user)
    return client
