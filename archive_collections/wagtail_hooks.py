"""Wagtail admin registrations for the archive. Each import below registers one admin area.

The catalogue also declares two hooks for the apps above it, and works when none is registered
(archive_site/wagtail_hooks.py fills both with the media pipeline's parts):
- `ITEM_EDIT_VIEW_HOOK` (admin/viewsets.py): the Item edit view class, e.g. one with "Upload files";
- `FILE_HAND_OVER_HOOK` (importer/admin_views.py): where the import page sends the listed files.
"""

from .admin import access_requests as access_request_queue  # noqa: F401  访问申请
from .admin import batch_views as batch_edit  # noqa: F401  batch edit of items and scientists
from .admin import registration  # noqa: F401  registers the archive admin: snippets, tree
from .admin.reports import CATALOGUE_REPORTS, register_reports
from .importer import admin_views  # noqa: F401  registers the import screen
from .oral_history import admin_views as oral_history_admin  # noqa: F401, E402  transcript import and tools

register_reports(CATALOGUE_REPORTS, "archive-reports/")  # in Wagtail's Reports (报告) menu
