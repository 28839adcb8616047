"""The contribution area (/contribute/): members of partner organisations submit and follow their
contributions on the public site, in its language and layout, on a phone or a desktop.

Who sees what is scope.py's answer: a contribution outside `scope.own_contributions` is a 404,
whoever asks. Members sign in with the site's login (settings.LOGIN_URL); accounts are made by
curators. Views that take files install the admin upload's size-limit handler before anything
reads the body, so the CSRF check is made after it (as media_pipeline/admin_upload.py does).
"""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import RequestDataTooBig, TooManyFilesSent, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods

from media_pipeline.admin_upload import TotalSizeLimitHandler, UploadResult, admin_upload_max_bytes

from .. import scope, submitting
from ..models import Contribution, ContributionKind, Status
from . import batch as batches
from .forms import BatchForm, MoreFilesForm, SubmissionForm, initial_for

PAGE_SIZE = 20
RESULTS_KEY = "contribute-results-{}"
BATCH_KEY = "contribute-batch"
KIND_SLUGS = {
    "material": ContributionKind.MATERIAL,
    "case": ContributionKind.CASE,
    "product": ContributionKind.PRODUCT,
}


def members_only(view):
    """Anonymous visitors go to the login page and come back; a signed-in user who is not a
    member of an active partner organisation gets a 403 saying so."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse(settings.LOGIN_URL))
        membership = scope.membership_of(request.user)
        if membership is None:
            return render(request, "partners/contribute/not_member.html", status=403)
        request.membership = membership
        return view(request, *args, **kwargs)

    return wrapped


def takes_files(view):
    """Membership first (no body is read for outsiders), then the size-limit handler, then the
    body, then the CSRF check. `request.upload_refusal` says why the body was not read whole."""

    protected = csrf_protect(view)

    @csrf_exempt
    @members_only
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        request.upload_refusal = ""
        if request.method == "POST":
            handler = TotalSizeLimitHandler(request, admin_upload_max_bytes())
            request.upload_handlers.insert(0, handler)
            try:
                request.POST  # noqa: B018 - parses the body, files included
            except TooManyFilesSent:
                request.upload_refusal = _(
                    "Too many files in one upload: at most %(count)s. Send them in parts."
                ) % {"count": settings.DATA_UPLOAD_MAX_NUMBER_FILES}
            except (MultiPartParserError, RequestDataTooBig):
                request.upload_refusal = _(
                    "The upload could not be read. Choose the files again and send it once more."
                )
            if handler.exceeded:
                request.upload_refusal = _(
                    "This upload is larger than the %(limit)s limit for one upload. Nothing was "
                    "stored; send the files in smaller parts."
                ) % {"limit": filesizeformat(admin_upload_max_bytes())}
        return protected(request, *args, **kwargs)

    return wrapped


def _contribution(request, pk: int) -> Contribution:
    """One of the member's contributions, or 404: another member's or organisation's
    contribution answers exactly like one that does not exist."""
    queryset = scope.own_contributions(request.user).select_related(
        "organisation", "submitter", "item"
    )
    return get_object_or_404(queryset, pk=pk)


def _counts(results: list[UploadResult]) -> dict[str, int]:
    return {key: sum(r.outcome == key for r in results) for key in UploadResult.OUTCOMES}


def _done(request, contribution: Contribution, results: list[UploadResult], saved=False):
    """After a change, to the contribution's page (reloading it sends nothing again), which
    shows once what became of each file (kept in the session until then)."""
    request.session[RESULTS_KEY.format(contribution.pk)] = {
        "saved": saved,
        "files": [[r.filename, r.outcome, r.message] for r in results],
    }
    return redirect("contribute:detail", pk=contribution.pk)


def _outcome(request, contribution: Contribution) -> dict:
    kept = request.session.pop(RESULTS_KEY.format(contribution.pk), None)
    if not isinstance(kept, dict):
        return {}
    results = [UploadResult(*row) for row in kept.get("files", [])]
    return {"results": results, "counts": _counts(results), "saved": kept.get("saved", False)}


@require_http_methods(["GET", "HEAD"])
@members_only
def home(request):
    membership = request.membership
    contributions = scope.own_contributions(request.user).select_related("submitter")
    status = request.GET.get("status", "")
    if status in Status.values:
        contributions = contributions.filter(status=status)
    else:
        status = ""
    page = Paginator(contributions, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "partners/contribute/home.html",
        {
            "membership": membership,
            "editor": scope.is_editor(membership),
            "page": page,
            "status": status,
            "statuses": Status.choices,
            "kinds": ContributionKind.choices,
        },
    )


@require_http_methods(["GET", "HEAD"])
@members_only
def detail(request, pk: int):
    contribution = _contribution(request, pk)
    return _detail(request, contribution, **_outcome(request, contribution))


def _detail(request, contribution: Contribution, **extra) -> HttpResponse:
    item = contribution.item
    files = list(item.files.order_by("sequence", "pk")) if item is not None else []
    context = {
        "contribution": contribution,
        "files": files,
        "events": contribution.events.select_related("actor"),
        "can_edit": scope.can_edit(request.user, contribution),
        "files_form": extra.pop("files_form", None) or MoreFilesForm(),
        **extra,
    }
    status = extra.pop("status", 400 if extra.get("upload_error") else 200)
    context.pop("status", None)
    return render(request, "partners/contribute/detail.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
@takes_files
def new(request, kind: str):
    if kind not in KIND_SLUGS:
        raise Http404
    kind = KIND_SLUGS[kind]
    form = SubmissionForm(kind=kind)
    context: dict = {"kind": kind, "kind_label": ContributionKind(kind).label}
    if request.method == "POST":
        if request.upload_refusal:
            return _form(request, form, context, request.upload_refusal)
        form = SubmissionForm(request.POST, request.FILES, kind=kind)
        if form.is_valid():
            try:
                contribution = submitting.create(request.membership, form.submission())
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                results = submitting.add_files(contribution, form.cleaned_data["files"])
                return _done(request, contribution, results)
        return _form(request, form, context, status=400)
    return _form(request, form, context)


@require_http_methods(["GET", "HEAD", "POST"])
@takes_files
def edit(request, pk: int):
    contribution = _contribution(request, pk)
    context: dict = {
        "kind": contribution.kind,
        "kind_label": contribution.get_kind_display(),
        "contribution": contribution,
    }
    if not scope.can_edit(request.user, contribution):
        return _decided(request, contribution)
    form = SubmissionForm(
        initial=initial_for(contribution), kind=contribution.kind, contribution=contribution
    )
    if request.method == "POST":
        if request.upload_refusal:
            return _form(request, form, context, request.upload_refusal)
        form = SubmissionForm(
            request.POST, request.FILES, kind=contribution.kind, contribution=contribution
        )
        if form.is_valid():
            try:
                contribution = submitting.update(contribution, request.user, form.submission())
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                results = submitting.add_files(contribution, form.cleaned_data["files"])
                return _done(request, contribution, results, saved=True)
        return _form(request, form, context, status=400)
    return _form(request, form, context)


@require_http_methods(["POST"])
@takes_files
def add_files(request, pk: int):
    contribution = _contribution(request, pk)
    if not scope.can_edit(request.user, contribution):
        return _decided(request, contribution)
    if request.upload_refusal:
        return _detail(request, contribution, upload_error=request.upload_refusal)
    form = MoreFilesForm(request.POST, request.FILES)
    if not form.is_valid():
        return _detail(
            request, contribution, files_form=form, upload_error=_("Choose at least one file.")
        )
    results = submitting.add_files(contribution, form.cleaned_data["files"])
    return _done(request, contribution, results)


@require_http_methods(["GET", "HEAD", "POST"])
@takes_files
def batch(request):
    form = BatchForm()
    context: dict = {"form": form}
    if request.method == "POST":
        if request.upload_refusal:
            context["upload_error"] = request.upload_refusal
            return render(request, "partners/contribute/batch.html", context, status=413)
        form = BatchForm(request.POST, request.FILES)
        context["form"] = form
        if not form.is_valid():
            return render(request, "partners/contribute/batch.html", context, status=400)
        data = form.cleaned_data
        outcome = batches.run(
            request.membership,
            data["manifest"],
            data["files"],
            data["licence"],
            data["source_statement"],
        )
        if not outcome.report.ok:
            context["report"] = outcome.report
            return render(request, "partners/contribute/batch.html", context, status=400)
        request.session[BATCH_KEY] = [
            {
                "row": written.row,
                "contribution": {
                    "pk": written.contribution.pk,
                    "title": written.contribution.title,
                    "item": {"identifier": written.contribution.item.identifier},
                },
                "files": [[r.filename, r.outcome, r.message] for r in written.files],
            }
            for written in outcome.written
            if written.contribution.item is not None
        ]
        return redirect("contribute:batch")
    kept = request.session.pop(BATCH_KEY, None)
    if isinstance(kept, list):
        for row in kept:
            row["files"] = [UploadResult(*result) for result in row["files"]]
        context["written"] = kept
    return render(request, "partners/contribute/batch.html", context)


def _form(request, form, context, upload_error: str = "", status: int = 200) -> HttpResponse:
    context = {**context, "form": form, "upload_error": upload_error}
    status = 413 if upload_error else status
    return render(request, "partners/contribute/form.html", context, status=status)


def _decided(request, contribution: Contribution) -> HttpResponse:
    message = _("This contribution has been decided and can no longer change.")
    return _detail(request, contribution, upload_error=message, status=403)


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)
