"""Index status for staff in the Wagtail admin (Settings → Search index)."""

from django.contrib.admin.views.decorators import staff_member_required
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from .engines import EngineUnavailable, all_engines


@staff_member_required
def index_status(request):
    rows = []
    for engine in all_engines():
        try:
            status = engine.status()
        except EngineUnavailable as exc:
            status = None
            error = str(exc)
        else:
            error = ""
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
