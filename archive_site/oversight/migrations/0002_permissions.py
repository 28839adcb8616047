"""Who may do what in publishing oversight, on every deployment.

Curators (策展人) keep the term list. Moderators, who approve what curators submit, also see the
audits and their findings and start special inspections. Written out here rather than imported,
so the migration keeps meaning what it meant when it ran."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CURATORS = "策展人"
MODERATORS = "Moderators"
TERM = ["add_term", "change_term", "delete_term", "view_term"]
AUDIT = ["view_auditrun", "add_auditrun", "view_finding"]
GRANTS = {CURATORS: TERM, MODERATORS: [*TERM, *AUDIT]}


def grant(apps, schema_editor):
    app_config = apps.get_app_config("oversight")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GRANTS.items():
        group = Group.objects.filter(name=name).first()
        if group is None:
            continue  # a deployment without the group: nothing to extend
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="oversight", codename__in=codenames)
        )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GRANTS.items():
        for group in Group.objects.filter(name=name):
            group.permissions.remove(
                *Permission.objects.filter(
                    content_type__app_label="oversight", codename__in=codenames
                )
            )


class Migration(migrations.Migration):
    dependencies = [
        ("oversight", "0001_oversight"),
        ("exhibits", "0004_curators_group"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
