"""Batch changes to catalogue records: one rule-checked transaction per batch.

    apply_batch(user, item_ids, change, dry_run=False) -> BatchResult

`change` is a `Change(action, value)`; `action` is one of `ITEM_ACTIONS` (set_access_level,
set_embargo, set_rights, set_language, set_series, add_subjects, remove_subjects,
add_scientists, remove_scientists) or one an app above registered with `register_item_action`
(exhibits adds "add to an exhibition's reading list"). The value is what the action sets or
adds: an access level or language code, a date or None (clears the embargo), a rights URI, a
Series pk, a list of subject names, a list of Scientist pks.

- Raises `BatchForbidden` (a PermissionDenied, so a view answers 403) before reading anything
  else when the user may not change items, or when any selected id is not an item the user may
  see under the access policy (archive_collections/access.py). Nothing changes. More than
  MAX_BATCH (5,000) records raise `BatchTooLarge` (a ValidationError).
- Checks every record against the action's rules first. If one record breaks a rule, the result
  lists each such record with its reason (`refusals`) and nothing is written.
- Otherwise writes the whole batch in one transaction: the changed fields in bulk, one Revision
  and one log entry ("collections.batch_edit", the batch's id in its data) per changed record, and
  after commit one `catalogue_changed` with the changed pks (search and OAI-PMH listen).
- `dry_run=True` checks and counts without writing: `result.changed` are the records that would
  change, `result.unchanged` those that already have it.
- `progress`: a factory in the importer's progress shape (importer/progress.py); the batch moves
  one bar while checking and one while writing (the admin's progress bar, BATCH_PROGRESS_HOOK).

`apply_scientist_batch(user, scientist_ids, change, dry_run=False)` does the same for
scientists with add_discipline / remove_discipline (value: a Discipline pk).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from taggit.models import Tag
from wagtail.models import ModelLogEntry, Revision

from archive_collections.access import AccessPolicy
from archive_collections.importer.progress import Progress, no_progress
from archive_collections.models import (
    AccessLevel,
    Discipline,
    Item,
    ItemSubject,
    Scientist,
    Series,
)
from archive_collections.models.choices import LANGUAGE_CHOICES
from archive_collections.models.interviews import without_release
from archive_collections.signals import catalogue_changed

LOG_ACTION = "collections.batch_edit"
ITEM_CHANGE_PERMISSION = "collections.change_item"
SCIENTIST_CHANGE_PERMISSION = "collections.change_scientist"


#: The most records one batch may hold: a thousand take a few seconds; the whole archive in one
#: request would outlast the web worker's timeout (a larger change is an import, docs/IMPORT.md).
MAX_BATCH = 5000
#: Records between two moves of the progress bar while revisions are made.
PROGRESS_STEP = 250


class BatchForbidden(PermissionDenied):
    """The user may not change these records (or may not see some of them)."""


class BatchTooLarge(ValidationError):
    """More than MAX_BATCH records: refused before anything is read."""


@dataclass(frozen=True)
class Change:
    action: str
    value: Any = None


@dataclass(frozen=True)
class Refusal:
    pk: int
    record: str
    reason: str


@dataclass
class BatchResult:
    selected: int
    changed: list[int] = field(default_factory=list)
    refusals: list[Refusal] = field(default_factory=list)
    dry_run: bool = False

    @property
    def unchanged(self) -> int:
        return self.selected - len(self.changed)

    @property
    def refused(self) -> bool:
        return bool(self.refusals)

    @property
    def applied(self) -> bool:
        return not self.dry_run and not self.refused


@dataclass(frozen=True)
class ItemAction:
    """One kind of batch change. `plan(records, value, user)` returns (pks that change,
    refusals) and checks every rule; `write(records, value, changing_pks, user)` writes inside
    the batch's transaction; `describe(value)` is the log entry's wording.

    `rereads` False: `write` also sets the change on the records in memory, so the revisions
    are made from them without reading the batch again.
    `changes_records` False: the action changes something else (an exhibition page, which keeps
    its own revision and log entry), so the records get none and nothing is announced.
    `form_field(user)` and `form_value(cleaned)` let an action registered from above bring the form
    field its value is chosen with (the batch screen adds it under the action's name)."""

    name: str
    label: Any
    plan: Callable[[list, Any, Any], tuple[list[int], list[Refusal]]]
    write: Callable[[list, Any, list[int], Any], None]
    describe: Callable[[Any], str]
    changes_records: bool = True
    rereads: bool = True
    form_field: Callable[[Any], Any] | None = None
    form_value: Callable[[Any], Any] | None = None


ITEM_ACTIONS: dict[str, ItemAction] = {}
SCIENTIST_ACTIONS: dict[str, ItemAction] = {}


def register_item_action(action: ItemAction) -> ItemAction:
    """For apps above the catalogue (exhibits: the reading list); a name is registered once."""
    if action.name in ITEM_ACTIONS:
        raise ValueError(f"batch action {action.name!r} is registered twice")
    ITEM_ACTIONS[action.name] = action
    return action


# -- checking who asks ------------------------------------------------------------------------


def _ids(ids: Iterable[Any]) -> list[int]:
    try:
        return sorted({int(pk) for pk in ids})
    except (TypeError, ValueError) as exc:
        raise BatchForbidden(_("Unknown records in the batch.")) from exc


def check_items_allowed(user, item_ids: Iterable[Any]) -> list[int]:
    """The selected pks, if the user may change items and see every one of them; otherwise
    BatchForbidden. An unknown id is refused like a hidden one, so the answer tells nothing."""
    pks = _ids(item_ids)
    if not (user is not None and user.is_active and user.has_perm(ITEM_CHANGE_PERMISSION)):
        raise BatchForbidden(_("You may not change items."))
    visible = Item.objects.filter(pk__in=pks).visible_to(AccessPolicy.for_user(user)).count()
    if visible != len(pks):
        raise BatchForbidden(_("The batch holds records you may not see."))
    return pks


def check_scientists_allowed(user, scientist_ids: Iterable[Any]) -> list[int]:
    pks = _ids(scientist_ids)
    if not (user is not None and user.is_active and user.has_perm(SCIENTIST_CHANGE_PERMISSION)):
        raise BatchForbidden(_("You may not change scientists."))
    if Scientist.objects.filter(pk__in=pks).count() != len(pks):
        raise BatchForbidden(_("Unknown records in the batch."))
    return pks


# -- running a batch --------------------------------------------------------------------------


def apply_batch(
    user,
    item_ids: Iterable[Any],
    change: Change,
    dry_run: bool = False,
    progress: Progress = no_progress,
):
    """See the module docstring. Returns a BatchResult; raises BatchForbidden, BatchTooLarge
    (over MAX_BATCH records) or, for an unknown action, ValidationError."""
    pks = check_items_allowed(user, item_ids)
    _check_size(pks)
    action = _action(ITEM_ACTIONS, change.action)
    records = list(
        Item.objects.filter(pk__in=pks)
        .select_related("series__fonds")
        .prefetch_related("scientists", "tagged_subjects__tag")
    )
    return _run(user, Item, records, action, change.value, dry_run, progress)


def apply_scientist_batch(
    user,
    scientist_ids: Iterable[Any],
    change: Change,
    dry_run=False,
    progress: Progress = no_progress,
):
    pks = check_scientists_allowed(user, scientist_ids)
    _check_size(pks)
    action = _action(SCIENTIST_ACTIONS, change.action)
    records = list(Scientist.objects.filter(pk__in=pks).prefetch_related("disciplines"))
    return _run(user, Scientist, records, action, change.value, dry_run, progress)


def _check_size(pks: list[int]) -> None:
    if len(pks) > MAX_BATCH:
        raise BatchTooLarge(
            _("%(count)d records selected; a batch may hold at most %(max)d. Narrow the listing.")
            % {"count": len(pks), "max": MAX_BATCH}
        )


def _action(actions: dict[str, ItemAction], name: str) -> ItemAction:
    if name not in actions:
        raise ValidationError(_("Unknown batch action: %(name)s") % {"name": name})
    return actions[name]


def _run(
    user, model, records: list, action: ItemAction, value, dry_run: bool, progress: Progress
) -> BatchResult:
    checking = progress(len(records), _("Checking the rules"))
    changing, refusals = action.plan(records, value, user)
    checking.update(len(records))
    checking.close()
    result = BatchResult(selected=len(records), dry_run=dry_run)
    if refusals:
        result.refusals = refusals
        return result
    result.changed = changing
    if dry_run or not changing:
        return result
    writing = progress(len(changing), _("Writing"))
    with transaction.atomic():
        action.write(records, value, changing, user)
        if not action.changes_records:
            writing.update(len(changing))
            return result
        written = None if action.rereads else records
        _record_revisions(user, model, changing, action.describe(value), written, writing)
        announce: dict[str, list[int]] = {
            "items": [],
            "scientists": [],
            "fonds": [],
            "series": [],
            "interviews": [],
        }
        announce["items" if model is Item else "scientists"] = list(changing)
        transaction.on_commit(lambda: catalogue_changed.send(sender=model, **announce))
    return result


def _record_revisions(
    user, model, pks: list[int], description: str, written=None, bar=None
) -> None:
    """One Revision and one log entry per changed record, written in bulk. `written`: the
    records as the action left them in memory (a field action sets what it wrote); without it
    they are read again, relations included, so the revision holds what was saved. `bar` moves
    as the revisions are made (most of a batch's time)."""
    now = timezone.now()
    content_type = ContentType.objects.get_for_model(model)
    if written is not None:
        changing = set(pks)
        fresh = sorted((r for r in written if r.pk in changing), key=lambda r: r.pk)
    else:
        related = ("scientists", "tagged_subjects") if model is Item else ("disciplines",)
        fresh = list(model.objects.filter(pk__in=pks).prefetch_related(*related).order_by("pk"))
    unsaved = []
    for number, record in enumerate(fresh, start=1):
        unsaved.append(
            Revision(
                content_type=content_type,
                base_content_type=content_type,
                object_id=str(record.pk),
                user=user,
                created_at=now,
                content=record.serializable_data(),
                object_str=str(record),
            )
        )
        if bar is not None and (number % PROGRESS_STEP == 0 or number == len(fresh)):
            bar.update(PROGRESS_STEP if number % PROGRESS_STEP == 0 else number % PROGRESS_STEP)
    revisions = Revision.objects.bulk_create(unsaved)
    # One UPDATE pointing each record at its new revision (bulk_update's CASE over a thousand
    # rows cost more than the rest of the write).
    newest = Revision.objects.filter(
        content_type=content_type, object_id=Cast(OuterRef("pk"), models.CharField())
    ).order_by("-pk")
    stamp = {"updated_at": now} if model is Item else {}
    model.objects.filter(pk__in=pks).update(
        latest_revision=Subquery(newest.values("pk")[:1]), **stamp
    )
    # The batch is named in each entry's data, not by a shared uuid: Wagtail's history views
    # keep only the newest entry per uuid, which would hide the batch from all records but one.
    batch = str(uuid.uuid4())
    ModelLogEntry.objects.bulk_create(
        [
            ModelLogEntry(
                content_type=content_type,
                object_id=str(record.pk),
                label=str(record),
                action=LOG_ACTION,
                timestamp=now,
                data={"change": description, "batch": batch, "batch_size": len(fresh)},
                user=user,
                revision=revision,
                uuid=uuid.uuid4(),
                content_changed=True,
            )
            for record, revision in zip(fresh, revisions, strict=True)
        ]
    )


# -- the actions on items ---------------------------------------------------------------------


def _field_action(name, label, field_name, check, display, record_rule=None) -> ItemAction:
    """An action that sets one field to one value on every record that differs.

    `record_rule(changing_pks, value)`, when given, returns {pk: reason} for the records the
    new value would break a rule of (the whole batch is then refused, naming them)."""

    def plan(records, value, user):
        reason = check(value)
        if reason:
            return [], [Refusal(r.pk, str(r), reason) for r in records]
        changing = [r.pk for r in records if getattr(r, field_name) != value]
        if record_rule is not None and changing:
            broken = record_rule(changing, value)
            if broken:
                return [], [Refusal(r.pk, str(r), broken[r.pk]) for r in records if r.pk in broken]
        return changing, []

    def write(records, value, changing, user):
        Item.objects.filter(pk__in=changing).update(**{field_name: value})
        _set_in_memory(records, changing, field_name, value)

    def describe(value):
        return _("%(field)s set to %(value)s") % {
            "field": getattr(Item._meta.get_field(field_name), "verbose_name", field_name),
            "value": display(value),
        }

    return ItemAction(name, label, plan, write, describe, rereads=False)


def _consent_rule(changing: list[int], value) -> dict[int, str]:
    """An interview is public only with a signed release (Item.clean's rule, one query here)."""
    if value != AccessLevel.PUBLIC:
        return {}
    unreleased = Item.objects.filter(pk__in=changing).filter(without_release("interview__"))
    reason = _("Its interview has no signed release, so it cannot be made public.")
    return {pk: reason for pk in unreleased.values_list("pk", flat=True)}


def _set_in_memory(records, changing, attname: str, value) -> None:
    changed = set(changing)
    for record in records:
        if record.pk in changed:
            setattr(record, attname, value)


def _choice_check(choices) -> Callable[[Any], str]:
    codes = {code for code, _label in choices}

    def check(value):
        return "" if value in codes else _("“%(value)s” is not a known value.") % {"value": value}

    return check


def _rights_check(value) -> str:
    """The model field's own rule: a URI from the rightsstatements.org vocabulary."""
    try:
        Item._meta.get_field("rights_statement").clean(value, None)
    except ValidationError:
        return _(
            "“%(value)s” is not a rightsstatements.org statement; choose one from the list."
        ) % {"value": value}
    return ""


def _embargo_check(value) -> str:
    if value is None:
        return ""
    if not isinstance(value, date):
        return _("The embargo needs a date.")
    if value <= timezone.localdate():
        return _("The embargo date %(date)s is not in the future.") % {"date": value.isoformat()}
    return ""


def _choice_label(choices):
    labels = dict(choices)
    return lambda value: str(labels.get(value, value))


def _series_action() -> ItemAction:
    def plan(records, value, user):
        series = Series.objects.select_related("fonds").filter(pk=value).first()
        if series is None:
            return [], [Refusal(r.pk, str(r), _("The series does not exist.")) for r in records]
        refusals = [
            Refusal(
                r.pk,
                str(r),
                _("Its fonds is %(own)s; the series %(series)s belongs to %(other)s.")
                % {
                    "own": r.series.fonds.identifier,
                    "series": series.identifier,
                    "other": series.fonds.identifier,
                },
            )
            for r in records
            if r.series.fonds_id != series.fonds_id
        ]
        return [r.pk for r in records if r.series_id != series.pk], refusals

    def write(records, value, changing, user):
        Item.objects.filter(pk__in=changing).update(series_id=value)
        _set_in_memory(records, changing, "series_id", value)

    def describe(value):
        series = Series.objects.filter(pk=value).first()
        return _("moved to series %(series)s") % {"series": series}

    return ItemAction(
        "set_series", gettext_lazy("Move to series"), plan, write, describe, rereads=False
    )


def _subject_names(value) -> list[str]:
    names = [str(name).strip() for name in (value or [])]
    return sorted({name for name in names if name})


def _subjects_action(adding: bool) -> ItemAction:
    def plan(records, value, user):
        names = set(_subject_names(value))
        if not names:
            return [], [Refusal(r.pk, str(r), _("Name at least one subject.")) for r in records]

        def has(record):
            return {link.tag.name for link in record.tagged_subjects.all()} & names

        if adding:
            return [r.pk for r in records if has(r) != names], []
        return [r.pk for r in records if has(r)], []

    def write(records, value, changing, user):
        names = _subject_names(value)
        if not adding:
            ItemSubject.objects.filter(content_object_id__in=changing, tag__name__in=names).delete()
            return
        tags = [Tag.objects.get_or_create(name=name)[0] for name in names]
        have = set(
            ItemSubject.objects.filter(content_object_id__in=changing, tag__in=tags).values_list(
                "content_object_id", "tag_id"
            )
        )
        ItemSubject.objects.bulk_create(
            [
                ItemSubject(content_object_id=pk, tag=tag)
                for pk in changing
                for tag in tags
                if (pk, tag.pk) not in have
            ]
        )

    def describe(value):
        template = _("subjects added: %(names)s") if adding else _("subjects removed: %(names)s")
        return template % {"names": "、".join(_subject_names(value))}

    name, label = (
        ("add_subjects", gettext_lazy("Add subjects"))
        if adding
        else ("remove_subjects", gettext_lazy("Remove subjects"))
    )
    return ItemAction(name, label, plan, write, describe)


def _m2m_action(
    name: str, label, through, owner: str, target: str, related: str, model, adding: bool
) -> ItemAction:
    """Add or remove related records (scientists of items, disciplines of scientists)."""

    def targets(value) -> list[int]:
        return _ids(value if isinstance(value, list | tuple | set) else [value])

    def plan(records, value, user):
        try:
            wanted = set(targets(value))
        except BatchForbidden:
            wanted = set()
        found = set(model.objects.filter(pk__in=wanted).values_list("pk", flat=True))
        if not wanted or found != wanted:
            reason = _("Choose existing %(kind)s.") % {"kind": model._meta.verbose_name_plural}
            return [], [Refusal(r.pk, str(r), reason) for r in records]

        def has(record):
            return {other.pk for other in getattr(record, related).all()} & wanted

        if adding:
            return [r.pk for r in records if has(r) != wanted], []
        return [r.pk for r in records if has(r)], []

    def write(records, value, changing, user):
        wanted = targets(value)
        links = through.objects.filter(**{f"{owner}__in": changing, f"{target}__in": wanted})
        if not adding:
            links.delete()
            return
        have = set(links.values_list(owner, target))
        through.objects.bulk_create(
            [
                through(**{owner: pk, target: other})
                for pk in changing
                for other in wanted
                if (pk, other) not in have
            ]
        )

    def describe(value):
        names = "、".join(str(o) for o in model.objects.filter(pk__in=targets(value)))
        template = _("%(kind)s added: %(names)s") if adding else _("%(kind)s removed: %(names)s")
        return template % {"kind": model._meta.verbose_name_plural, "names": names}

    return ItemAction(name, label, plan, write, describe)


def _register_defaults() -> None:
    for action in (
        _field_action(
            "set_access_level",
            gettext_lazy("Set access level"),
            "access_level",
            _choice_check(AccessLevel.choices),
            _choice_label(AccessLevel.choices),
            _consent_rule,
        ),
        _field_action(
            "set_embargo",
            gettext_lazy("Set or clear embargo"),
            "embargo_until",
            _embargo_check,
            lambda value: value.isoformat() if value else _("none"),
        ),
        _field_action(
            "set_rights",
            gettext_lazy("Set rights statement"),
            "rights_statement",
            _rights_check,
            str,
        ),
        _field_action(
            "set_language",
            gettext_lazy("Set language"),
            "language",
            _choice_check(LANGUAGE_CHOICES),
            _choice_label(LANGUAGE_CHOICES),
        ),
        _series_action(),
        _subjects_action(adding=True),
        _subjects_action(adding=False),
    ):
        register_item_action(action)
    through = Item.scientists.through
    for adding in (True, False):
        register_item_action(
            _m2m_action(
                "add_scientists" if adding else "remove_scientists",
                gettext_lazy("Add scientists") if adding else gettext_lazy("Remove scientists"),
                through,
                "item_id",
                "scientist_id",
                "scientists",
                Scientist,
                adding,
            )
        )
    disciplines = Scientist.disciplines.through
    for adding in (True, False):
        action = _m2m_action(
            "add_discipline" if adding else "remove_discipline",
            gettext_lazy("Add discipline") if adding else gettext_lazy("Remove discipline"),
            disciplines,
            "scientist_id",
            "discipline_id",
            "disciplines",
            Discipline,
            adding,
        )
        SCIENTIST_ACTIONS[action.name] = action


_register_defaults()


def choices(actions: dict[str, ItemAction]) -> Sequence[tuple[str, Any]]:
    return [(name, action.label) for name, action in actions.items()]


__all__ = [
    "ITEM_ACTIONS",
    "LOG_ACTION",
    "SCIENTIST_ACTIONS",
    "MAX_BATCH",
    "BatchForbidden",
    "BatchTooLarge",
    "BatchResult",
    "Change",
    "ItemAction",
    "Refusal",
    "apply_batch",
    "apply_scientist_batch",
    "check_items_allowed",
    "register_item_action",
]
