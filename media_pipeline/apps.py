from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MediaPipelineConfig(AppConfig):
    name = "media_pipeline"
    verbose_name = _("Media pipeline")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Building the step registry checks every step (unique names, valid versions), so a
        # misregistered step stops start-up here. Imported late because the steps import models,
        # which cannot be loaded before the app registry is ready.
        from . import steps  # noqa: F401
