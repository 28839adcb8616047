"""Index status for staff in the Wagtail admin (Settings → Search index)."""

from dataclasses import replace

from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.auth import permission_denied
from wagtail.admin.menu import MenuItem

from archive_collections.admin.searching import ADMIN_SEARCH_HOOK
from archive_collections.oral_history.player import SEARCH_MATCHER_HOOK
from media_pipeline.jobs import FOLLOWER_HOOK

from . import queue_progress
from .admin_search import admin_searcher
from .engines import EngineUnavailable, all_engines
from .interview_matching import interview_matcher

# The document kinds of search/contract.py (DOC_KINDS) as the status page names them.
KIND_LABELS = {
    "item": _("catalogue items"),
    "page": _("pages of files (OCR and PDF text)"),
    "segment": _("transcript segments"),
    "index": _("interview index segments"),
    "scientist": _("scientists"),
    "exhibit": _("exhibit pages"),
}


def index_status(request):
    # Wagtail's refusal: Django's staff_member_required sent other admin users to the Django
    # admin's login, which this site does not have (a 500).
    if not request.user.is_staff:
        return permission_denied(request)
    rows = []
    for engine in all_engines():
        try:
            status = engine.status()
        except EngineUnavailable as exc:
            status = None
            error = str(exc)
        else:
            error = ""
            counts = {KIND_LABELS.get(kind, kind): n for kind, n in status.counts.items()}
            status = replace(status, counts=counts)
        rows.append({"name": engine.name, "status": status, "error": error})
    return render(request, "search/admin/status.html", {"engines": rows})


@hooks.register("register_admin_urls")
def register_urls():
    return [path("search-index/", index_status, name="search_index_status")]


class StaffMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.is_staff


@hooks.register("register_settings_menu_item")
def register_menu_item():
    return StaffMenuItem(
        _("Search index"), reverse("search_index_status"), icon_name="search", order=900
    )


@hooks.register(ADMIN_SEARCH_HOOK)
def register_admin_search():
    return admin_searcher


@hooks.register(FOLLOWER_HOOK)
def register_reindex_follower():
    """A batch edit's job waits for the reindex queue to take its records."""
    return queue_progress.FOLLOWER, queue_progress.waiting


@hooks.register(SEARCH_MATCHER_HOOK)
def register_interview_matcher():
    """The interview player's in-page search matches as the site search does."""
    return interview_matcher
