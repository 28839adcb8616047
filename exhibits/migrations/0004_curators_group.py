"""The curators' permission policy: the group 策展人 on every deployment, not only the demo.

Curators edit the site's pages and submit them for moderation, manage exhibition images and
credits, and choose archive records in exhibit blocks; they never publish. Publishing is Wagtail's
Moderators group's, through the default "Moderators approval" workflow, so Moderators get the
credit and record-chooser permissions they need to review what curators made.

Idempotent: permissions already granted (by this migration, the former demo loader or an admin)
are kept. Reversing removes the group and what this migration gave the Moderators.

The policy is written out here rather than imported, so that the migration keeps meaning what it
meant when it ran, whatever the app's code becomes. Permissions are normally created after
`migrate` finishes (post_migrate), so on a fresh database they are created here first.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CURATORS = "策展人"
# Wagtail's own group (wagtailcore's initial data); its workflow covers every page.
MODERATORS = "Moderators"
CURATOR_PAGE_PERMISSIONS = ["add_page", "change_page"]  # never publish_page: moderators do
CURATOR_IMAGE_PERMISSIONS = ["add_image", "change_image", "choose_image"]
CREDIT_PERMISSIONS = [("exhibits", f"{action}_credit") for action in ("add", "change", "view")]
# The archive-record choosers in exhibit blocks list Items, Interviews and Scientists.
CHOOSER_PERMISSIONS = [
    ("collections", f"view_{model}") for model in ("item", "interview", "scientist")
]
CURATOR_PERMISSIONS = [("wagtailadmin", "access_admin"), *CREDIT_PERMISSIONS, *CHOOSER_PERMISSIONS]
MODERATOR_PERMISSIONS = [*CREDIT_PERMISSIONS, *CHOOSER_PERMISSIONS]


def ensure_permissions(apps, app_labels):
    for label in app_labels:
        app_config = apps.get_app_config(label)
        # Migration-state app configs have no models module; create_permissions skips those.
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None


def get_permissions(apps, app_label, codenames):
    Permission = apps.get_model("auth", "Permission")
    found = list(
        Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
    )
    missing = set(codenames) - {permission.codename for permission in found}
    if missing:
        raise RuntimeError(
            f"Permission(s) {', '.join(sorted(missing))} of {app_label} are missing; "
            f"cannot create the {CURATORS} group"
        )
    return found


def named_permissions(apps, names):
    found = []
    for app_label in dict.fromkeys(label for label, _codename in names):
        codenames = [codename for label, codename in names if label == app_label]
        found += get_permissions(apps, app_label, codenames)
    return found


def curators_root_page(apps):
    """The site's home page, whose subtree is every page curators work on; the tree's root when
    no home page exists, which covers the same pages."""
    HomePage = apps.get_model("exhibits", "HomePage")
    Page = apps.get_model("wagtailcore", "Page")
    home = HomePage.objects.order_by("path").first()
    if home is not None:
        return Page.objects.get(pk=home.pk)
    return Page.objects.filter(depth=1).first()


def grant_pages(apps, group):
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    page = curators_root_page(apps)
    if page is None:
        return
    for permission in get_permissions(apps, "wagtailcore", CURATOR_PAGE_PERMISSIONS):
        GroupPagePermission.objects.get_or_create(group=group, page=page, permission=permission)


def grant_images(apps, group):
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    root = Collection.objects.filter(depth=1).first()
    if root is None:
        return
    for permission in get_permissions(apps, "wagtailimages", CURATOR_IMAGE_PERMISSIONS):
        GroupCollectionPermission.objects.get_or_create(
            group=group, collection=root, permission=permission
        )


def create_curators(apps, schema_editor):
    ensure_permissions(apps, ["exhibits", "collections", "wagtailcore", "wagtailimages"])
    Group = apps.get_model("auth", "Group")
    curators, _created = Group.objects.get_or_create(name=CURATORS)
    curators.permissions.add(*named_permissions(apps, CURATOR_PERMISSIONS))
    grant_pages(apps, curators)
    grant_images(apps, curators)
    moderators = Group.objects.filter(name=MODERATORS).first()
    if moderators is not None:
        moderators.permissions.add(*named_permissions(apps, MODERATOR_PERMISSIONS))


def remove_curators(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    # The group's page and collection permissions go with it (they cascade).
    Group.objects.filter(name=CURATORS).delete()
    moderators = Group.objects.filter(name=MODERATORS).first()
    if moderators is not None:
        moderators.permissions.remove(*named_permissions(apps, MODERATOR_PERMISSIONS))


class Migration(migrations.Migration):
    dependencies = [
        ("exhibits", "0003_exhibition_pages"),
        ("collections", "0002_access_groups"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailimages", "0027_image_description"),
        # Runs after Wagtail's migration that gives every admin-access group choose_document,
        # so the group gets the permissions below and no others.
        ("wagtaildocs", "0011_add_choose_permissions"),
    ]

    operations = [migrations.RunPython(create_curators, remove_curators)]
