"""Admin registrations for publishing oversight: the term list snippet, the audit reports and the
special inspection under Reports, a page's pre-publish check, the dashboard panel, and the
override's log action."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.widgets import Button
from wagtail.log_actions import LogFormatter
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from . import views
from .models import Term
from .prepublish import OVERRIDE_ACTION


class TermViewSet(SnippetViewSet):
    model = Term
    icon = "spell-check"
    menu_label = _("Term list")
    list_display = ["term", "preferred", "kind"]
    list_filter = ["kind"]
    search_fields = ["term", "preferred"]


register_snippet(TermViewSet)


@hooks.register("register_admin_urls")
def oversight_urls():
    patterns = [
        path("runs/", views.RunsReport.as_view(), name="runs"),
        path("runs/results/", views.RunsReport.as_view(results_only=True), name="runs_results"),
        path("findings/", views.FindingsReport.as_view(), name="findings"),
        path(
            "findings/results/",
            views.FindingsReport.as_view(results_only=True),
            name="findings_results",
        ),
        path("inspect/", views.inspect, name="inspect"),
        path("check/<int:page_id>/", views.page_check, name="page_check"),
    ]
    return [path("oversight/", include((patterns, "oversight"), namespace="oversight"))]


class PermittedMenuItem(MenuItem):
    def __init__(self, label, url_name, name, icon_name, order, allowed):
        super().__init__(label, reverse(url_name), name=name, icon_name=icon_name, order=order)
        self.allowed = allowed

    def is_shown(self, request):
        return self.allowed(request.user)


@hooks.register("register_reports_menu_item")
def runs_menu_item():
    return PermittedMenuItem(
        _("Audits and inspections"),
        "oversight:runs",
        "oversight-runs",
        "clipboard-list",
        1100,
        lambda user: views.runs_policy.user_has_permission(user, "view"),
    )


@hooks.register("register_reports_menu_item")
def findings_menu_item():
    return PermittedMenuItem(
        _("Audit findings"),
        "oversight:findings",
        "oversight-findings",
        "warning",
        1101,
        views.can_view_findings,
    )


@hooks.register("register_reports_menu_item")
def inspect_menu_item():
    return PermittedMenuItem(
        _("Special inspection"),
        "oversight:inspect",
        "oversight-inspect",
        "search",
        1102,
        views.can_inspect,
    )


@hooks.register("register_page_header_buttons")
def page_check_button(page, user, view_name, next_url=None):
    if page.permissions_for_user(user).can_edit():
        yield Button(
            _("Pre-publish check"),
            reverse("oversight:page_check", args=[page.pk]),
            icon_name="tasks",
            priority=80,
        )


@hooks.register("construct_homepage_panels")
def worst_findings_panel(request, panels):
    if views.can_view_findings(request.user):
        panels.append(views.WorstFindingsPanel())


@hooks.register("register_log_actions")
def register_override_action(actions):
    @actions.register_action(OVERRIDE_ACTION)
    class OverrideFormatter(LogFormatter):
        label = _("Override the pre-publish check")

        def format_message(self, log_entry):
            return _("Pre-publish check overridden: %(reason)s") % {
                "reason": log_entry.data.get("reason", "")
            }
