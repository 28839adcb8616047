"""Curators (策展人) and archivists (档案员) add and change partner organisations and their
members in the admin (partners/admin/organisations.py); deleting one stays a superuser's.

Written out here rather than imported, so the migration keeps meaning what it meant when it ran."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUPS = ["策展人", "档案员"]
CODENAMES = ["add_organisation", "change_organisation"]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("partners")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(
        content_type__app_label="partners", codename__in=CODENAMES
    )
    for group in Group.objects.filter(name__in=GROUPS):
        group.permissions.add(*permissions)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(
        content_type__app_label="partners", codename__in=CODENAMES
    )
    for group in Group.objects.filter(name__in=GROUPS):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [("partners", "0002_reviewers")]

    operations = [migrations.RunPython(grant, revoke)]
