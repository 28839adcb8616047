"""Counting without tracking, and the impact dashboard built on the counts (docs/ANALYTICS.md)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "archive_site.analytics"
    label = "analytics"
    verbose_name = _("Impact")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Imported here: the receivers import models, which Django allows once apps are loaded.
        from . import receivers

        receivers.connect()
