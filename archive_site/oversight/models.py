"""The term list, audit runs and their findings, and the pre-publish check task."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.models import AbstractGroupApprovalTask, TaskState
from wagtail.search import index

from .forms import OverrideForm
from .kinds import FindingKind
from .prepublish import check_revision, override
from .terms import TermMatcher, normal_form


class TermKind(models.TextChoices):
    INSTITUTION = "institution", _("Outdated institution name")
    NAME = "name", _("Name written a certain way")
    VARIANT = "variant", _("Simplified/traditional variant")


class Term(index.Indexed, models.Model):
    """A term curators want a second look at wherever it is written, with the preferred form.

    Matched in the search's normal form (terms.py), so one entry catches the traditional,
    full-width and variant spellings too; two entries with the same normal form are one entry."""

    term = models.CharField(_("term"), max_length=200)
    preferred = models.CharField(_("preferred form"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=TermKind.choices)
    normal = models.CharField(_("normal form"), max_length=200, unique=True, editable=False)

    panels = [FieldPanel("term"), FieldPanel("preferred"), FieldPanel("kind"), FieldPanel("note")]
    search_fields = [index.SearchField("term"), index.SearchField("preferred")]

    class Meta:
        ordering = ["kind", "term"]
        verbose_name = _("term to check")
        verbose_name_plural = _("term list")

    def __str__(self):
        return f"{self.term} → {self.preferred}" if self.preferred else self.term

    def save(self, *args, **kwargs):
        self.normal = normal_form(self.term)
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        self.term = (self.term or "").strip()
        self.preferred = (self.preferred or "").strip()
        self.normal = normal_form(self.term)
        if not self.normal:
            raise ValidationError({"term": _("Write the term to look for; it cannot be empty.")})
        if self.preferred == self.term:
            raise ValidationError(
                {"preferred": _("The preferred form is the term itself: nothing to correct.")}
            )
        other = Term.objects.filter(normal=self.normal).exclude(pk=self.pk).first()
        if other is not None:
            raise ValidationError(
                {
                    "term": _(
                        "“%(term)s” is already on the list as “%(other)s” (the same after "
                        "simplified/traditional and width folding)."
                    )
                    % {"term": self.term, "other": other.term}
                }
            )


class AuditRun(models.Model):
    class Kind(models.TextChoices):
        DAILY = "daily", _("Daily audit (自查)")
        SPECIAL = "special", _("Special inspection (专项检查)")

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    scope = models.JSONField(_("scope"), default=dict, blank=True)
    scope_label = models.CharField(_("scope"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.RUNNING
    )
    error = models.TextField(_("error"), blank=True)
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("started by"),
    )
    page_count = models.PositiveIntegerField(_("pages checked"), default=0)
    finding_count = models.PositiveIntegerField(_("findings"), default=0)
    external_links = models.BooleanField(_("external links checked"), default=False)

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("audit run")
        verbose_name_plural = _("audit runs")

    def __str__(self):
        return f"{self.get_kind_display()} {timezone.localtime(self.started_at):%Y-%m-%d %H:%M}"


class Finding(models.Model):
    run = models.ForeignKey(
        AuditRun, on_delete=models.CASCADE, related_name="findings", verbose_name=_("run")
    )
    page = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("page"),
    )
    page_title = models.CharField(_("page"), max_length=255)
    kind = models.CharField(_("kind"), max_length=20, choices=FindingKind.choices, db_index=True)
    severity = models.PositiveSmallIntegerField(_("severity"), default=5)
    field = models.CharField(_("field"), max_length=100, blank=True)
    where = models.CharField(_("where"), max_length=200, blank=True)
    message = models.TextField(_("message"))
    target = models.CharField(_("target"), max_length=500, blank=True)
    fix_url = models.CharField(_("fix"), max_length=500, blank=True)

    class Meta:
        ordering = ["severity", "page_title", "pk"]
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        indexes = [models.Index(fields=["run", "severity"])]

    def __str__(self):
        return f"{self.page_title}: {self.message}"


class PrePublishCheckTask(AbstractGroupApprovalTask):
    """A workflow step that checks the submitted revision (page and every record it embeds)
    and passes by itself when nothing is found. When something is, the step waits: the curator
    fixes and resubmits, or a member of the task's groups checks again or overrides with a
    reason, which is logged on the page (action "oversight.override")."""

    admin_form_fields = AbstractGroupApprovalTask.admin_form_fields

    def start(self, workflow_state, user=None):
        task_state = super().start(workflow_state, user=user)
        state = task_state.specific
        state.record(check_revision(task_state.revision, self.term_matcher()))
        if not state.failures:
            state.approve(user=None, update=False, comment=str(_("Pre-publish check passed.")))
        return state

    def get_actions(self, obj, user):
        if user.is_superuser or self._user_in_groups(user):
            return [
                ("recheck", _("Check again"), False),
                ("override", _("Override with reason"), True),
                ("reject", _("Request changes"), True),
            ]
        return []

    @staticmethod
    def term_matcher() -> TermMatcher:
        return TermMatcher.from_terms(Term.objects.all())

    def get_form_for_action(self, action):
        if action == "override":
            return OverrideForm
        return super().get_form_for_action(action)

    def get_template_for_action(self, action):
        return "oversight/workflow_action.html" if action == "override" else ""

    def on_action(self, task_state, user, action_name, **kwargs):
        state = task_state.specific
        if action_name == "recheck":
            revision = state.workflow_state.content_object.get_latest_revision()
            state.revision = revision
            state.record(check_revision(revision, self.term_matcher()))
            if not state.failures:
                state.approve(user=user, comment=str(_("Pre-publish check passed.")))
        elif action_name == "override":
            override(state, user, kwargs.get("comment", ""))
        else:
            super().on_action(task_state, user, action_name, **kwargs)

    @classmethod
    def get_description(cls):
        return _(
            "Checks rights, alt text, captions, credits, hidden or missing records, links and "
            "the term list; passes by itself when nothing is found"
        )

    class Meta:
        verbose_name = _("Pre-publish check")
        verbose_name_plural = _("Pre-publish checks")


class PrePublishCheckState(TaskState):
    failures = models.JSONField(_("failures"), default=list, blank=True)
    checked_at = models.DateTimeField(_("checked"), null=True, blank=True)

    def record(self, failures: list[dict]) -> None:
        self.failures = failures
        self.checked_at = timezone.now()
        self.save(update_fields=["failures", "checked_at", "revision"])

    class Meta:
        verbose_name = _("Pre-publish check state")


PrePublishCheckTask.task_state_class = PrePublishCheckState
