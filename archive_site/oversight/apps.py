from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OversightConfig(AppConfig):
    """Publishing oversight: pre-publish checks in the moderation workflow, the curators' term
    list, and the daily audit and special inspections (自查 / 专项检查) of what is published."""

    name = "archive_site.oversight"
    label = "oversight"
    verbose_name = _("Publishing oversight")
    default_auto_field = "django.db.models.BigAutoField"
