"""The curators_group data migration: the group 策展人 exists after `migrate` on every deployment,
may edit and submit but not publish, and the migration re-runs and reverses cleanly."""

from importlib import import_module

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from exhibits.models import HomePage

pytestmark = pytest.mark.django_db

MIGRATION = ("exhibits", "0004_curators_group")
CURATORS = "策展人"


def migration_module():
    return import_module(f"exhibits.migrations.{MIGRATION[1]}")


def state_apps():
    """The model registry as of the migration, the way `migrate` calls its functions."""
    return MigrationExecutor(connection).loader.project_state(MIGRATION).apps


def codenames(group: Group) -> set[str]:
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}


def page_permissions(group: Group) -> set[tuple[int, str]]:
    return set(group.page_permissions.values_list("page_id", "permission__codename"))


def image_permissions(group: Group) -> set[str]:
    return set(group.collection_permissions.values_list("permission__codename", flat=True))


def test_curators_group_has_exactly_the_intended_permissions():
    curators = Group.objects.get(name=CURATORS)
    assert codenames(curators) == {
        "wagtailadmin.access_admin",
        "exhibits.add_credit",
        "exhibits.change_credit",
        "exhibits.view_credit",
        "collections.view_item",
        "collections.view_interview",
        "collections.view_scientist",
        # The term list of the pre-publish check (archive_site/oversight/migrations/0002).
        "oversight.add_term",
        "oversight.change_term",
        "oversight.delete_term",
        "oversight.view_term",
        # Reviewing partner contributions and keeping the organisations (partners 0002, 0003).
        "partners.review_contribution",
        "partners.view_contribution",
        "partners.view_organisation",
        "partners.add_organisation",
        "partners.change_organisation",
    }
    home = HomePage.objects.get()
    # Edit and submit the home page's subtree; publishing is the moderators' step.
    assert page_permissions(curators) == {(home.pk, "add_page"), (home.pk, "change_page")}
    assert image_permissions(curators) == {"add_image", "change_image", "choose_image"}


def test_moderators_may_review_credits_and_records():
    assert {
        "exhibits.add_credit",
        "exhibits.change_credit",
        "exhibits.view_credit",
        "collections.view_item",
        "collections.view_interview",
        "collections.view_scientist",
    } <= codenames(Group.objects.get(name="Moderators"))


def test_a_curator_edits_but_cannot_publish(django_user_model):
    curator = django_user_model.objects.create_user("策展人乙", password="pw")
    curator.groups.add(Group.objects.get(name=CURATORS))
    curator = django_user_model.objects.get(pk=curator.pk)
    permissions = HomePage.objects.get().permissions_for_user(curator)
    assert permissions.can_edit() and permissions.can_add_subpage()
    assert not permissions.can_publish() and not permissions.can_publish_subpage()
    assert curator.has_perm("wagtailadmin.access_admin")
    assert not curator.has_perm("exhibits.delete_credit")


def test_migration_is_idempotent_and_keeps_what_an_admin_granted():
    curators = Group.objects.get(name=CURATORS)
    curators.permissions.add(*Group.objects.get(name="Editors").permissions.all())
    granted = codenames(curators)
    before = (page_permissions(curators), image_permissions(curators))
    migration_module().create_curators(state_apps(), None)
    assert Group.objects.filter(name=CURATORS).count() == 1
    curators = Group.objects.get(name=CURATORS)
    assert codenames(curators) == granted
    assert (page_permissions(curators), image_permissions(curators)) == before


def test_migration_reverses_and_reapplies():
    apps = state_apps()
    migration_module().remove_curators(apps, None)
    assert not Group.objects.filter(name=CURATORS).exists()
    assert "exhibits.change_credit" not in codenames(Group.objects.get(name="Moderators"))
    migration_module().create_curators(apps, None)
    curators = Group.objects.get(name=CURATORS)
    assert "exhibits.change_credit" in codenames(curators)
    assert {codename for _page, codename in page_permissions(curators)} == {
        "add_page",
        "change_page",
    }
    assert "exhibits.change_credit" in codenames(Group.objects.get(name="Moderators"))
