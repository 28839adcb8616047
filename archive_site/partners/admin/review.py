"""The reviewers' queue of contributions and the review page where they decide.

Only reviewers (`scope.can_review`: 策展人, 档案员, superusers) reach these views; everyone else is
sent away as Wagtail sends a user from a view they may not use, and a forged decision changes
nothing. Decisions go through `deciding`, which logs each one (a ContributionEvent for the
contributor, a Wagtail log entry shown in the contribution's history here).

The queue stays fast with tens of thousands waiting: it reads one page of contributions with
their organisation, submitter and record in one query, the file counts as two correlated
subqueries of that page, orders on the (status, submitted_at) index, and writes its cells in
Python (as the archive's listings do, archive_collections/admin/columns.py), so a page costs the
same number of queries whatever the page size.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import HistoryView, IndexView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSet

from archive_collections.admin.access import hidden_keys
from archive_collections.models.choices import AccessLevel
from media_pipeline.models import FileStatus, ItemFile

from .. import deciding, regions, scope
from ..models import (
    Audience,
    Contribution,
    ContributionKind,
    Organisation,
    Status,
)

URL_NAMESPACE = "partners_review"


class ReviewersOnly:
    """Every request needs the review permission: PermissionDenied otherwise, which the admin
    answers by sending the user to the dashboard (or to the login when the admin is not
    theirs either)."""

    def dispatch(self, request, *args, **kwargs):
        if not scope.can_review(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]


# The queue ----------------------------------------------------------------------------------


class QueueFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        label=gettext_lazy("Status"), choices=Status.choices, empty_label=gettext_lazy("All")
    )
    kind = django_filters.ChoiceFilter(label=gettext_lazy("Kind"), choices=ContributionKind.choices)
    organisation = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Organisation"), queryset=Organisation.objects.order_by("name")
    )
    region = django_filters.ChoiceFilter(
        label=gettext_lazy("Region"), field_name="organisation__region", choices=regions.CHOICES
    )
    submitted_at = django_filters.DateFromToRangeFilter(
        label=gettext_lazy("Submitted"), widget=DateRangePickerWidget
    )

    class Meta:
        model = Contribution
        fields = ["status", "kind", "organisation", "region", "submitted_at"]

    def __init__(self, data=None, *args, **kwargs):
        # The queue: what awaits review, unless the reviewer chose another status (or all).
        if data is not None and "status" not in data:
            data = data.copy()
            data["status"] = Status.SUBMITTED
        super().__init__(data, *args, **kwargs)
        self.form.fields["status"].initial = Status.SUBMITTED


class CellColumn(Column):
    """A column whose cell is written in Python by `cell(contribution)` (a format_html result)."""

    def __init__(self, name, cell, **kwargs):
        super().__init__(name, **kwargs)
        self.cell = cell

    def render_cell_html(self, instance, parent_context):
        return format_html("<td>{}</td>", self.cell(instance))


def _title_cell(contribution):
    url = reverse(f"{URL_NAMESPACE}:review", args=[contribution.pk])
    identifier = contribution.item.identifier if contribution.item else ""
    return format_html(
        '<div class="title-wrapper"><a href="{}">{}</a></div><small>{}</small>',
        url,
        contribution.title,
        identifier,
    )


def _kind_cell(contribution):
    if contribution.product_kind:
        return format_html(
            "{} · {}", contribution.get_kind_display(), contribution.get_product_kind_display()
        )
    return format_html("{}", contribution.get_kind_display())


def _organisation_cell(contribution):
    organisation = contribution.organisation
    return format_html("{}<br><small>{}</small>", organisation.name, organisation.region_name)


def _submitter_cell(contribution):
    user = contribution.submitter
    if user is None:
        return format_html("{}", "—")
    return format_html("{}", user.get_full_name() or user.get_username())


def _submitted_cell(contribution):
    at = timezone.localtime(contribution.submitted_at)
    return format_html('<time datetime="{}">{}</time>', at.isoformat(), f"{at:%Y-%m-%d %H:%M}")


def files_summary(total: int, done: int, failed: int) -> str:
    if not total:
        return _("No files")
    waiting = total - done - failed
    parts = [_("%(count)d files") % {"count": total}]
    if waiting:
        parts.append(_("%(count)d being processed") % {"count": waiting})
    if failed:
        parts.append(_("%(count)d failed") % {"count": failed})
    if not waiting and not failed:
        parts.append(_("all processed"))
    return " · ".join(parts)


def _files_cell(contribution):
    return format_html(
        "{}", files_summary(contribution.file_count, contribution.files_done, contribution.failed)
    )


STATUS_TAG = {
    Status.SUBMITTED: "w-status--primary",
    Status.CHANGES: "",
    Status.APPROVED: "w-status--primary",
    Status.REJECTED: "",
}


def _status_cell(contribution):
    return format_html(
        '<span class="w-status {}">{}</span>',
        STATUS_TAG.get(contribution.status, ""),
        contribution.get_status_display(),
    )


def file_count(**conditions) -> Coalesce:
    """How many files of the contribution's record (meeting `conditions`): one correlated
    subquery, evaluated for the rows of the page only."""
    files = (
        ItemFile.objects.filter(item_id=OuterRef("item_id"), **conditions)
        .order_by()
        .values("item_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(files, output_field=IntegerField()), 0)


def queue_queryset():
    return Contribution.objects.select_related("organisation", "submitter", "item").annotate(
        file_count=file_count(),
        files_done=file_count(status=FileStatus.DONE),
        failed=file_count(status=FileStatus.FAILED),
    )


class QueueView(ReviewersOnly, IndexView):
    model = Contribution
    any_permission_required = None
    template_name = "wagtailadmin/generic/index.html"
    results_template_name = "wagtailadmin/generic/index_results.html"
    index_url_name = f"{URL_NAMESPACE}:index"
    index_results_url_name = f"{URL_NAMESPACE}:index_results"
    filterset_class = QueueFilterSet
    search_fields = ["title", "item__identifier"]
    search_backend_name = None
    default_ordering = "submitted_at"
    paginate_by = 50
    page_title = gettext_lazy("Contributions to review")
    header_icon = "tasks"

    def get_base_queryset(self):
        return queue_queryset()

    def order_queryset(self, queryset):
        ordering = self.ordering or self.default_ordering
        # The primary key breaks ties in the same direction, so the index serves both.
        tie = "-pk" if ordering.startswith("-") else "pk"
        return queryset.order_by(ordering, tie)

    @cached_property
    def columns(self):
        return [
            CellColumn("title", _title_cell, label=_("Title")),
            CellColumn("kind", _kind_cell, label=_("Kind")),
            CellColumn("organisation", _organisation_cell, label=_("Organisation (region)")),
            CellColumn("submitter", _submitter_cell, label=_("Submitted by")),
            CellColumn(
                "submitted_at", _submitted_cell, label=_("Submitted"), sort_key="submitted_at"
            ),
            CellColumn("files", _files_cell, label=_("Files")),
            CellColumn("status", _status_cell, label=_("Status")),
        ]

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]


# The review page ----------------------------------------------------------------------------


class ApproveForm(forms.Form):
    access_level = forms.ChoiceField(
        label=gettext_lazy("Who may see the record"),
        choices=AccessLevel.choices,
        initial=AccessLevel.PUBLIC,
        widget=forms.RadioSelect,
    )
    audience = forms.ChoiceField(
        label=gettext_lazy("Share the resource with"),
        choices=Audience.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    comment = forms.CharField(
        label=gettext_lazy("Note to the contributor (optional)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    unprocessed = forms.BooleanField(
        label=gettext_lazy("Approve although some files are not yet processed"),
        required=False,
    )

    def __init__(self, *args, contribution: Contribution, files_pending: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.files_pending = files_pending
        if contribution.is_resource:
            self.fields["audience"].required = True
            self.fields["audience"].initial = contribution.audience
        else:
            del self.fields["audience"]
        if not files_pending:
            del self.fields["unprocessed"]

    def clean(self):
        cleaned = super().clean() or {}
        if self.files_pending and not cleaned.get("unprocessed"):
            raise ValidationError(
                _(
                    "Some files are still being processed or failed: look at them once they "
                    "are rendered, or tick the box to approve anyway."
                )
            )
        return cleaned


class CommentForm(forms.Form):
    comment = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, label, required_message, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["comment"].label = label
        self.fields["comment"].error_messages["required"] = required_message


def changes_form(data=None) -> CommentForm:
    return CommentForm(
        data,
        prefix="changes",
        label=_("What the contributor should change"),
        required_message=_("Tell the contributor what to change."),
    )


def reject_form(data=None) -> CommentForm:
    return CommentForm(
        data,
        prefix="reject",
        label=_("Why it is rejected"),
        required_message=_("Give the contributor the reason."),
    )


def image_page_numbers(files) -> dict[int, int]:
    """The viewer's page number of each single-image file (its place among the images), so a
    thumbnail opens the record page's viewer at that scan."""
    numbers: dict[int, int] = {}
    for file in files:
        if (file.mime_type or "").startswith("image/"):
            numbers[file.pk] = len(numbers) + 1
    return numbers


class ReviewView(ReviewersOnly, WagtailAdminTemplateMixin, TemplateView):
    model = Contribution  # what the admin's route walkers (language, access matrix) read
    template_name = "partners/admin/review.html"
    header_icon = "tasks"

    @cached_property
    def contribution(self) -> Contribution:
        return get_object_or_404(
            Contribution.objects.select_related(
                "organisation", "submitter", "item", "reviewer", "organisation__logo"
            ),
            pk=self.kwargs["pk"],
        )

    def get_page_title(self):
        return _("Review: %(title)s") % {"title": self.contribution.title}

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(f"{URL_NAMESPACE}:index"), "label": _("Contributions to review")},
            {"url": "", "label": self.contribution.title},
        ]

    @cached_property
    def files(self) -> list[ItemFile]:
        item = self.contribution.item
        if item is None:
            return []
        return list(
            ItemFile.objects.filter(item=item)
            .order_by("sequence", "pk")
            .only(
                "pk",
                "item_id",
                "sequence",
                "original_filename",
                "mime_type",
                "size",
                "status",
                "technical",
                "sha256",
                "master",
                "error",
            )
        )

    @cached_property
    def files_pending(self) -> bool:
        return any(file.status != FileStatus.DONE for file in self.files)

    def forms(self, data=None, which: str = "") -> dict:
        contribution = self.contribution
        return {
            "approve_form": ApproveForm(
                data if which == "approve" else None,
                prefix="approve",
                contribution=contribution,
                files_pending=self.files_pending,
            ),
            "changes_form": changes_form(data if which == "changes" else None),
            "reject_form": reject_form(data if which == "reject" else None),
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        contribution = self.contribution
        item = contribution.item
        pages = image_page_numbers(self.files)
        counts = {status: 0 for status in FileStatus.values}
        for file in self.files:
            counts[file.status] = counts.get(file.status, 0) + 1
        record_url = item.get_absolute_url() if item is not None else ""
        context.update(
            contribution=contribution,
            item=item,
            record_url=record_url,
            files=[
                {
                    "file": file,
                    "thumbnail": file.thumbnail_url,
                    "open": f"{record_url}?page={pages[file.pk]}" if file.pk in pages else "",
                }
                for file in self.files
            ],
            files_summary=files_summary(
                len(self.files), counts[FileStatus.DONE], counts[FileStatus.FAILED]
            ),
            files_pending=self.files_pending,
            events=contribution.events.select_related("actor"),
            scientists=contribution.scientists.all(),
            decided=not contribution.editable,
            can_approve=contribution.status == Status.SUBMITTED,
            edit_record_url=self.edit_record_url(item),
            history_url=reverse(f"{URL_NAMESPACE}:history", args=[contribution.pk]),
        )
        if contribution.editable:
            context.update(kwargs.get("forms") or self.forms())
        return context

    def edit_record_url(self, item) -> str:
        """The item's admin edit view, when this reviewer may open it there: the admin lists
        and edits only what the access policy shows the user, and a staff-only record opens
        to those who see staff records (档案员, superusers), not to every curator."""
        if item is None or not self.request.user.has_perm("collections.change_item"):
            return ""
        if hidden_keys(type(item), [item.pk], self.request.user):
            return ""
        return reverse("wagtailsnippets_collections_item:edit", args=[item.pk])

    def post(self, request, *args, **kwargs):
        contribution = self.contribution
        which = request.POST.get("decision", "")
        if which not in ("approve", "changes", "reject"):
            messages.error(request, _("Choose a decision."))
            return redirect(f"{URL_NAMESPACE}:review", contribution.pk)
        if not contribution.editable:
            messages.error(request, _("This contribution has already been decided."))
            return redirect(f"{URL_NAMESPACE}:review", contribution.pk)
        forms_ = self.forms(request.POST, which)
        form = forms_[f"{which}_form"]
        if form.is_valid():
            try:
                self.decide(which, form.cleaned_data)
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, self.done_message(which))
                return redirect(f"{URL_NAMESPACE}:review", contribution.pk)
        return self.render_to_response(self.get_context_data(forms=forms_), status=400)

    def decide(self, which: str, data: dict) -> None:
        contribution, user = self.contribution, self.request.user
        if which == "approve":
            deciding.approve(
                contribution,
                user,
                data["access_level"],
                audience=data.get("audience") or None,
                comment=data.get("comment", ""),
            )
        elif which == "changes":
            deciding.request_changes(contribution, user, data["comment"])
        else:
            deciding.reject(contribution, user, data["comment"])

    def done_message(self, which: str) -> str:
        title = self.contribution.title
        return {
            "approve": _("“%(title)s” is approved."),
            "changes": _("“%(title)s” is sent back to the contributor for changes."),
            "reject": _("“%(title)s” is rejected."),
        }[which] % {"title": title}


class ContributionHistoryView(ReviewersOnly, HistoryView):
    """Wagtail's history of the contribution: its decisions, from the log entries `deciding`
    writes. Its "edit" button opens the review page."""

    model = Contribution
    any_permission_required = None
    history_url_name = f"{URL_NAMESPACE}:history"
    history_results_url_name = f"{URL_NAMESPACE}:history_results"
    edit_url_name = f"{URL_NAMESPACE}:review"


class ReviewMenuItem(MenuItem):
    """The queue in the menu, with how many contributions await review."""

    def is_shown(self, request):
        return scope.can_review(request.user)

    def render_component(self, request):
        component = super().render_component(request)
        waiting = Contribution.objects.filter(status=Status.SUBMITTED).count()
        if waiting:
            component.label = f"{self.label} ({waiting})"
        return component


class ReviewViewSet(ViewSet):
    name = URL_NAMESPACE
    url_prefix = "partners/review"
    icon = "tasks"
    menu_label = gettext_lazy("Review contributions")
    menu_name = "partners-review"
    menu_icon = "tasks"

    def get_menu_item(self, order=None):
        return ReviewMenuItem(
            label=self.menu_label,
            url=self.menu_url,
            name=self.menu_name,
            icon_name=self.menu_icon,
            order=self.get_menu_item_order(order),
        )

    @property
    def menu_url(self):
        return reverse(f"{URL_NAMESPACE}:index")

    def get_urlpatterns(self):
        history = ContributionHistoryView
        return [
            path("", QueueView.as_view(), name="index"),
            path("results/", QueueView.as_view(results_only=True), name="index_results"),
            path("<int:pk>/", ReviewView.as_view(), name="review"),
            path("<int:pk>/history/", history.as_view(), name="history"),
            path(
                "<int:pk>/history/results/",
                history.as_view(results_only=True),
                name="history_results",
            ),
        ]
