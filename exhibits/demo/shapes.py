"""The shapes a value in a demo page file may take.

Each shape does two things at two moments: `check` when the file is read (before the database is
touched, so a bad file changes nothing) and `resolve` when the page is built, turning archive
identifiers into the keys blocks store. A block that needs a record the archive lacks resolves to
DROP and is left out of the page, as curators would leave out an exhibit they do not hold.
"""

from __future__ import annotations

import json
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any, Protocol


class FieldError(ValueError):
    """A value of the wrong shape; `field` is its path inside the page, e.g. body[3].items[0]."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


class Lookup(Protocol):
    """Archive identifier → record key, for the record kinds blocks refer to."""

    def key(self, kind: str, identifier: str) -> int | None: ...


class _Drop:
    def __repr__(self) -> str:
        return "DROP"


SLUG = re.compile(r"[-a-zA-Z0-9_]+")
DROP: Any = _Drop()
# A page field left out of the file is left out of the page too: the model's default applies.
OMIT: Any = object()
_ABSENT: Any = object()


class Shape(ABC):
    @abstractmethod
    def check(self, raw: Any, field: str) -> None:
        """Raise FieldError unless `raw` (as TOML read it) has this shape."""

    def resolve(self, raw: Any, lookup: Lookup) -> Any:
        """The stored value of a checked `raw`; plain values are stored as they are."""
        return raw

    @abstractmethod
    def describe(self) -> str:
        """What the shape expects, for error messages."""


class Text(Shape):
    def check(self, raw: Any, field: str) -> None:
        if not isinstance(raw, str):
            raise FieldError(field, f"expected text, got {_name(raw)}")

    def describe(self) -> str:
        return "text"


class Whole(Shape):
    """A whole number; TOML's booleans are refused although Python counts them as ints."""

    def check(self, raw: Any, field: str) -> None:
        if not isinstance(raw, int) or isinstance(raw, bool):
            raise FieldError(field, f"expected a whole number, got {_name(raw)}")

    def describe(self) -> str:
        return "whole number"


class Slug(Text):
    """A page's URL part: Wagtail would refuse anything else, but only after the file is
    forgotten, so it is checked here where the file can be named."""

    def check(self, raw: Any, field: str) -> None:
        super().check(raw, field)
        if not SLUG.fullmatch(raw):
            raise FieldError(field, f"expected letters, digits, - or _, got {raw!r}")

    def describe(self) -> str:
        return "slug"


class Choice(Shape):
    """One of a fixed set of texts, such as a model field's choices."""

    def __init__(self, values: list[str]) -> None:
        self.values = values

    def check(self, raw: Any, field: str) -> None:
        if raw not in self.values:
            raise FieldError(field, f"expected one of {', '.join(self.values)}, got {_name(raw)}")

    def describe(self) -> str:
        return "one of " + ", ".join(self.values)


class Day(Shape):
    def check(self, raw: Any, field: str) -> None:
        if not isinstance(raw, date) or isinstance(raw, datetime):
            raise FieldError(field, f"expected a date such as 2026-10-01, got {_name(raw)}")

    def describe(self) -> str:
        return "date"


class Ref(Shape):
    """One archive record by its identifier (档号, authority identifier, interview's 档号)."""

    def __init__(self, kind: str) -> None:
        self.kind = kind

    def check(self, raw: Any, field: str) -> None:
        if not isinstance(raw, str) or not raw.strip():
            raise FieldError(field, f"expected the identifier of a {self.kind}, got {_name(raw)}")

    def resolve(self, raw: Any, lookup: Lookup) -> Any:
        found = lookup.key(self.kind, raw)
        return DROP if found is None else found

    def describe(self) -> str:
        return f"{self.kind} identifier"


class Refs(Shape):
    """Several records of one kind; those the archive lacks are left out, and the block with
    them if none is left."""

    def __init__(self, kind: str) -> None:
        self.one = Ref(kind)

    def check(self, raw: Any, field: str) -> None:
        if not isinstance(raw, list) or not raw:
            raise FieldError(field, f"expected a list of {self.one.describe()}s, got {_name(raw)}")
        for n, value in enumerate(raw):
            self.one.check(value, f"{field}[{n}]")

    def resolve(self, raw: Any, lookup: Lookup) -> Any:
        keys = [self.one.resolve(value, lookup) for value in raw]
        return [key for key in keys if key is not DROP] or DROP

    def describe(self) -> str:
        return f"list of {self.one.describe()}s"


class Maybe(Shape):
    """A field that may be left out: it then takes `default`, and so does a record not found."""

    def __init__(self, inner: Shape, default: Any) -> None:
        self.inner = inner
        self.default = default

    def check(self, raw: Any, field: str) -> None:
        if raw is not _ABSENT:
            self.inner.check(raw, field)

    def resolve(self, raw: Any, lookup: Lookup) -> Any:
        if raw is _ABSENT:
            return self.default
        value = self.inner.resolve(raw, lookup)
        return self.default if value is DROP else value

    def describe(self) -> str:
        return f"{self.inner.describe()} (optional)"


class Struct(Shape):
    """A table with known fields, resolved to a dict in the order the fields are declared (the
    order Wagtail's StructBlocks store). A required field that resolves to DROP drops it all."""

    def __init__(
        self, fields: Mapping[str, Shape], keep: Callable[[dict[str, Any]], bool] | None = None
    ) -> None:
        self.fields = dict(fields)
        self.keep = keep

    def check(self, raw: Any, field: str) -> None:
        if not isinstance(raw, dict):
            raise FieldError(field, f"expected a table, got {_name(raw)}")
        unknown = sorted(set(raw) - set(self.fields))
        if unknown:
            known = ", ".join(self.fields)
            raise FieldError(_join(field, unknown[0]), f"unknown field; expected one of {known}")
        for name, shape in self.fields.items():
            value = raw.get(name, _ABSENT)
            if value is _ABSENT and not isinstance(shape, Maybe):
                raise FieldError(_join(field, name), f"missing ({shape.describe()})")
            shape.check(value, _join(field, name))

    def resolve(self, raw: Any, lookup: Lookup) -> Any:
        value = {
            name: shape.resolve(raw.get(name, _ABSENT), lookup)
            for name, shape in self.fields.items()
        }
        if any(part is DROP for part in value.values()):
            return DROP
        if self.keep is not None and not self.keep(value):
            return DROP
        return value

    def describe(self) -> str:
        return "table"


class Either(Struct):
    """A table that must give at least one of two optional fields (a timeline event needs a
    written date or an item whose date it borrows)."""

    def __init__(self, fields: Mapping[str, Shape], one_of: tuple[str, str]) -> None:
        super().__init__(fields, keep=lambda value: any(value[name] for name in one_of))
        self.one_of = one_of

    def check(self, raw: Any, field: str) -> None:
        super().check(raw, field)
        if not any(raw.get(name) for name in self.one_of):
            first, second = self.one_of
            raise FieldError(_join(field, first), f"give {first} or {second}")


class ListOf(Shape):
    """A list whose members are checked alike; members resolving to DROP are left out."""

    def __init__(self, member: Shape) -> None:
        self.member = member

    def check(self, raw: Any, field: str) -> None:
        if not isinstance(raw, list):
            raise FieldError(field, f"expected a list, got {_name(raw)}")
        for n, value in enumerate(raw):
            self.member.check(value, f"{field}[{n}]")

    def resolve(self, raw: Any, lookup: Lookup) -> Any:
        values = [self.member.resolve(value, lookup) for value in raw]
        return [value for value in values if value is not DROP]

    def describe(self) -> str:
        return f"list of {self.member.describe()}"


class Stream(Shape):
    """A StreamField: a list of tables, each naming its block `type`. A block whose value is a
    table holds its fields beside `type`; a block whose value is one text holds it in `value`.
    Resolves to the StreamField's JSON."""

    def __init__(self, blocks: Mapping[str, Shape]) -> None:
        self.blocks = dict(blocks)

    def check(self, raw: Any, field: str) -> None:
        if not isinstance(raw, list):
            raise FieldError(field, f"expected a list of blocks, got {_name(raw)}")
        for n, block in enumerate(raw):
            self._check_block(block, f"{field}[{n}]")

    def _check_block(self, block: Any, field: str) -> None:
        if not isinstance(block, dict):
            raise FieldError(field, f"expected a block table, got {_name(block)}")
        kind = block.get("type")
        if kind not in self.blocks:
            known = ", ".join(self.blocks)
            raise FieldError(
                f"{field}.type", f"unknown block type {kind!r}; expected one of {known}"
            )
        shape = self.blocks[kind]
        rest = {name: value for name, value in block.items() if name != "type"}
        if isinstance(shape, Struct):
            shape.check(rest, f"{field} ({kind})")
        else:
            Struct({"value": shape}).check(rest, f"{field} ({kind})")

    def resolve(self, raw: Any, lookup: Lookup) -> Any:
        resolved = []
        for block in raw:
            kind = block["type"]
            shape = self.blocks[kind]
            rest = {name: value for name, value in block.items() if name != "type"}
            value = shape.resolve(rest if isinstance(shape, Struct) else rest["value"], lookup)
            if value is not DROP:
                resolved.append({"type": kind, "value": value})
        return json.dumps(resolved, ensure_ascii=False)

    def describe(self) -> str:
        return "list of blocks"


class TextStream(Shape):
    """A StreamField of one text block type, written as a plain list of texts (a teacher
    resource's objectives, its discussion questions)."""

    def __init__(self, block_type: str) -> None:
        self.block_type = block_type

    def check(self, raw: Any, field: str) -> None:
        ListOf(Text()).check(raw, field)

    def resolve(self, raw: Any, lookup: Lookup) -> Any:
        blocks = [{"type": self.block_type, "value": value} for value in raw]
        return json.dumps(blocks, ensure_ascii=False)

    def describe(self) -> str:
        return "list of texts"


def _join(field: str, name: str) -> str:
    return f"{field}.{name}" if field else name


def _name(raw: Any) -> str:
    if raw is _ABSENT:
        return "nothing"
    return f"{type(raw).__name__} {raw!r}"[:80]
