"""The oversight admin: audit runs and their findings as Wagtail reports (CSV/XLSX like the
archive's other reports), the special inspection form, a page's pre-publish check, and the
dashboard panel with the worst findings of the latest daily audit."""

from __future__ import annotations

import django_filters
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.reports import ReportView
from wagtail.models import Page
from wagtail.permission_policies import ModelPermissionPolicy

from archive_collections.admin.views import neutralise_formula

from .audit import Scope, run_audit
from .inspection_form import InspectionForm
from .kinds import FindingKind
from .models import AuditRun, Finding, Term
from .prepublish import check_page
from .terms import TermMatcher

findings_policy = ModelPermissionPolicy(Finding)
runs_policy = ModelPermissionPolicy(AuditRun)


def can_view_findings(user) -> bool:
    return findings_policy.user_has_permission(user, "view")


def can_inspect(user) -> bool:
    return runs_policy.user_has_permission(user, "add")


class RunsReport(ReportView):
    page_title = _("Audits and inspections")
    header_icon = "clipboard-list"
    index_url_name = "oversight:runs"
    index_results_url_name = "oversight:runs_results"
    paginate_by = 50
    results_template_name = "oversight/runs_results.html"
    model = AuditRun
    permission_policy = runs_policy
    any_permission_required = ["view"]

    def get_queryset(self):
        return AuditRun.objects.select_related("started_by")

    @cached_property
    def columns(self):
        return [
            TitleColumn(
                "started_at",
                label=_("started"),
                accessor=lambda run: str(run),
                get_url=lambda run: reverse("oversight:findings") + f"?run={run.pk}",
            ),
            Column("kind", label=_("kind"), accessor="get_kind_display"),
            Column("scope_label", label=_("scope")),
            Column("page_count", label=_("pages checked")),
            Column("finding_count", label=_("findings")),
            Column("status", label=_("status"), accessor="get_status_display"),
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["inspect_url"] = (
            reverse("oversight:inspect") if can_inspect(self.request.user) else ""
        )
        return context


class FindingFilterSet(WagtailFilterSet):
    run = django_filters.ModelChoiceFilter(label=_("run"), queryset=AuditRun.objects.all())
    kind = django_filters.ChoiceFilter(label=_("kind"), choices=FindingKind.choices)

    class Meta:
        model = Finding
        fields = ["run", "kind"]


class FindingsReport(ReportView):
    """The findings of one run (the latest daily audit unless `?run=` names another), with
    counts by kind above the list."""

    page_title = _("Audit findings")
    header_icon = "warning"
    index_url_name = "oversight:findings"
    index_results_url_name = "oversight:findings_results"
    results_template_name = "oversight/findings_results.html"
    paginate_by = 100
    model = Finding
    permission_policy = findings_policy
    any_permission_required = ["view"]
    filterset_class = FindingFilterSet
    list_export = ["page_title", "get_kind_display", "where", "message", "target", "fix_url"]
    export_headings = {
        "page_title": _("exhibit page"),
        "get_kind_display": _("kind"),
        "where": _("where"),
        "message": _("message"),
        "target": _("target"),
        "fix_url": _("fix"),
    }

    @cached_property
    def run(self) -> AuditRun | None:
        run_id = self.request.GET.get("run", "")
        if run_id.isdigit():
            return get_object_or_404(AuditRun, pk=run_id)
        return AuditRun.objects.filter(status=AuditRun.Status.DONE).first()

    def get_base_queryset(self):
        if self.request.GET.get("run"):
            return Finding.objects.all()  # the run filter narrows it
        if self.run is None:
            return Finding.objects.none()
        return Finding.objects.filter(run=self.run)

    def get_queryset(self):
        return super().get_queryset().order_by("severity", "page_title", "pk")

    @cached_property
    def columns(self):
        return [
            TitleColumn(
                "page_title",
                label=_("exhibit page"),
                get_url=lambda finding: finding.fix_url or None,
            ),
            Column("kind", label=_("kind"), accessor="get_kind_display"),
            Column("where", label=_("where")),
            Column("message", label=_("message")),
        ]

    @property
    def export_filename(self):
        return f"audit-{self.run.pk if self.run else 'none'}-findings"

    def write_csv_row(self, writer, row_dict):
        guarded = {field: neutralise_formula(value) for field, value in row_dict.items()}
        return super().write_csv_row(writer, guarded)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["run"] = self.run
        counts = []
        if self.run is not None:
            rows = (
                Finding.objects.filter(run=self.run)
                .values("kind")
                .annotate(n=Count("pk"))
                .order_by("kind")
            )
            counts = sorted(
                ((FindingKind(row["kind"]).label, row["kind"], row["n"]) for row in rows),
                key=lambda row: -row[2],
            )
        context["counts"] = counts
        return context


def inspect(request):
    """The special inspection (专项检查): choose a scope, run the checks plus the term list."""
    if not can_inspect(request.user):
        raise PermissionDenied
    form = InspectionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        scope = Scope(
            exhibition_id=data["exhibition"].pk if data["exhibition"] else None,
            scientist_id=data["scientist"].pk if data["scientist"] else None,
            query=data["query"].strip(),
            published_from=data["published_from"],
            published_to=data["published_to"],
        )
        run = run_audit(scope=scope, user=request.user, external_links=data["external_links"])
        messages.success(
            request,
            _("Special inspection of %(scope)s: %(pages)s pages, %(findings)s findings.")
            % {"scope": run.scope_label, "pages": run.page_count, "findings": run.finding_count},
        )
        return redirect(reverse("oversight:findings") + f"?run={run.pk}")
    return TemplateResponse(request, "oversight/inspect.html", {"form": form, "media": form.media})


def page_check(request, page_id: int):
    """The pre-publish check of a page's latest revision, with a link to fix each finding."""
    page = get_object_or_404(Page, pk=page_id).specific
    if not page.permissions_for_user(request.user).can_edit():
        raise PermissionDenied
    revision = page.get_latest_revision()
    subject = revision.as_object() if revision else page
    terms = TermMatcher.from_terms(Term.objects.all())
    issues = [issue.as_dict() for issue in check_page(subject, terms)]
    return TemplateResponse(request, "oversight/page_check.html", {"page": page, "issues": issues})


class WorstFindingsPanel(Component):
    """On the admin dashboard: the latest daily audit's worst findings."""

    name = "oversight_findings"
    template_name = "oversight/home_panel.html"
    order = 90
    shown = 8

    def get_context_data(self, parent_context):
        run = (
            AuditRun.objects.filter(kind=AuditRun.Kind.DAILY, status=AuditRun.Status.DONE)
            .only("pk", "started_at", "kind", "finding_count", "page_count")
            .first()
        )
        findings = (
            list(Finding.objects.filter(run=run).order_by("severity", "pk")[: self.shown])
            if run
            else []
        )
        return {
            "run": run,
            "findings": findings,
            "report_url": reverse("oversight:findings") + (f"?run={run.pk}" if run else ""),
        }
