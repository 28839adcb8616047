"""Suite-wide fixtures: users at each access level."""

import pytest
from django.contrib.auth.models import Permission


def _user(django_user_model, username, *perms, **extra):
    user = django_user_model.objects.create_user(username=username, password="pw", **extra)
    for codename in perms:
        user.user_permissions.add(Permission.objects.get(codename=codename))
    return django_user_model.objects.get(pk=user.pk)  # fresh instance: no stale perm cache


@pytest.fixture
def researcher(django_user_model):
    return _user(django_user_model, "researcher", "view_researcher_items")


@pytest.fixture
def staff_user(django_user_model):
    return _user(
        django_user_model, "archivist", "view_researcher_items", "view_staff_items", is_staff=True
    )


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser("admin", "admin@example.org", "pw")


def choose_english(request) -> None:
    """Make the pages a test requests English, the way a visitor would: the language
    switcher's cookie for the site, the user's preference for Wagtail's admin. (The site ignores
    Accept-Language on purpose: it is Chinese first.)"""
    from django.conf import settings

    for name in ("client", "admin_client"):
        if name in request.fixturenames:
            request.getfixturevalue(name).cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    if "admin_client" in request.fixturenames:
        from wagtail.users.models import UserProfile

        profile = UserProfile.get_for_user(request.getfixturevalue("admin_user"))
        profile.preferred_language = "en"
        profile.save()
