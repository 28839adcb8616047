"""The access_groups data migration: the two standing groups and what they may do."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db

MIGRATION = ("collections", "0002_access_groups")


def codenames(group):
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}


def test_researcher_group_sees_researcher_records_only():
    assert codenames(Group.objects.get(name="研究人员")) == {"collections.view_researcher_items"}


def test_archivist_group_catalogues_and_sees_everything():
    perms = codenames(Group.objects.get(name="档案员"))
    assert {
        "collections.view_researcher_items",
        "collections.view_staff_items",
        "wagtailadmin.access_admin",
    } <= perms
    for model in ["scientist", "fonds", "series", "item", "interview", "discipline"]:
        for action in ["add", "change", "delete", "view"]:
            assert f"collections.{action}_{model}" in perms


def test_archivists_may_add_and_choose_portrait_images():
    group = Group.objects.get(name="档案员")
    granted = set(group.collection_permissions.values_list("permission__codename", flat=True))
    assert {"add_image", "choose_image"} <= granted


def test_archivist_user_passes_the_access_policy(django_user_model):
    from archive_collections.access import AccessPolicy

    user = django_user_model.objects.create_user("curator", password="pw")
    user.groups.add(Group.objects.get(name="档案员"))
    user = django_user_model.objects.get(pk=user.pk)
    assert AccessPolicy.for_user(user).is_staff
    assert user.has_perm("wagtailadmin.access_admin")


def test_migration_reverses_and_reapplies():
    executor = MigrationExecutor(connection)
    state_apps = executor.loader.project_state(MIGRATION).apps
    module = executor.loader.get_migration(*MIGRATION)
    from importlib import import_module

    migration_module = import_module(module.__module__)
    migration_module.delete_groups(state_apps, None)
    assert not Group.objects.filter(name__in=["研究人员", "档案员"]).exists()
    migration_module.create_groups(state_apps, None)
    migration_module.create_groups(state_apps, None)  # idempotent
    assert Group.objects.filter(name__in=["研究人员", "档案员"]).count() == 2
    assert "collections.view_staff_items" in codenames(Group.objects.get(name="档案员"))
