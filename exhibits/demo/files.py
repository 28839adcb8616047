"""Reading the demo exhibition's folder: one TOML file per page, all checked before any is built.

index.toml        the exhibition index page, under the home page
exhibition.toml   the exhibition, under the index
pages/*.toml      its chapters, stories and teacher resources, in file-name order
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .schema import PAGE_TYPES, PageType
from .shapes import FieldError, Lookup

WHOLE_FILE = "(file)"
EXHIBITION_PAGE_TYPES = ("chapter", "story", "resource")


class DemoDataError(ValueError):
    """A demo file that cannot be loaded, naming the file, the page (its slug, or the file's
    name before the slug is known) and the field."""

    def __init__(self, path: Path, page: str, field: str, reason: str) -> None:
        super().__init__(f"{path}: page “{page}”, field “{field}”: {reason}")
        self.path = path
        self.page = page
        self.field = field
        self.reason = reason


@dataclass(frozen=True)
class PageFile:
    path: Path
    page_type: PageType
    data: dict[str, Any]

    @property
    def slug(self) -> str:
        return str(self.data["slug"])

    def fields(self, lookup: Lookup) -> dict[str, Any]:
        """The page's field values with archive identifiers resolved to record keys."""
        return self.page_type.shape().resolve(self.data, lookup)


@dataclass(frozen=True)
class ExhibitionFiles:
    index: PageFile
    exhibition: PageFile
    pages: list[PageFile]


def read_exhibition(folder: Path) -> ExhibitionFiles:
    pages = [read_page(path, EXHIBITION_PAGE_TYPES) for path in sorted(folder.glob("pages/*.toml"))]
    seen: dict[str, Path] = {}
    for page in pages:
        if page.slug in seen:
            reason = f"already used by {seen[page.slug].name}"
            raise DemoDataError(page.path, page.slug, "slug", reason)
        seen[page.slug] = page.path
    return ExhibitionFiles(
        index=read_page(folder / "index.toml", ("exhibition_index",)),
        exhibition=read_page(folder / "exhibition.toml", ("exhibition",)),
        pages=pages,
    )


def read_page(path: Path, allowed: tuple[str, ...]) -> PageFile:
    data = _parse(path)
    slug = data.get("slug")
    page = slug if isinstance(slug, str) and slug else path.stem
    kind = data.get("type")
    if kind not in allowed:
        expected = " or ".join(allowed)
        raise DemoDataError(path, page, "type", f"expected {expected} here, got {kind!r}")
    page_type = PAGE_TYPES[kind]
    try:
        page_type.shape().check(data, "")
    except FieldError as error:
        raise DemoDataError(path, page, error.field, error.reason) from error
    return PageFile(path=path, page_type=page_type, data=data)


def _parse(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise DemoDataError(path, path.stem, WHOLE_FILE, "file not found") from error
    except UnicodeDecodeError as error:
        raise DemoDataError(path, path.stem, WHOLE_FILE, "not UTF-8 text") from error
    except tomllib.TOMLDecodeError as error:
        raise DemoDataError(path, path.stem, WHOLE_FILE, f"not valid TOML: {error}") from error
