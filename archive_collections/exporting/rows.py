"""The rows of an export: a listing's records, in its order, in chunks, as importer cells.

A listing can hold the whole archive (456k items), so records are never loaded at once: primary
keys stream from the listing's own query (its filters, search and ordering), and each chunk of
keys is read with one query for fields and references plus one per child column.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from typing import Any

from django.db.models import F, Model, QuerySet

from archive_collections.access import AccessPolicy
from archive_collections.importer.specs import SPECS, KindSpec
from archive_collections.importer.validate import chunked

from .columns import ExportColumn, export_columns

CHUNK = 500
KIND_OF_MODEL: dict[type[Model], str] = {spec.model: kind for kind, spec in SPECS.items()}


def export_kind(model: type[Model] | None) -> str | None:
    """The import kind whose rows a listing of `model` exports, None for other models."""
    return KIND_OF_MODEL.get(model) if model is not None else None


def visible_to(kind: str, queryset: QuerySet, user: Any) -> QuerySet:
    """Only what `user` may see under the access policy: the admin listing shows curators every
    record, but an export leaves the admin, so staff-only and embargoed items stay behind."""
    policy = AccessPolicy.for_user(user)
    if kind == "items":
        return queryset.filter(policy.item_q())
    if kind == "interviews":
        return queryset.filter(policy.item_q("item__"))
    return queryset


def _children(spec: KindSpec, names: Sequence[str], pks: list[int]) -> dict[int, dict[str, tuple]]:
    """The child rows the importer's spec compares against, so an unchanged cell compares equal."""
    rows: dict[int, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for name in names:
        for parent, *value in spec.child_rows(name, pks):
            rows[parent][name].append(value[0] if len(value) == 1 else tuple(value))
    return {
        pk: {name: spec.normalise_child(name, entries) for name, entries in by_name.items()}
        for pk, by_name in rows.items()
    }


def _chunk_rows(kind: str, columns: list[ExportColumn], pks: list[int]) -> Iterator[list[str]]:
    spec = SPECS[kind]
    refs = {f"ref_{c.attr}": F(f"{c.attr}__identifier") for c in columns if c.source == "ref"}
    fields = [c.attr for c in columns if c.source == "field"]
    by_pk = {
        row["pk"]: row
        for row in spec.model.objects.filter(pk__in=pks)
        .annotate(**refs)
        .values("pk", *fields, *refs)
    }
    children = _children(spec, [c.attr for c in columns if c.source == "children"], pks)
    for pk in pks:
        row = by_pk.get(pk)
        if row is None:  # deleted while the export ran
            continue
        cells = []
        for column in columns:
            if column.source == "children":
                value: object = children.get(pk, {}).get(column.attr, ())
            else:
                value = row[f"ref_{column.attr}" if column.source == "ref" else column.attr]
            cells.append(column.format(value))
        yield cells


def export_rows(kind: str, queryset: QuerySet, chunk: int = CHUNK) -> Iterator[list[str]]:
    """Cells of every record in `queryset`, in its order; the header is export_headers(kind)."""
    columns = export_columns(kind)
    pks = queryset.values_list("pk", flat=True).iterator(chunk_size=chunk * 4)
    for batch in chunked(pks, chunk):
        yield from _chunk_rows(kind, columns, batch)


def export_headers(kind: str) -> list[str]:
    return [column.header for column in export_columns(kind)]
