"""The site as an installed app: the orchestration layer at the top of the dependency order.

The apps below it each know their own subject and nothing of the apps above them: the catalogue
(`archive_collections`) announces changes, the media pipeline stores and processes files, exhibits
show records, search indexes them. Whatever needs several of them at once is composed here:

- `importing.py`: an import is the catalogue's importer plus the listed files handed to the
  pipeline's ingest;
- `management/commands/import_archive.py` and `load_demo.py`: the commands built on that (the
  demo also uses `fixtures/`, the exhibits' theme exhibition and the search rebuild);
- `wagtail_hooks.py`: the admin extension points the catalogue declares, filled with the
  pipeline's parts (the Item edit view with "Upload files", the import page's file hand-over).

Without this app the catalogue still works on its own: the importer writes records and leaves
files where they are, and the Item edit view has no upload button.
"""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArchiveSiteConfig(AppConfig):
    name = "archive_site"
    verbose_name = _("Site")

    def ready(self) -> None:
        # Imported here, not at module level: the page cache's receivers import models, which
        # Django only allows once every app is loaded.
        from . import caching

        caching.connect()
