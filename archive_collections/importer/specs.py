"""Per kind: how a validated record maps onto model fields, references and child rows.

Everything is compared in identifier space (a fonds' scientist is "qian-xuesen", not a primary
key), so a dry run can say what would change before records it refers to exist.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Collection, Iterable
from html import escape
from pathlib import Path
from typing import Any

from django.db.models import F

from archive_collections.dates import parse_date
from archive_collections.models import (
    Discipline,
    Fonds,
    IndexSegment,
    Interview,
    Item,
    ItemSubject,
    Scientist,
    ScientistAffiliation,
    ScientistHonour,
    ScientistName,
    ScientistRelation,
    Series,
    TranscriptSegment,
)
from archive_collections.names import pinyin_of

from .validate import Record, chunked


def plain_text_to_html(text: str) -> str:
    """Plain text with blank lines between paragraphs → rich-text paragraphs, escaped."""
    paragraphs = [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]
    return "".join(
        "<p>" + "<br/>".join(escape(line.strip()) for line in p.split("\n")) + "</p>"
        for p in paragraphs
    )


def year_of(date_text: str) -> int | None:
    start = parse_date(date_text).start
    return start.year if start else None


def sha1_of(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha1").hexdigest()


class KindSpec:
    kind: str
    # One of the catalogue's models; Any because each spec handles another one.
    model: type[Any]
    key_lookup = "identifier"
    column_fields: dict[str, str] = {}
    refs: dict[str, tuple[str, str]] = {}  # fk field -> (column, target kind)
    children: tuple[str, ...] = ()
    prefetch: tuple[str, ...] = ()
    select_related: tuple[str, ...] = ()

    def desired(self, record: Record) -> tuple[dict, dict, dict]:
        values = record.values
        fields = {f: values[c] for c, f in self.column_fields.items() if c in values}
        refs = {f: values[c] for f, (c, _kind) in self.refs.items() if c in values}
        children = {
            name: self.child_value(record, name) for name in self.children if name in values
        }
        return fields, refs, children

    def child_value(self, record: Record, name: str) -> tuple:
        return tuple(record.values[name])

    def load(self, keys: Iterable[str]) -> dict[str, Any]:
        annotations = {"import_key": F(self.key_lookup)} | {
            f"ref_{name}": F(f"{name}__identifier") for name in self.refs
        }
        found = {}
        for chunk in chunked(keys):
            query = self.model.objects.filter(**{f"{self.key_lookup}__in": chunk})
            for obj in query.annotate(**annotations):
                found[obj.import_key] = obj
        return found

    def current_children(self, objs: list) -> dict[int, dict[str, tuple]]:
        current: dict[int, dict[str, list]] = defaultdict(lambda: defaultdict(list))
        pks = [obj.pk for obj in objs]
        for name in self.children:
            for chunk in chunked(pks):
                for parent, *value in self.child_rows(name, chunk):
                    current[parent][name].append(value[0] if len(value) == 1 else tuple(value))
        return {
            pk: {name: self.normalise_child(name, rows) for name, rows in by_name.items()}
            for pk, by_name in current.items()
        }

    def normalise_child(self, name: str, rows: list) -> tuple:
        return tuple(rows)

    # Kinds with `children` (scientists, items, interviews) read and write them; a kind that
    # declares children without these would silently drop them, so it fails loudly instead.
    def child_rows(self, name: str, pks: list[int]):
        raise TypeError(f"{type(self).__name__} declares child rows {name!r} but cannot read them")

    def replace_children(self, name: str, parents: list[tuple[object, tuple]], pks) -> None:
        raise TypeError(f"{type(self).__name__} declares child rows {name!r} but cannot write them")

    def prepare(self, obj: Any, fields: Collection[str], created: bool) -> None:
        """Derived values a model's save() would set; bulk writes skip save()."""
        if "date_text" in fields or created:
            obj.apply_parsed_date()


DATE_FIELDS = ["date_start", "date_end", "date_precision", "date_approximate"]


def _ordered_children(model, parent_field: str, *fields: str):
    def rows(pks):
        return (
            model.objects.filter(**{f"{parent_field}_id__in": pks})
            .order_by(f"{parent_field}_id", "sort_order", "pk")
            .values_list(f"{parent_field}_id", *fields)
        )

    return rows


def _replace_ordered(model, parent_field: str, parents, build) -> None:
    pks = [obj.pk for obj, _value in parents]
    for chunk in chunked(pks):
        model.objects.filter(**{f"{parent_field}_id__in": chunk}).delete()
    rows = [build(obj, entry, order) for obj, value in parents for order, entry in enumerate(value)]
    model.objects.bulk_create(rows, batch_size=500)


class ScientistSpec(KindSpec):
    kind, model = "scientists", Scientist
    column_fields = {
        "name": "name",
        "name_pinyin": "name_pinyin",
        "gender": "gender",
        "birth": "birth_date_text",
        "death": "death_date_text",
        "birth_place": "birth_place",
        "death_place": "death_place",
        "summary": "summary",
        "summary_en": "summary_en",
        "biography": "biography",
    }
    children = ("disciplines", "names", "honours", "affiliations", "relations", "portrait")
    prefetch = ("names", "honours", "affiliations", "relations", "disciplines")

    def desired(self, record):
        fields, refs, children = super().desired(record)
        if "name_pinyin" in fields and not fields["name_pinyin"]:
            fields["name_pinyin"] = pinyin_of(fields["name"])
        if "biography" in fields:
            fields["biography"] = plain_text_to_html(fields["biography"])
        for column, field in (("birth_date_text", "birth_year"), ("death_date_text", "death_year")):
            if column in fields:
                fields[field] = year_of(fields[column])
        return fields, refs, children

    def child_value(self, record, name):
        if name == "portrait":
            return (sha1_of(record.portrait),) if record.portrait else ()
        if name == "disciplines":
            return tuple(sorted(set(record.values[name])))
        return tuple(record.values[name])

    def normalise_child(self, name, rows):
        return tuple(sorted(set(rows))) if name == "disciplines" else tuple(rows)

    def child_rows(self, name, pks):
        if name == "portrait":
            return Scientist.objects.filter(pk__in=pks, portrait__isnull=False).values_list(
                "pk", "portrait__file_hash"
            )
        if name == "disciplines":
            return Scientist.disciplines.through.objects.filter(scientist_id__in=pks).values_list(
                "scientist_id", "discipline__name"
            )
        model, fields = {
            "names": (ScientistName, ("name", "kind")),
            "honours": (ScientistHonour, ("title", "year")),
            "affiliations": (
                ScientistAffiliation,
                ("institution", "role", "start_year", "end_year"),
            ),
            "relations": (ScientistRelation, ("other__identifier", "kind")),
        }[name]
        return _ordered_children(model, "scientist", *fields)(pks)

    def prepare(self, obj, fields, created):
        if created and not obj.name_pinyin:
            obj.name_pinyin = pinyin_of(obj.name)

    def replace_children(self, name, parents, pks):
        if name == "disciplines":
            return self._replace_disciplines(parents)
        if name == "portrait":
            return None  # written before the scientists themselves, see writer.set_portraits
        builders = {
            "names": (
                ScientistName,
                lambda o, e, i: ScientistName(
                    scientist_id=o.pk, name=e[0], kind=e[1], sort_order=i
                ),
            ),
            "honours": (
                ScientistHonour,
                lambda o, e, i: ScientistHonour(
                    scientist_id=o.pk, title=e[0], year=e[1], sort_order=i
                ),
            ),
            "affiliations": (
                ScientistAffiliation,
                lambda o, e, i: ScientistAffiliation(
                    scientist_id=o.pk,
                    institution=e[0],
                    role=e[1],
                    start_year=e[2],
                    end_year=e[3],
                    sort_order=i,
                ),
            ),
            "relations": (
                ScientistRelation,
                lambda o, e, i: ScientistRelation(
                    scientist_id=o.pk, other_id=pks["scientists"][e[0]], kind=e[1], sort_order=i
                ),
            ),
        }
        model, build = builders[name]
        return _replace_ordered(model, "scientist", parents, build)

    def _replace_disciplines(self, parents) -> None:
        names = {name for _obj, value in parents for name in value}
        known = dict(Discipline.objects.filter(name__in=names).values_list("name", "pk"))
        Discipline.objects.bulk_create([Discipline(name=n) for n in names - set(known)])
        known = dict(Discipline.objects.filter(name__in=names).values_list("name", "pk"))
        through = Scientist.disciplines.through
        for chunk in chunked([obj.pk for obj, _value in parents]):
            through.objects.filter(scientist_id__in=chunk).delete()
        through.objects.bulk_create(
            [
                through(scientist_id=obj.pk, discipline_id=known[name])
                for obj, value in parents
                for name in value
            ],
            batch_size=500,
        )


class FondsSpec(KindSpec):
    kind, model = "fonds", Fonds
    column_fields = {
        "title": "title",
        "date": "date_text",
        "extent": "extent",
        "scope_content": "scope_content",
        "custodial_history": "custodial_history",
        "arrangement": "arrangement",
        "collecting_institution": "collecting_institution",
    }
    refs = {"scientist": ("scientist", "scientists")}


class SeriesSpec(KindSpec):
    kind, model = "series", Series
    column_fields = {
        "title": "title",
        "level": "level",
        "position": "position",
        "date": "date_text",
        "scope_content": "scope_content",
    }
    refs = {"fonds": ("fonds", "fonds"), "parent": ("parent", "series")}


class ItemSpec(KindSpec):
    kind, model = "items", Item
    column_fields = {
        "title": "title",
        "title_en": "title_en",
        "type": "item_type",
        "date": "date_text",
        "creators": "creators",
        "description": "description",
        "description_en": "description_en",
        "places": "places",
        "language": "language",
        "extent": "extent",
        "provenance": "provenance",
        "rights": "rights_statement",
        "access": "access_level",
        "embargo_until": "embargo_until",
        "position": "position",
    }
    refs = {"series": ("series", "series")}
    children = ("scientists", "subjects")
    prefetch = ("tagged_subjects", "scientists")

    def child_value(self, record, name):
        return tuple(sorted(set(record.values[name])))

    def normalise_child(self, name, rows):
        return tuple(sorted(set(rows)))

    def child_rows(self, name, pks):
        if name == "scientists":
            return Item.scientists.through.objects.filter(item_id__in=pks).values_list(
                "item_id", "scientist__identifier"
            )
        return ItemSubject.objects.filter(content_object_id__in=pks).values_list(
            "content_object_id", "tag__name"
        )

    def replace_children(self, name, parents, pks):
        if name == "scientists":
            through = Item.scientists.through
            for chunk in chunked([obj.pk for obj, _value in parents]):
                through.objects.filter(item_id__in=chunk).delete()
            through.objects.bulk_create(
                [
                    through(item_id=obj.pk, scientist_id=pks["scientists"][key])
                    for obj, value in parents
                    for key in value
                ],
                batch_size=500,
            )
            return
        tags = tag_ids({name for _obj, value in parents for name in value})
        for chunk in chunked([obj.pk for obj, _value in parents]):
            ItemSubject.objects.filter(content_object_id__in=chunk).delete()
        ItemSubject.objects.bulk_create(
            [
                ItemSubject(content_object_id=obj.pk, tag_id=tags[name])
                for obj, value in parents
                for name in value
            ],
            batch_size=500,
        )


def tag_ids(names: set[str]) -> dict[str, int]:
    from taggit.models import Tag

    known = dict(Tag.objects.filter(name__in=names).values_list("name", "pk"))
    for name in sorted(names - set(known)):
        # save() rather than bulk_create: taggit makes each slug unique there.
        known[name] = Tag.objects.create(name=name).pk
    return known


class InterviewSpec(KindSpec):
    kind, model = "interviews", Interview
    key_lookup = "item__identifier"
    column_fields = {
        "interviewers": "interviewers",
        "interview_date": "interview_date",
        "place": "place",
        "language": "language",
        "dialect": "dialect",
        "consent": "consent",
        "consent_note": "consent_note",
    }
    refs = {"item": ("item", "items"), "interviewee": ("interviewee", "scientists")}
    children = ("transcript", "index")
    prefetch = ("transcript", "index_segments")
    select_related = ("item",)

    def child_value(self, record, name):
        if name == "transcript":
            return tuple((c.start_ms, c.end_ms, c.speaker, c.text) for c in record.transcript or ())
        return tuple((c.start_ms, c.title, c.synopsis) for c in record.index or ())

    def child_rows(self, name, pks):
        if name == "transcript":
            return _ordered_children(
                TranscriptSegment, "interview", "start_ms", "end_ms", "speaker", "text"
            )(pks)
        return _ordered_children(IndexSegment, "interview", "start_ms", "title", "synopsis")(pks)

    def prepare(self, obj, fields, created):
        pass

    def replace_children(self, name, parents, pks):
        if name == "transcript":
            _replace_ordered(
                TranscriptSegment,
                "interview",
                parents,
                lambda o, e, i: TranscriptSegment(
                    interview_id=o.pk,
                    start_ms=e[0],
                    end_ms=e[1],
                    speaker=e[2],
                    text=e[3],
                    sort_order=i,
                ),
            )
        else:
            _replace_ordered(
                IndexSegment,
                "interview",
                parents,
                lambda o, e, i: IndexSegment(
                    interview_id=o.pk, start_ms=e[0], title=e[1], synopsis=e[2], sort_order=i
                ),
            )


SPECS: dict[str, KindSpec] = {
    spec.kind: spec
    for spec in (ScientistSpec(), FondsSpec(), SeriesSpec(), ItemSpec(), InterviewSpec())
}
