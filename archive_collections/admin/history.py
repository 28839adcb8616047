"""Wagtail's site history report under the access policy.

The report lists every log entry of the content types a user holds any permission on; curators
hold "view item" (the exhibit pickers need it), so Wagtail's own report would show them the
edits of staff-only and embargoed items with their titles (a log entry keeps the title the
record had). This view leaves out the entries of records the user may not see (admin/access.py).
Wagtail offers no hook for the report's query, so `site_history_urls` is put before Wagtail's
admin URLs in the root URLconf and answers the report's two addresses.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast
from django.urls import path
from wagtail.admin.auth import require_admin_access
from wagtail.admin.views.reports.audit_logging import LogEntriesView
from wagtail.models import ModelLogEntry

from archive_collections.models import Interview, Item

from .access import policy_of, visible_records


def hidden_entries_q(user) -> Q | None:
    """A Q on log entries selecting those of Items and Interviews `user` may not see; None
    when the user sees every record."""
    policy = policy_of(user)
    if policy.sees_embargoed:
        return None
    condition = Q()
    everything: QuerySet
    for everything in (Item.objects.all(), Interview.objects.all()):
        model = everything.model
        visible = visible_records(everything, policy).values("pk")
        hidden = everything.exclude(pk__in=visible).annotate(key=Cast("pk", CharField()))
        content_type = ContentType.objects.get_for_model(model)
        condition |= Q(content_type=content_type, object_id__in=hidden.values("key"))
    return condition


class PolicySiteHistoryView(LogEntriesView):
    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if queryset.model is not ModelLogEntry:
            return queryset  # page log entries: pages name no hidden record by themselves
        hidden = hidden_entries_q(self.request.user)
        return queryset if hidden is None else queryset.exclude(hidden)


site_history_urls = [
    path(
        "admin/reports/site-history/",
        require_admin_access(PolicySiteHistoryView.as_view()),
        name="collections_site_history",
    ),
    path(
        "admin/reports/site-history/results/",
        require_admin_access(PolicySiteHistoryView.as_view(results_only=True)),
        name="collections_site_history_results",
    ),
]
