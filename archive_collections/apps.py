from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArchiveCollectionsConfig(AppConfig):
    """The archive itself. Labelled `collections` so tables, URLs and admin read as the domain
    does, while the package name keeps clear of Python's standard-library `collections`."""

    name = "archive_collections"
    label = "collections"
    verbose_name = _("Archive")
    default_auto_field = "django.db.models.BigAutoField"
