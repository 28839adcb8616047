"""The partner network in the Wagtail admin: the log actions of the review (the queue, the
organisations and the per-organisation report register here too)."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.log_actions import LogFormatter

from search.presentation import RESULT_NOTES_HOOK

from . import admin_report
from .admin import PartnersViewSetGroup
from .admin.organisations import member_chooser_viewset
from .deciding import LOG_ACTIONS
from .library.search_notes import notes as resource_notes
from .models import EventAction

_LABELS = {
    EventAction.APPROVED: _("Approve a contribution"),
    EventAction.CHANGES: _("Request changes to a contribution"),
    EventAction.REJECTED: _("Reject a contribution"),
}


@hooks.register("register_log_actions")
def register_review_actions(actions):
    for event, action in LOG_ACTIONS.items():

        class ReviewFormatter(LogFormatter):
            label = _LABELS[event]

            def format_message(self, log_entry):
                comment = log_entry.data.get("comment", "")
                return f"{self.label}: {comment}" if comment else str(self.label)

        actions.register_action(action)(ReviewFormatter)


@hooks.register("register_admin_viewset")
def register_partner_admin():
    return [PartnersViewSetGroup(), member_chooser_viewset]


@hooks.register(RESULT_NOTES_HOOK)
def register_resource_notes():
    """Search results of shared resources name their organisation and licence."""
    return resource_notes


@hooks.register("register_admin_urls")
def register_report_urls():
    """The per-organisation report (admin_report.py), beside the impact dashboard."""
    return [
        path("partner-report/", admin_report.index, name="partners_report"),
        path(
            "partner-report/<int:pk>/",
            admin_report.organisation,
            name="partners_report_organisation",
        ),
        path("partner-report/report.xlsx", admin_report.export_xlsx, name="partners_report_xlsx"),
        path("partner-report/report.csv", admin_report.export_csv, name="partners_report_csv"),
    ]


@hooks.register("register_reports_menu_item")
def register_report_menu_item():
    class ReportMenuItem(MenuItem):
        def is_shown(self, request):
            return request.user.has_perm(admin_report.PERMISSION)

    return ReportMenuItem(
        _("Partner organisations"), reverse("partners_report"), icon_name="group", order=60
    )
