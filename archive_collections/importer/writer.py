"""Compare validated records with the archive and write the differences.

Planning compares; applying writes. A dry run stops after planning. Writes are bulk operations
per kind, so their cost grows with the number of changed rows, not with round trips per row.
Bulk writes send no model signals, so once the transaction commits the writer announces what it
created or changed with one `catalogue_changed`; what follows from that (which search documents
carry a changed series title, say) is for the listeners to know.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.files import File
from django.db import transaction
from django.db.models import CharField, OuterRef, Subquery
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.images import get_image_model
from wagtail.models import Revision

from archive_collections.signals import catalogue_changed

from .progress import Bar, Progress
from .report import KINDS, ImportReport
from .specs import SPECS, KindSpec
from .validate import Manifest, Record, chunked, in_database

BATCH = 500


@dataclass
class Change:
    record: Record
    obj: Any  # the model instance (see KindSpec.model); None until a new record is written
    fields: dict
    refs: dict
    children: dict
    changed_fields: set[str] = field(default_factory=set)
    changed_refs: set[str] = field(default_factory=set)
    changed_children: set[str] = field(default_factory=set)
    portrait_id: int | None = None
    created: bool = False  # fixed at planning; `obj` is filled in when the record is written

    @property
    def changed(self) -> bool:
        return self.created or bool(
            self.changed_fields or self.changed_refs or self.changed_children
        )


def plan_kind(spec: KindSpec, records: list[Record]) -> list[Change]:
    existing = spec.load([record.key for record in records])
    current_children = spec.current_children(list(existing.values())) if spec.children else {}
    changes = []
    for record in records:
        fields, refs, children = spec.desired(record)
        obj = existing.get(record.key)
        change = Change(record, obj, fields, refs, children, created=obj is None)
        if obj is not None:
            _compare(change, current_children.get(change.obj.pk, {}))
        changes.append(change)
    return changes


def _compare(change: Change, children: dict) -> None:
    obj = change.obj
    change.changed_fields = {f for f, v in change.fields.items() if getattr(obj, f) != v}
    change.changed_refs = {
        f for f, v in change.refs.items() if getattr(obj, f"ref_{f}") != (v or None)
    }
    change.changed_children = {n for n, v in change.children.items() if children.get(n, ()) != v}


def plan(manifest: Manifest, report: ImportReport) -> dict[str, list[Change]]:
    plans = {}
    for kind in KINDS:
        records = manifest.records.get(kind)
        if not records:
            continue
        plans[kind] = plan_kind(SPECS[kind], records)
        counts = report.count(kind)
        for change in plans[kind]:
            if change.created:
                counts.created += 1
            elif change.changed:
                counts.updated += 1
            else:
                counts.unchanged += 1
    return plans


class Writer:
    """Applies a plan inside the caller's transaction."""

    def __init__(self, plans: dict[str, list[Change]], user, progress: Progress):
        self.plans, self.user, self.progress = plans, user, progress
        self.pks: dict[str, dict[str, int]] = {kind: {} for kind in KINDS}
        # Created or changed records per kind: what `catalogue_changed` announces.
        self.touched: dict[str, list[int]] = {kind: [] for kind in KINDS}

    def run(self) -> None:
        total = sum(len(changes) for changes in self.plans.values())
        bar = self.progress(total, _("writing"))
        try:
            for kind in KINDS:
                if kind in self.plans:
                    self.write_kind(SPECS[kind], self.plans[kind], bar)
        finally:
            bar.close()

    def write_kind(self, spec: KindSpec, changes: list[Change], bar: Bar) -> None:
        """Write one kind's records; the bar moves as each batch of them is complete.

        Rows are created and updated for the whole kind first (a sub-series may move under a
        series created later in the sheet; a relation may name a scientist further down), then
        their child rows and revisions — most of the time — are written batch by batch.
        """
        created = [c for c in changes if c.created]
        updated = [c for c in changes if not c.created and c.changed]
        bar.update(len(changes) - len(created) - len(updated))  # unchanged: nothing to write
        self.resolve_refs(spec, changes)
        if spec.kind == "scientists":
            set_portraits(changes)
        self.create(spec, created)
        # Known before updating: an existing sub-series may move under a series created here.
        for change in created:
            self.pks[spec.kind][change.record.key] = change.obj.pk
        self.update(spec, updated)
        for change in changes:
            self.pks[spec.kind][change.record.key] = change.obj.pk
        if spec.kind == "series":
            self.link_new_parents(created)
        for batch in chunked(created + updated, BATCH):
            self.write_children(spec, batch)
            save_revisions(spec, [c.obj for c in batch], self.user)
            self.touched[spec.kind].extend(c.obj.pk for c in batch)
            bar.update(len(batch))

    def resolve_refs(self, spec: KindSpec, changes: list[Change]) -> None:
        for _field, (_column, kind) in spec.refs.items():
            named: set[str] = {c.refs[_field] for c in changes if c.refs.get(_field)}
            wanted = named - set(self.pks[kind])
            model = SPECS[kind].model
            self.pks[kind].update(
                {key: extra[0] for key, extra in in_database(model, wanted, "pk").items()}
            )
        # Relations and item scientists name scientists by identifier too.
        if spec.kind == "scientists":
            wanted = {e[0] for c in changes for e in c.children.get("relations", ())}
            wanted -= {c.record.key for c in changes} | set(self.pks["scientists"])
            self.pks["scientists"].update(
                {key: extra[0] for key, extra in in_database(spec.model, wanted, "pk").items()}
            )
        if spec.kind == "items":
            wanted = {key for c in changes for key in c.children.get("scientists", ())}
            wanted -= set(self.pks["scientists"])
            self.pks["scientists"].update(
                {
                    key: extra[0]
                    for key, extra in in_database(SPECS["scientists"].model, wanted, "pk").items()
                }
            )

    def ref_pk(self, spec: KindSpec, name: str, key: str | None) -> int | None:
        if not key:
            return None
        return self.pks[spec.refs[name][1]].get(key)

    def create(self, spec: KindSpec, changes: list[Change]) -> None:
        for change in changes:
            obj = spec.model(**change.fields)
            if spec.key_lookup == "identifier":
                obj.identifier = change.record.key
            for name, key in change.refs.items():
                setattr(obj, f"{name}_id", self.ref_pk(spec, name, key))
            if change.portrait_id:
                obj.portrait_id = change.portrait_id
            spec.prepare(obj, change.fields, created=True)
            change.obj = obj
        spec.model.objects.bulk_create([c.obj for c in changes], batch_size=BATCH)

    def update(self, spec: KindSpec, changes: list[Change]) -> None:
        names: set[str] = set()
        now = timezone.now()
        for change in changes:
            obj = change.obj
            for name in change.changed_fields:
                setattr(obj, name, change.fields[name])
            for name in change.changed_refs:
                setattr(obj, f"{name}_id", self.ref_pk(spec, name, change.refs[name]))
            if "portrait" in change.changed_children:
                obj.portrait_id = change.portrait_id
                names.add("portrait")
            spec.prepare(obj, change.changed_fields, created=False)
            if "date_text" in change.changed_fields:
                names.update(["date_start", "date_end", "date_precision", "date_approximate"])
            names.update(change.changed_fields)
            names.update(change.changed_refs)
            if hasattr(obj, "updated_at"):
                obj.updated_at = now
                names.add("updated_at")
        if changes and names:
            spec.model.objects.bulk_update(
                [c.obj for c in changes], sorted(names), batch_size=BATCH
            )

    def link_new_parents(self, created: list[Change]) -> None:
        """New sub-series may name a parent created in the same batch: link once all exist."""
        late = [c for c in created if c.refs.get("parent") and c.obj.parent_id is None]
        for change in late:
            change.obj.parent_id = self.pks["series"][change.refs["parent"]]
        if late:
            SPECS["series"].model.objects.bulk_update(
                [c.obj for c in late], ["parent"], batch_size=BATCH
            )

    def write_children(self, spec: KindSpec, changes: list[Change]) -> None:
        for name in spec.children:
            parents = [
                (c.obj, c.children[name])
                for c in changes
                if name in c.children and (c.created or name in c.changed_children)
            ]
            if parents:
                spec.replace_children(name, parents, self.pks)


def set_portraits(changes: list[Change]) -> None:
    """Attach portrait images (reused by content hash) to scientists that need one."""
    image_model = get_image_model()
    for change in changes:
        wanted = change.children.get("portrait")
        if wanted is None or not (change.created or "portrait" in change.changed_children):
            continue
        change.portrait_id = None
        if not wanted:
            continue
        image = image_model.objects.filter(file_hash=wanted[0]).order_by("pk").first()
        if image is None:
            path = change.record.portrait
            assert path is not None, "validation resolves every portrait it accepts"
            with path.open("rb") as handle:
                image = image_model(title=change.fields.get("name", path.stem))
                image.file = File(handle, name=path.name)
                image._set_image_file_metadata()
                image.save()
        change.portrait_id = image.pk


def save_revisions(spec: KindSpec, objs: list, user) -> None:
    """One revision per created or changed record, so the admin history shows the import."""
    if not objs:
        return
    content_type = spec.model.get_content_type()
    base_type = spec.model.get_base_content_type()
    now = timezone.now()
    for chunk in chunked([obj.pk for obj in objs], BATCH):
        query = spec.model.objects.filter(pk__in=chunk).select_related(*spec.select_related)
        fresh = list(query.prefetch_related(*spec.prefetch))
        Revision.objects.bulk_create(
            [
                Revision(
                    content_type=content_type,
                    base_content_type=base_type,
                    object_id=str(obj.pk),
                    created_at=now,
                    user=user,
                    object_str=str(obj),
                    content=obj.serializable_data(),
                )
                for obj in fresh
            ]
        )
        # One UPDATE per chunk, matched in the database, instead of a CASE per row.
        newest = (
            Revision.objects.filter(
                content_type=content_type, object_id=Cast(OuterRef("pk"), CharField())
            )
            .order_by("-pk")
            .values("pk")[:1]
        )
        spec.model.objects.filter(pk__in=chunk).update(latest_revision_id=Subquery(newest))


#: Called after commit with the pks of the manifest's items by identifier.
AfterCommit = Callable[[dict[str, int]], None]


def write(
    plans: dict[str, list[Change]], user, progress: Progress, after_commit: AfterCommit | None
) -> None:
    """Apply the plan in one transaction. Only once it commits: announce what changed, then
    call `after_commit`. A failed write rolls back and announces nothing."""
    writer = Writer(plans, user, progress)
    with transaction.atomic():
        writer.run()
        # Robust: a listener that fails (search unreachable) is logged by Django and must not
        # keep the committed import's files from being handed over.
        touched = writer.touched
        transaction.on_commit(lambda: announce(touched), robust=True)
        if after_commit is not None:
            item_pks = writer.pks["items"]
            transaction.on_commit(lambda: after_commit(item_pks))


def announce(touched: dict[str, list[int]]) -> None:
    """One `catalogue_changed` for the whole import, or none when it changed nothing (an
    identical re-run)."""
    if any(touched.values()):
        pks = {kind: sorted(set(touched[kind])) for kind in KINDS}
        catalogue_changed.send(sender=Writer, **pks)
