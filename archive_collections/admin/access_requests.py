"""The archivists' queue of access requests (issue 16.5): "访问申请" in the archive menu.

Only users with staff rights on the archive (collections.view_staff_items: the 档案员 group,
superusers) see the queue or decide; anyone else gets 403, whatever the request. A decision is
one of: add the requester to the 研究人员 group; grant the researcher-level records of the
record's fonds until an end date (a FondsAccessGrant, read by AccessPolicy.for_user); decline
with a reason. Each is logged in Wagtail's log entries and e-mailed to the requester in the
language they asked in (archive_collections/access_requests.py `send_decision`).
"""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import Count
from django.http import HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.log_actions import log
from wagtail.models import ModelLogEntry

from archive_collections.access import STAFF_PERMISSION
from archive_collections.access_requests import send_decision
from archive_collections.models import (
    AccessRequest,
    AccessRequestStatus,
    FondsAccessGrant,
    GrantKind,
)

INDEX_URL = "collections_access_requests"
DECIDE_URL = "collections_access_request_decide"
RESEARCHERS_GROUP = "研究人员"
DEFAULT_GRANT_DAYS = 90
MAX_GRANT_DAYS = 3 * 366
APPROVE_GROUP, APPROVE_FONDS, DECLINE = "approve_group", "approve_fonds", "decline"
ACTIONS = {
    APPROVE_GROUP: "collections.access_request.approve_group",
    APPROVE_FONDS: "collections.access_request.approve_fonds",
    DECLINE: "collections.access_request.decline",
}


def refusal(request) -> HttpResponseForbidden | None:
    """403 for anyone but an archivist (not Wagtail's redirect to the dashboard: a forged
    decision must be plainly refused)."""
    if request.user.has_perm(STAFF_PERMISSION):
        return None
    return HttpResponseForbidden(_("Only archivists may see and decide access requests."))


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=gettext_lazy("Decision"),
        widget=forms.RadioSelect,
        choices=[
            (APPROVE_FONDS, gettext_lazy("Approve: this record's fonds, until the end date")),
            (
                APPROVE_GROUP,
                gettext_lazy("Approve: add to the 研究人员 group (all researcher records)"),
            ),
            (DECLINE, gettext_lazy("Decline, with the reason below")),
        ],
    )
    until = forms.DateField(
        label=gettext_lazy("Access until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=gettext_lazy("For a fonds grant: the last day of access (inclusive)."),
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=gettext_lazy("Required to decline; it is sent to the requester."),
    )

    def clean(self):
        super().clean()
        data = self.cleaned_data
        decision, until = data.get("decision"), data.get("until")
        today = timezone.localdate()
        if decision == APPROVE_FONDS:
            if until is None:
                self.add_error("until", _("A fonds grant needs an end date."))
            elif until < today:
                self.add_error("until", _("The end date has passed."))
            elif until > today + datetime.timedelta(days=MAX_GRANT_DAYS):
                self.add_error("until", _("A fonds grant lasts at most three years."))
        if decision == DECLINE and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Say why the request is declined."))
        return data


class AccessRequestIndexView(WagtailAdminTemplateMixin, TemplateView):
    model = AccessRequest
    template_name = "collections/admin/access_requests.html"
    page_title = gettext_lazy("Access requests")
    header_icon = "key"

    def dispatch(self, request, *args, **kwargs):
        return refusal(request) or super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        status = self.request.GET.get("status", AccessRequestStatus.PENDING)
        if status not in AccessRequestStatus.values and status != "all":
            status = AccessRequestStatus.PENDING
        requests = AccessRequest.objects.select_related(
            "user", "user__researcher_profile", "item__series__fonds", "decided_by"
        )
        counts = dict(
            AccessRequest.objects.order_by().values_list("status").annotate(n=Count("pk"))
        )
        if status != "all":
            requests = requests.filter(status=status)
        context.update(
            {
                "access_requests": requests[:200],
                "status": status,
                "statuses": [
                    (value, label, counts.get(value, 0))
                    for value, label in AccessRequestStatus.choices
                ],
                "total": sum(counts.values()),
            }
        )
        return context


class AccessRequestDecideView(WagtailAdminTemplateMixin, FormView):
    model = AccessRequest
    template_name = "collections/admin/access_request_decide.html"
    form_class = DecisionForm
    page_title = gettext_lazy("Access request")
    header_icon = "key"

    def dispatch(self, request, *args, **kwargs):
        refused = refusal(request)
        if refused is not None:
            return refused
        self.object = get_object_or_404(
            AccessRequest.objects.select_related("user", "item__series__fonds"), pk=kwargs["pk"]
        )
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(INDEX_URL), "label": _("Access requests")},
            {"url": "", "label": str(self.object)},
        ]

    def get_initial(self):
        until = timezone.localdate() + datetime.timedelta(days=DEFAULT_GRANT_DAYS)
        return {"decision": APPROVE_FONDS, "until": until}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        requester = self.object.user
        context.update(
            {
                "access_request": self.object,
                "profile": getattr(requester, "researcher_profile", None),
                "fonds": self.object.item.series.fonds,
                "grants": FondsAccessGrant.objects.filter(user=requester).select_related("fonds"),
                "is_researcher": requester.groups.filter(name=RESEARCHERS_GROUP).exists(),
                "log_entries": ModelLogEntry.objects.for_instance(self.object).select_related(
                    "user"
                ),
            }
        )
        return context

    def form_valid(self, form):
        access_request = self.object
        if not access_request.is_pending:
            form.add_error(None, _("This request has been decided already."))
            return self.render_to_response(self.get_context_data(form=form), status=400)
        decision = form.cleaned_data["decision"]
        group = None
        if decision == APPROVE_GROUP:
            group = Group.objects.filter(name=RESEARCHERS_GROUP).first()
            if group is None:
                form.add_error(None, _("The 研究人员 group is missing: run the migrations."))
                return self.render_to_response(self.get_context_data(form=form), status=400)
        with transaction.atomic():
            self._decide(access_request, decision, form.cleaned_data, group)
        record_url = self.request.build_absolute_uri(access_request.item.get_absolute_url())
        send_decision(access_request, record_url)
        messages.success(self.request, _("Decided; the requester has been sent an e-mail."))
        return redirect(INDEX_URL)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def _decide(self, access_request, decision: str, data: dict, group) -> None:
        archivist: Any = self.request.user  # signed in: Wagtail's admin requires it
        access_request.decided_at = timezone.now()
        access_request.decided_by = archivist
        details: dict[str, object] = {"item": access_request.item.identifier}
        if decision == DECLINE:
            access_request.status = AccessRequestStatus.DECLINED
            access_request.reason = data["reason"].strip()
            details["reason"] = access_request.reason
        else:
            access_request.status = AccessRequestStatus.APPROVED
            if decision == APPROVE_GROUP:
                access_request.grant_kind = GrantKind.GROUP
                access_request.user.groups.add(group)
            else:
                access_request.grant_kind = GrantKind.FONDS
                access_request.grant_until = data["until"]
                fonds = access_request.item.series.fonds
                FondsAccessGrant.objects.create(
                    user=access_request.user,
                    fonds=fonds,
                    valid_until=data["until"],
                    request=access_request,
                    granted_by=archivist,
                )
                details.update({"fonds": fonds.identifier, "until": data["until"].isoformat()})
        access_request.save()
        log(instance=access_request, action=ACTIONS[decision], user=archivist, data=details)


@hooks.register("register_admin_urls")
def register_access_request_urls():
    return [
        path("access-requests/", AccessRequestIndexView.as_view(), name=INDEX_URL),
        path("access-requests/<int:pk>/", AccessRequestDecideView.as_view(), name=DECIDE_URL),
    ]


@hooks.register("register_log_actions")
def register_access_request_actions(actions):
    actions.register_action(
        ACTIONS[APPROVE_GROUP],
        gettext_lazy("Approve access: 研究人员 group"),
        gettext_lazy("Approved: 研究人员 group"),
    )
    actions.register_action(
        ACTIONS[APPROVE_FONDS],
        gettext_lazy("Approve access: fonds grant"),
        gettext_lazy("Approved: fonds grant"),
    )
    actions.register_action(
        ACTIONS[DECLINE], gettext_lazy("Decline access"), gettext_lazy("Declined")
    )


class AccessRequestMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(STAFF_PERMISSION)


@hooks.register("register_archive_menu_item")
def register_access_request_menu_item():
    return AccessRequestMenuItem(
        gettext_lazy("Access requests"),
        reverse(INDEX_URL),
        name="access-requests",
        icon_name="key",
        order=30,
    )
