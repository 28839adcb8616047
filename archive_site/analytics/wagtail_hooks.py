"""The impact dashboard's admin URLs, its menu entry, and its permission in the group editor."""

from django.contrib.auth.models import Permission
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import admin_views


@hooks.register("register_admin_urls")
def register_urls():
    return [
        path("impact/", admin_views.dashboard, name="analytics_dashboard"),
        path("impact/report.xlsx", admin_views.export_xlsx, name="analytics_xlsx"),
        path("impact/report.pdf", admin_views.export_pdf, name="analytics_pdf"),
    ]


class ImpactMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(admin_views.PERMISSION)


@hooks.register("register_reports_menu_item")
def register_menu_item():
    return ImpactMenuItem(_("Impact"), reverse("analytics_dashboard"), icon_name="view", order=50)


@hooks.register("register_permissions")
def register_permissions():
    return Permission.objects.filter(content_type__app_label="analytics", codename="view_impact")
