"""The pre-publish check of one revision, and a moderator's logged override."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from wagtail.log_actions import log
from wagtail.models import Page

from .checks import PREPUBLISH_KINDS, Checker, Issue
from .terms import TermMatcher

OVERRIDE_ACTION = "oversight.override"


def check_page(page, terms: TermMatcher) -> list[Issue]:
    """The pre-publish findings of a page as it stands in memory (a revision's object or the
    live page), with its credits read from the page itself rather than the database."""
    checker = Checker(
        [page.specific if type(page) is Page else page],
        PREPUBLISH_KINDS,
        terms=terms,
        credits_in_memory=True,
    )
    return checker.issues()


def check_revision(revision, terms: TermMatcher) -> list[dict]:
    if revision is None:
        return []
    return [issue.as_dict() for issue in check_page(revision.as_object(), terms)]


def override(state, user, reason: str) -> None:
    """`state` is a PrePublishCheckState (models.py, which imports this module)."""
    """Let the revision through despite its findings: the reason is required and goes into
    the page's history with the findings it overrode."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give the reason for overriding the pre-publish check."))
    task = state.task.specific
    if not (user.is_superuser or task._user_in_groups(user)):
        raise PermissionDenied
    page = state.workflow_state.content_object.specific
    log(
        instance=page,
        action=OVERRIDE_ACTION,
        user=user,
        revision=state.revision,
        data={
            "reason": reason,
            "failures": [
                {key: f[key] for key in ("kind", "where", "message")} for f in state.failures
            ],
        },
    )
    state.approve(user=user, comment=_("Overridden: %(reason)s") % {"reason": reason})
