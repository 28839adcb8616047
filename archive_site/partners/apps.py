from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    """Organisations contribute materials, cases and products (共建共享); curators review them."""

    name = "archive_site.partners"
    label = "partners"
    verbose_name = _("Partner network")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Imported here: scope imports the models, which Django allows once apps are loaded.
        from archive_collections.access import register_opener

        # Imported here too: the models cannot load before the app registry.
        from .scope import record_opener

        register_opener(record_opener)

        # Imported here too: the embeds' origin list drops its cache when an organisation changes.
        from .embeds import framing

        framing.connect()
