"""Audits of what is published: the daily audit (自查) and special inspections (专项检查).

Both walk live exhibit pages through the same Checker as the pre-publish task, in batches of
`BATCH` pages, so a run's queries grow with the number of batches and kinds of reference, not
with each page; the results are kept as an AuditRun with its Findings.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Page, ReferenceIndex

from archive_collections.models import Interview, Item, Scientist
from exhibits.models import BasePage, ScientistStoryPage

from .checks import AUDIT_KINDS, INSPECTION_KINDS, Checker, Issue, Where, is_external, page_edit_url
from .kinds import FindingKind
from .links import LinkChecker
from .models import AuditRun, Finding, Term
from .terms import TermMatcher

BATCH = 500


@dataclass(frozen=True)
class Scope:
    exhibition_id: int | None = None
    scientist_id: int | None = None
    query: str = ""
    published_from: date | None = None
    published_to: date | None = None

    def as_json(self) -> dict:
        return {
            key: (value.isoformat() if isinstance(value, date) else value)
            for key, value in self.__dict__.items()
            if value not in (None, "")
        }

    @classmethod
    def from_json(cls, data: dict) -> Scope:
        data = dict(data or {})
        for key in ("published_from", "published_to"):
            if data.get(key):
                data[key] = date.fromisoformat(data[key])
        return cls(**data)

    def label(self) -> str:
        parts = []
        if self.exhibition_id:
            page = Page.objects.filter(pk=self.exhibition_id).first()
            parts.append(
                _("exhibition “%(t)s”") % {"t": page.title if page else self.exhibition_id}
            )
        if self.scientist_id:
            scientist = Scientist.objects.filter(pk=self.scientist_id).first()
            parts.append(_("scientist %(n)s") % {"n": scientist or self.scientist_id})
        if self.query:
            parts.append(_("pages matching “%(q)s”") % {"q": self.query})
        if self.published_from or self.published_to:
            parts.append(
                _("published %(a)s – %(b)s")
                % {"a": self.published_from or "…", "b": self.published_to or "…"}
            )
        return "; ".join(parts) or _("everything published")


def exhibit_page_models() -> list[type[Page]]:
    return [
        model
        for model in apps.get_models()
        if issubclass(model, BasePage) and not model._meta.abstract
    ]


def pages_in_scope(scope: Scope):
    pages = Page.objects.live().type(*exhibit_page_models())
    if scope.exhibition_id:
        exhibition = Page.objects.get(pk=scope.exhibition_id)
        pages = pages.descendant_of(exhibition, inclusive=True)
    if scope.scientist_id:
        pages = pages.filter(pk__in=_pages_about_scientist(scope.scientist_id))
    if scope.published_from:
        pages = pages.filter(last_published_at__date__gte=scope.published_from)
    if scope.published_to:
        pages = pages.filter(last_published_at__date__lte=scope.published_to)
    if scope.query:
        pages = pages.filter(pk__in=[p.pk for p in pages.search(scope.query)])
    return pages.order_by("path")


def _pages_about_scientist(scientist_id: int) -> set[int]:
    """Stories about the scientist, and pages embedding the scientist or their records (read
    from Wagtail's reference index, which chooser blocks fill)."""
    pages = set(
        ScientistStoryPage.objects.filter(scientist_id=scientist_id).values_list("pk", flat=True)
    )
    item_ids = [
        str(pk) for pk in Item.objects.filter(scientists=scientist_id).values_list("pk", flat=True)
    ]
    interview_ids = [
        str(pk)
        for pk in Interview.objects.filter(item__scientists=scientist_id).values_list(
            "pk", flat=True
        )
    ]
    targets: list[tuple[type[models.Model], list[str]]] = [
        (Scientist, [str(scientist_id)]),
        (Item, item_ids),
        (Interview, interview_ids),
    ]
    page_type = ContentType.objects.get_for_model(Page)
    for model, ids in targets:
        if not ids:
            continue
        pages.update(
            int(pk)
            for pk in ReferenceIndex.objects.filter(
                base_content_type=page_type,
                to_content_type=ContentType.objects.get_for_model(model),
                to_object_id__in=ids,
            ).values_list("object_id", flat=True)
        )
    return pages


def run_audit(
    *,
    scope: Scope | None = None,
    user=None,
    external_links: bool = False,
    link_checker: LinkChecker | None = None,
) -> AuditRun:
    """One audit run: the daily audit without a scope, a special inspection with one (which
    adds the term list)."""
    special = scope is not None
    scope = scope or Scope()
    run = AuditRun.objects.create(
        kind=AuditRun.Kind.SPECIAL if special else AuditRun.Kind.DAILY,
        scope=scope.as_json(),
        scope_label=scope.label()[:300],
        started_by=user if getattr(user, "is_authenticated", False) else None,
        external_links=external_links,
    )
    try:
        count, findings = _audit(run, scope, special, external_links, link_checker)
    except Exception as exc:
        AuditRun.objects.filter(pk=run.pk).update(
            status=AuditRun.Status.FAILED, error=repr(exc)[:2000], finished_at=timezone.now()
        )
        raise
    run.page_count, run.finding_count = count, findings
    run.status, run.finished_at = AuditRun.Status.DONE, timezone.now()
    run.save(update_fields=["page_count", "finding_count", "status", "finished_at"])
    return run


def _audit(run, scope, special, external_links, link_checker) -> tuple[int, int]:
    kinds = INSPECTION_KINDS if special else AUDIT_KINDS
    terms = TermMatcher.from_terms(Term.objects.all()) if special else None
    page_ids = list(pages_in_scope(scope).values_list("pk", flat=True))
    external: dict[str, list[tuple[Page, Where]]] = {}
    findings = 0
    for start in range(0, len(page_ids), BATCH):
        chunk = page_ids[start : start + BATCH]
        pages = list(Page.objects.filter(pk__in=chunk).order_by("path").specific())
        checker = Checker(pages, kinds, terms=terms)
        issues = checker.issues()
        if external_links:
            for scan in checker.scans:
                for url, where in scan.urls:
                    if is_external(url, checker.hosts):
                        external.setdefault(url, []).append((scan.page, where))
        findings += _save(run, issues)
    if external:
        results = (link_checker or LinkChecker()).check_all(set(external))
        issues = [
            Issue(
                FindingKind.EXTERNAL_LINK,
                page,
                where,
                _("%(url)s: %(reason)s") % {"url": url, "reason": result.reason},
                target=url,
                fix_url=page_edit_url(page, where.field),
            )
            for url, result in results.items()
            if not result.ok
            for page, where in external[url]
        ]
        findings += _save(run, issues)
    return len(page_ids), findings


@transaction.atomic
def _save(run: AuditRun, issues: list[Issue]) -> int:
    Finding.objects.bulk_create(
        [
            Finding(
                run=run,
                page_id=issue.page.pk,
                page_title=issue.page.title[:255],
                kind=issue.kind,
                severity=issue.severity,
                field=issue.where.field[:100],
                where=issue.where.label[:200],
                message=issue.message,
                target=issue.target[:500],
                fix_url=issue.fix_url[:500],
            )
            for issue in issues
        ],
        batch_size=1000,
    )
    return len(issues)
