"""Create the two standing groups of the access policy (see archive_collections/access.py):

- 研究人员 (researchers): may see records open to researchers;
- 档案员 (archivists): may see everything, catalogue the archive in the Wagtail admin and
  upload/choose images (portraits) in the root collection.

Permissions are normally created after `migrate` finishes (post_migrate), so on a fresh database
they do not exist yet; create_permissions is called here first.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

RESEARCHERS = "研究人员"
ARCHIVISTS = "档案员"
ARCHIVE_MODELS = ["discipline", "scientist", "fonds", "series", "item", "interview"]
IMAGE_PERMISSIONS = ["add_image", "change_image", "choose_image"]


def ensure_permissions(apps, app_labels):
    for label in app_labels:
        app_config = apps.get_app_config(label)
        # Migration-state app configs have no models module; create_permissions skips those.
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None


def archivist_permission_names():
    names = [("collections", "view_researcher_items"), ("collections", "view_staff_items"),
             ("wagtailadmin", "access_admin")]
    for model in ARCHIVE_MODELS:
        names += [("collections", f"{action}_{model}")
                  for action in ("add", "change", "delete", "view")]
    return names


def get_permissions(apps, names):
    Permission = apps.get_model("auth", "Permission")
    found = []
    for app_label, codename in names:
        try:
            found.append(Permission.objects.get(content_type__app_label=app_label,
                                                codename=codename))
        except Permission.DoesNotExist as exc:
            raise RuntimeError(
                f"Permission {app_label}.{codename} is missing; cannot create the archive groups"
            ) from exc
    return found


def grant_root_collection_images(apps, group):
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    Permission = apps.get_model("auth", "Permission")
    root = Collection.objects.filter(depth=1).first()
    if root is None:
        return
    for permission in Permission.objects.filter(content_type__app_label="wagtailimages",
                                                codename__in=IMAGE_PERMISSIONS):
        GroupCollectionPermission.objects.get_or_create(
            group=group, collection=root, permission=permission
        )


def create_groups(apps, schema_editor):
    ensure_permissions(apps, ["collections", "wagtailimages"])
    Group = apps.get_model("auth", "Group")
    researchers, _created = Group.objects.get_or_create(name=RESEARCHERS)
    researchers.permissions.add(
        *get_permissions(apps, [("collections", "view_researcher_items")])
    )
    archivists, _created = Group.objects.get_or_create(name=ARCHIVISTS)
    archivists.permissions.add(*get_permissions(apps, archivist_permission_names()))
    grant_root_collection_images(apps, archivists)


def delete_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name__in=[RESEARCHERS, ARCHIVISTS]).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("collections", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("wagtailcore", "0025_collection_initial_data"),
        ("wagtailimages", "0023_add_choose_permissions"),
    ]

    operations = [
        migrations.RunPython(create_groups, delete_groups),
    ]
