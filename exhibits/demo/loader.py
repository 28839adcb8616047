"""Builds the demo's theme exhibition from its page files (see files.py for the folder layout).

Blocks refer to archive records by identifier, resolved to keys here, so the exhibition shows the
live catalogue: titles, dates and scans come from the records. Loading is idempotent: a page that
already exists (a curator may have edited it) is left as it is, and so are its credits.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from wagtail.models import Page

from archive_collections.models import Interview, Item, Scientist
from exhibits.models import Credit, ExhibitionCredit, ExhibitionPage, HomePage
from media_pipeline.microvideo.models import MicroVideo, QuoteCard

from .files import PageFile, read_exhibition
from .shapes import OMIT

Log = Callable[[str], None]


def default_folder() -> Path:
    """The exhibition's files in the source tree. A path, not an import: exhibits sits below the
    fixtures package and never imports it."""
    return Path(settings.BASE_DIR) / "fixtures" / "demo" / "exhibition"


class RecordKeys:
    """Identifier → key for the records the demo pages use; unknown identifiers are collected
    so the log can say what was left out."""

    def __init__(self) -> None:
        self.tables: dict[str, dict[str, int]] = {
            "item": dict(Item.objects.values_list("identifier", "pk")),
            "scientist": dict(Scientist.objects.values_list("identifier", "pk")),
            "interview": dict(Interview.objects.values_list("item__identifier", "pk")),
            "micro_video": dict(MicroVideo.objects.values_list("title", "pk")),
            "quote_card": {
                f"{identifier}@{start}-{end}": pk
                for identifier, start, end, pk in QuoteCard.objects.values_list(
                    "interview__item__identifier", "start_ms", "end_ms", "pk"
                )
            },
        }
        self.missing: set[str] = set()

    def key(self, kind: str, identifier: str) -> int | None:
        found = self.tables[kind].get(identifier)
        if found is None:
            self.missing.add(identifier)
        return found


@transaction.atomic
def load_theme_exhibition(log: Log = print, folder: Path | None = None) -> ExhibitionPage | None:
    """Create the theme exhibition under the home page; existing pages are left as they are.
    Every file is read and checked first, so a bad one (DemoDataError) creates nothing."""
    files = read_exhibition(folder or default_folder())
    home = HomePage.objects.first()
    if home is None:
        log("  no home page exists; the theme exhibition was not created")
        return None
    keys = RecordKeys()
    index = _child(home, files.index, keys, log)
    exhibition = _child(index, files.exhibition, keys, log)
    for page in files.pages:
        _child(exhibition, page, keys, log)
    if keys.missing:
        log("  records not in the archive, left out: " + ", ".join(sorted(keys.missing)))
    return exhibition


def _child(parent: Page, source: PageFile, keys: RecordKeys, log: Log) -> Page:
    model = source.page_type.model
    existing = model.objects.child_of(parent).filter(slug=source.slug).first()
    # Resolved even for a page that exists, so the log names every record the files miss.
    fields = source.fields(keys)
    if existing is not None:
        log(f"  {existing.title}: already present, left unchanged")
        return existing
    page = model(**_model_values(fields))
    parent.add_child(instance=page)
    page.save_revision(log_action=True).publish()
    log(f"  {page.title}: created and published")
    return page


def _model_values(fields: dict[str, Any]) -> dict[str, Any]:
    values = {name: value for name, value in fields.items() if value is not OMIT}
    del values["type"]
    if "scientist" in values:
        values["scientist_id"] = values.pop("scientist")
    if "credits" in values:
        # In the page, not added afterwards: credits live in the page's revisions, so a link
        # created beside them would vanish the next time a curator publishes the page.
        values["credit_links"] = [_credit_link(credit) for credit in values.pop("credits")]
    return values


def _credit_link(credit: dict[str, str]) -> ExhibitionCredit:
    snippet, _created = Credit.objects.get_or_create(
        name=credit["name"], organisation=credit["organisation"]
    )
    return ExhibitionCredit(credit=snippet, role=credit["role"])
