from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MicroVideoConfig(AppConfig):
    name = "media_pipeline.microvideo"
    label = "microvideo"
    verbose_name = _("Micro-videos and quote cards")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Connects the transcript's save signals, which need the models loaded.
        from . import signal_handlers  # noqa: F401
