"""The partner network in the Wagtail admin: the log actions of the review (the queue, the
organisations and the per-organisation report register here too)."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.log_actions import LogFormatter

from .deciding import LOG_ACTIONS
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
