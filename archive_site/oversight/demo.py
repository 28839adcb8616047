"""The demo's oversight: a few term-list entries from public facts, and the pre-publish check as
the first step of the demo's "Moderators approval" workflow (called by load_demo; idempotent)."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.models import Workflow, WorkflowTask

from .models import PrePublishCheckTask, Term, TermKind
from .terms import normal_form

DEMO_TERMS = [
    (
        "中科院",
        "中国科学院",
        TermKind.INSTITUTION,
        "对外发布的展览正文用全称；简称只在引文中保留。",
    ),
    (
        "学部委员",
        "院士",
        TermKind.INSTITUTION,
        "1993年起中国科学院学部委员改称院士；写1994年以前的当选时可保留“学部委员”，并注明年份。",
    ),
    ("錢學森", "钱学森", TermKind.VARIANT, "简体页面写简体；繁体只在引用原件时保留。"),
    ("錢三強", "钱三强", TermKind.VARIANT, "简体页面写简体；繁体只在引用原件时保留。"),
    ("冯卡门", "冯·卡门", TermKind.NAME, "外国人名的名与姓之间用间隔号。"),
]
WORKFLOW = "Moderators approval"
TASK = "发布前检查"


@transaction.atomic
def seed_terms() -> int:
    created = 0
    for term, preferred, kind, note in DEMO_TERMS:
        _entry, made = Term.objects.get_or_create(
            normal=normal_form(term),
            defaults={"term": term, "preferred": preferred, "kind": kind, "note": note},
        )
        created += made
    return created


@transaction.atomic
def install_check_task(workflow_name: str = WORKFLOW) -> PrePublishCheckTask | None:
    """Put the pre-publish check before the moderators' approval in the workflow."""
    workflow = Workflow.objects.filter(name=workflow_name).first()
    if workflow is None:
        return None
    task = PrePublishCheckTask.objects.filter(name=TASK).first()
    if task is None:
        task = PrePublishCheckTask.objects.create(name=TASK)
        task.groups.set(Group.objects.filter(name="Moderators"))
    if not WorkflowTask.objects.filter(workflow=workflow, task=task).exists():
        for step in WorkflowTask.objects.filter(workflow=workflow).order_by("-sort_order"):
            step.sort_order += 1
            step.save(update_fields=["sort_order"])
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    return task


def load(log=print) -> None:
    log(_("%(n)s term-list entries added") % {"n": seed_terms()})
    task = install_check_task()
    if task is not None:
        log(_("Pre-publish check in the “%(w)s” workflow") % {"w": WORKFLOW})
