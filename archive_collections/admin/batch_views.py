"""The batch edit screens of the item and scientist listings (Wagtail bulk actions).

The screen is a form over `batch.apply_batch`: "Preview" runs it as a dry run and shows how many
of the selected records would change, "Apply" runs it for real; a refused batch is shown with
each record and its reason. The permission and access checks happen before the form is read, so
a forged request for records the user may not see answers 403 and changes nothing.

"Apply" is a long job when an app above registers BATCH_PROGRESS_HOOK (archive_site registers
the media pipeline's jobs): a progress bar on the screen while the batch is checked and written,
then a job that follows the search index taking the change, and a notification to the curator
when it ends (or why it failed)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, ClassVar, Protocol

from django import forms
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.widgets import AdminDateInput
from wagtail.log_actions import LogFormatter
from wagtail.snippets.bulk_actions.snippet_bulk_action import SnippetBulkAction

from archive_collections.access import AccessPolicy
from archive_collections.importer.progress import Progress, no_progress
from archive_collections.models import (
    AccessLevel,
    Discipline,
    Item,
    RightsStatement,
    Scientist,
    Series,
)
from archive_collections.models.choices import LANGUAGE_CHOICES

from . import batch

#: The identifiers shown under the count, and the refusals listed; counts cover the whole batch.
SHOWN = 20
REFUSALS_SHOWN = 100

#: A function registered under this hook returns a `BatchProgress`; the last one registered is
#: used. Without one, "Apply" simply waits for its answer.
BATCH_PROGRESS_HOOK = "register_archive_batch_progress"


class BatchTracker(Protocol):
    progress: Progress
    url: str  # where the curator follows the job

    def applied(self, model, pks: Iterable[int], message: str) -> None:
        """The batch committed: follow what it set going, then end with `message`."""
        ...

    def end(self, message: str, ok: bool) -> None: ...


class BatchProgress(Protocol):
    def form_html(self, request) -> str:
        """Markup placed in the batch form: what the bar needs to find the batch's job."""
        ...

    def start(self, request, label: str, url: str = "") -> BatchTracker: ...


def registered_progress() -> BatchProgress | None:
    registered = hooks.get_hooks(BATCH_PROGRESS_HOOK)
    return registered[-1]() if registered else None


class BatchForm(forms.Form):
    """One action and the value it needs; `change()` builds the batch's Change."""

    action = forms.ChoiceField(label=gettext_lazy("change"))

    @property
    def action_field(self) -> forms.ChoiceField:
        field = self.fields["action"]
        assert isinstance(field, forms.ChoiceField)
        return field


class ItemBatchForm(BatchForm):
    access_level = forms.ChoiceField(
        label=gettext_lazy("access"), required=False, choices=AccessLevel.choices
    )
    embargo_until = forms.DateField(
        label=gettext_lazy("embargoed until"),
        required=False,
        widget=AdminDateInput,
        help_text=gettext_lazy("Leave empty to clear the embargo."),
    )
    # A select, but the value is checked by the batch's rule (listing the records it blocks),
    # not refused by the form before anyone sees why.
    rights_statement = forms.CharField(
        label=gettext_lazy("rights statement"),
        required=False,
        widget=forms.Select(choices=RightsStatement.choices),
    )
    language = forms.ChoiceField(
        label=gettext_lazy("language"), required=False, choices=LANGUAGE_CHOICES
    )
    series = forms.ModelChoiceField(
        label=gettext_lazy("series"),
        required=False,
        queryset=Series.objects.select_related("fonds").order_by("fonds__identifier", "identifier"),
    )
    subjects = forms.CharField(
        label=gettext_lazy("subjects"),
        required=False,
        help_text=gettext_lazy("Separate several with commas or 、"),
    )
    scientists = forms.ModelMultipleChoiceField(
        label=gettext_lazy("scientists"),
        required=False,
        queryset=Scientist.objects.order_by("name_pinyin", "name"),
    )

    VALUE_FIELD = {
        "set_access_level": "access_level",
        "set_embargo": "embargo_until",
        "set_rights": "rights_statement",
        "set_language": "language",
        "set_series": "series",
        "add_subjects": "subjects",
        "remove_subjects": "subjects",
        "add_scientists": "scientists",
        "remove_scientists": "scientists",
    }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.action_field.choices = batch.choices(batch.ITEM_ACTIONS)
        for name, action in batch.ITEM_ACTIONS.items():
            if action.form_field is not None:
                self.fields[name] = action.form_field(user)

    def value_field(self, name: str) -> str:
        return self.VALUE_FIELD.get(name) or (name if name in self.fields else "")

    def clean(self):
        data = super().clean() or {}
        name = data.get("action")
        field = self.value_field(name or "")
        if field and field != "embargo_until" and not data.get(field):
            self.add_error(field, _("This action needs a value."))
        return data

    def value_fields(self):
        """(bound field, the actions that read it) for each field but the action."""
        for field in self:
            if field.name != "action":
                actions = [a for a in batch.ITEM_ACTIONS if self.value_field(a) == field.name]
                yield field, " ".join(actions)

    def change(self) -> batch.Change:
        name = self.cleaned_data["action"]
        value: Any = self.cleaned_data.get(self.value_field(name))
        form_value = batch.ITEM_ACTIONS[name].form_value
        if form_value is not None:
            value = form_value(value)
        elif name == "set_series":
            value = value.pk
        elif name.endswith("_scientists"):
            value = [scientist.pk for scientist in value]
        elif name.endswith("_subjects"):
            value = value.replace("、", ",").replace("，", ",").split(",")
        return batch.Change(name, value)


class ScientistBatchForm(BatchForm):
    discipline = forms.ModelChoiceField(
        label=gettext_lazy("discipline"), queryset=Discipline.objects.order_by("name")
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.action_field.choices = batch.choices(batch.SCIENTIST_ACTIONS)

    def value_fields(self):
        yield self["discipline"], " ".join(batch.SCIENTIST_ACTIONS)

    def change(self) -> batch.Change:
        return batch.Change(self.cleaned_data["action"], self.cleaned_data["discipline"].pk)


class BatchEditAction(SnippetBulkAction):
    """Shared by items and scientists: who may, the selection, preview and apply."""

    action_type = "batch_edit"
    display_name = gettext_lazy("Batch edit")
    aria_label = gettext_lazy("Change the selected records together")
    template_name = "collections/admin/batch_edit.html"
    action_priority = 20

    def selected_ids(self) -> list[str]:
        ids = self.request.GET.getlist("id")
        if "all" in ids:
            return [str(pk) for pk in self.listed().values_list("pk", flat=True)]
        return ids

    def listed(self):
        """ "Select all in listing": what the listing shows with the filters and search it was
        opened with (Wagtail passes its query string along), read by the listing's own view."""
        view = self.model.snippet_viewset.index_view  # as the listing's URL builds it
        listing = view.view_class(**view.view_initkwargs)
        listing.setup(self.request)
        return self.visible(listing.get_queryset().order_by())

    def visible(self, queryset):
        return queryset

    # The model's pair of functions from batch.py, given by each subclass:
    # check(user, ids) -> ids (403 before reading anything) and
    # apply(user, ids, change, dry_run=...) -> BatchResult.
    check: ClassVar[Callable[..., list[int]]]
    apply: ClassVar[Callable[..., batch.BatchResult]]

    def check_allowed(self, ids):
        return type(self).check(self.request.user, ids)

    def run(self, ids, change, dry_run, progress: Progress = no_progress):
        return type(self).apply(self.request.user, ids, change, dry_run=dry_run, progress=progress)

    def actions(self) -> dict[str, batch.ItemAction]:
        return batch.ITEM_ACTIONS if self.model is Item else batch.SCIENTIST_ACTIONS

    def job_label(self, change: batch.Change) -> str:
        action = self.actions().get(change.action)
        return _("Batch edit of %(count)d %(records)s: %(action)s") % {
            "count": len(self.ids),
            "records": self.model._meta.verbose_name_plural,
            "action": action.label if action else change.action,
        }

    def dispatch(self, request, *args, **kwargs):
        # Answered here, not raised: Wagtail's admin turns a raised PermissionDenied into a
        # redirect to the dashboard, and a forged request should get a plain 403.
        try:
            self.ids = self.check_allowed(self.selected_ids())
        except batch.BatchForbidden as exc:
            return self.forbidden(str(exc))
        if not self.ids:
            return self.forbidden(_("Nothing is selected."))
        return super().dispatch(request, *args, **kwargs)

    def forbidden(self, reason: str) -> TemplateResponse:
        return TemplateResponse(
            self.request,
            "collections/admin/batch_forbidden.html",
            {"reason": reason, "next": self.next_url},
            status=403,
        )

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        shown = self.model.objects.filter(pk__in=self.ids[:SHOWN])
        tracking = registered_progress()
        return {
            "progress_html": tracking.form_html(self.request) if tracking else "",
            "form": kwargs.get("form") or self.get_form(),
            "result": kwargs.get("result"),
            "selected": len(self.ids),
            "shown": shown,
            "more": max(len(self.ids) - SHOWN, 0),
            "refusals_shown": REFUSALS_SHOWN,
            "refusals_more": max(
                len(getattr(kwargs.get("result"), "refusals", ())) - REFUSALS_SHOWN, 0
            ),
            "next": self.next_url,
            "submit_url": self.request.get_full_path(),
            "model_opts": self.model._meta,
            "header_icon": self.model.snippet_viewset.icon,
            "view": self,
        }

    def form_valid(self, form):
        dry_run = "preview" in self.request.POST
        change = form.change()
        tracking = None if dry_run else registered_progress()
        tracker = (
            tracking.start(self.request, self.job_label(change), self.next_url)
            if tracking
            else None
        )
        try:
            result = self.run(
                self.ids, change, dry_run, tracker.progress if tracker else no_progress
            )
        except batch.BatchForbidden as exc:
            _end(tracker, str(exc))
            return self.forbidden(str(exc))
        except batch.BatchTooLarge as exc:
            _end(tracker, "; ".join(exc.messages))
            form.add_error(None, exc)
            return self.form_invalid(form)
        except Exception as exc:
            _end(tracker, _("Stopped by an error: %(error)s") % {"error": exc})
            raise
        if result.applied:
            message = self.success_message(result)
            buttons = []
            if tracker is not None:
                tracker.applied(self.model, result.changed, message)
                buttons = [messages.button(tracker.url, _("Progress"))]
            messages.success(self.request, message, buttons=buttons)
            return redirect(self.next_url)
        if result.refused:
            _end(tracker, self.refused_message(result))
        return TemplateResponse(
            self.request, self.template_name, self.get_context_data(form=form, result=result)
        )

    def form_invalid(self, form):
        return TemplateResponse(self.request, self.template_name, self.get_context_data(form=form))

    def refused_message(self, result) -> str:
        return ngettext(
            "Refused: nothing was changed. %(count)d record breaks a rule.",
            "Refused: nothing was changed. %(count)d records break a rule.",
            len(result.refusals),
        ) % {"count": len(result.refusals)}

    def success_message(self, result) -> str:
        return ngettext(
            "%(changed)d of %(selected)d selected record changed; %(unchanged)d already had it.",
            "%(changed)d of %(selected)d selected records changed; %(unchanged)d already had it.",
            result.selected,
        ) % {
            "changed": len(result.changed),
            "selected": result.selected,
            "unchanged": result.unchanged,
        }


def _end(tracker: BatchTracker | None, reason: str) -> None:
    if tracker is not None:
        tracker.end(reason, False)


class ItemBatchEditAction(BatchEditAction):
    models = [Item]
    form_class = ItemBatchForm

    def visible(self, queryset):
        return queryset.filter(AccessPolicy.for_user(self.request.user).item_q())

    check = staticmethod(batch.check_items_allowed)
    apply = staticmethod(batch.apply_batch)


class ScientistBatchEditAction(BatchEditAction):
    models = [Scientist]
    form_class = ScientistBatchForm

    check = staticmethod(batch.check_scientists_allowed)
    apply = staticmethod(batch.apply_scientist_batch)


hooks.register("register_bulk_action", ItemBatchEditAction)
hooks.register("register_bulk_action", ScientistBatchEditAction)


@hooks.register("register_log_actions")
def register_batch_log_action(actions):
    @actions.register_action(batch.LOG_ACTION)
    class BatchEditFormatter(LogFormatter):
        label = gettext_lazy("Changed in a batch")

        def format_message(self, log_entry):
            return _("Changed in a batch of %(size)s: %(change)s") % {
                "size": log_entry.data.get("batch_size", "?"),
                "change": log_entry.data.get("change", ""),
            }
