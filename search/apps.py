from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    label = "archive_search"
    verbose_name = _("Search")

    def ready(self) -> None:
        # Imported here, not at module level: the receivers import models, which Django only
        # allows once every app is loaded.
        from . import signal_handlers

        signal_handlers.connect()
