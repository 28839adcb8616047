"""The content checks shared by the pre-publish task and the audits.

A check runs in three passes so that its cost grows with what the pages reference, not with how
many pages there are:

1. `scan_page` reads each page's fields and the raw JSON of its StreamFields (no query: chooser
   blocks are not resolved) and notes every record, image, page, document and URL it references,
   every alt text and every piece of text, each with where it is (field, block path);
2. `Lookups.load` fetches what all the scanned pages reference, one query per kind in chunks;
3. `Checker.issues` judges every reference against those lookups.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from html import unescape
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Q
from django.template.loader import get_template
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail import blocks
from wagtail.documents import get_document_model
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.fields import RichTextField, StreamField
from wagtail.images import get_image_model
from wagtail.images.blocks import ImageChooserBlock
from wagtail.models import Page, Site

from archive_collections.access import AccessPolicy
from archive_collections.models import Interview, Item, Scientist, TranscriptSegment
from exhibits.blocks.choosers import RecordChooserBlock
from exhibits.models import BasePage, ExhibitionCredit, ExhibitionPage
from exhibits.models.base import plain_text
from media_pipeline.models import ItemFile

from .kinds import SEVERITY, FindingKind
from .terms import TermMatcher

CHUNK = 2000  # keys per IN (...): well under SQLite's and PostgreSQL's parameter limits

# Alt text that describes nothing: a file name, a camera's counter, or the word "image".
_PLACEHOLDER_ALT = re.compile(
    r"^(?:.*\.(?:jpe?g|png|gif|tiff?|webp|bmp)|(?:img|dsc|scan|image)[_\- ]?\d+|"
    r"图片|图像|照片|图|image|photo|picture|img|alt)$",
    re.IGNORECASE,
)
_TAG = re.compile(r"<(a|embed)\b([^>]*)>", re.IGNORECASE)
_ATTR = re.compile(r'([\w-]+)\s*=\s*"([^"]*)"')
_ID_ATTR = re.compile(r'\bid\s*=\s*\\?"([\w\-:.]+)\\?"')
_ITEM_PATH = re.compile(r"^/archive/items/(?P<identifier>[^/]+)/")

# What each check mode looks at (the audit's "same checks", with or without the term list).
PREPUBLISH_KINDS = frozenset(
    {
        FindingKind.RIGHTS,
        FindingKind.ALT_TEXT,
        FindingKind.CAPTIONS,
        FindingKind.CREDITS,
        FindingKind.HIDDEN_RECORD,
        FindingKind.EMBARGOED_RECORD,
        FindingKind.MISSING_RECORD,
        FindingKind.BROKEN_LINK,
        FindingKind.BROKEN_ANCHOR,
        FindingKind.TERM,
    }
)
AUDIT_KINDS = (PREPUBLISH_KINDS - {FindingKind.TERM}) | {
    FindingKind.RECORD_CHANGED,
    FindingKind.REVIEW_DUE,
    FindingKind.EXTERNAL_LINK,
}
INSPECTION_KINDS = AUDIT_KINDS | {FindingKind.TERM}


@dataclass(frozen=True)
class Where:
    field: str  # the model field's name
    label: str  # for people: "正文 › 第3块 图片 › 替代文本"


@dataclass
class Issue:
    kind: str
    page: Page
    where: Where
    message: str
    target: str = ""
    fix_url: str = ""

    @property
    def severity(self) -> int:
        return SEVERITY.get(FindingKind(self.kind), 5)

    def as_dict(self) -> dict:
        return {
            "kind": str(self.kind),
            "kind_label": str(FindingKind(self.kind).label),
            "field": self.where.field,
            "where": self.where.label,
            "message": self.message,
            "target": self.target,
            "fix_url": self.fix_url,
        }


@dataclass
class PageScan:
    page: Page
    records: list[tuple[str, int, Where]] = field(default_factory=list)
    images: list[tuple[int, Where]] = field(default_factory=list)
    pages: list[tuple[int, str, Where]] = field(default_factory=list)  # (page id, anchor, where)
    documents: list[tuple[int, Where]] = field(default_factory=list)
    urls: list[tuple[str, Where]] = field(default_factory=list)
    texts: list[tuple[str, Where]] = field(default_factory=list)
    bad_alt: list[tuple[str, Where]] = field(default_factory=list)


# Scanning ------------------------------------------------------------------------------------


def _label(block) -> str:
    return str(block.label or block.name or "")


def scan_page(page: Page) -> PageScan:
    scan = PageScan(page)
    scan.texts.append((page.title, Where("title", str(_("title")))))
    for model_field in type(page)._meta.concrete_fields:
        if model_field.model is Page and model_field.name not in (
            "seo_title",
            "search_description",
        ):
            continue
        name = model_field.name
        value = getattr(page, name, None)
        where = Where(name, str(model_field.verbose_name))
        if isinstance(model_field, StreamField):
            if value:
                _scan_stream(
                    scan, model_field.stream_block, list(value.raw_data), name, where.label
                )
        elif isinstance(model_field, RichTextField):
            _scan_rich_text(scan, value or "", where)
        elif model_field.get_internal_type() in ("CharField", "TextField") and value:
            if not model_field.choices:
                scan.texts.append((value, where))
    for image_field, alt_field in getattr(page, "image_alt_fields", ()):
        if getattr(page, f"{image_field}_id", None):
            alt = getattr(page, alt_field, "")
            if _bad_alt(alt):
                verbose = type(page)._meta.get_field(alt_field).verbose_name
                scan.bad_alt.append((alt, Where(alt_field, str(verbose))))
            scan.images.append((getattr(page, f"{image_field}_id"), Where(image_field, "")))
    return scan


def _bad_alt(alt: str | None) -> bool:
    text = (alt or "").strip()
    return not text or bool(_PLACEHOLDER_ALT.match(text))


def _children(raw) -> Iterator[tuple[int, str, object]]:
    """(position, block type, raw value) of a raw stream or list, old and new list formats."""
    for position, child in enumerate(raw or (), start=1):
        if isinstance(child, dict) and "type" in child and "value" in child:
            yield position, child["type"], child["value"]
        else:
            yield position, "item", child


def _scan_stream(scan: PageScan, block, raw, name: str, path: str) -> None:
    for position, block_type, value in _children(raw):
        child = block.child_blocks.get(block_type)
        if child is None:
            continue
        label = _("%(path)s › block %(n)s (%(type)s)") % {
            "path": path,
            "n": position,
            "type": _label(child),
        }
        _scan_block(scan, child, value, name, label)


def _scan_block(scan: PageScan, block, value, name: str, path: str) -> None:
    where = Where(name, path)
    if value in (None, "", [], {}):
        return
    if isinstance(block, blocks.StreamBlock):
        _scan_stream(scan, block, value, name, path)
    elif isinstance(block, blocks.ListBlock):
        for position, _type, child in _children(value):
            _scan_block(scan, block.child_block, child, name, f"{path} › {position}")
    elif isinstance(block, blocks.StructBlock) and isinstance(value, dict):
        if "alt" in block.child_blocks:
            shows = any(
                value.get(child_name)
                for child_name, child in block.child_blocks.items()
                if isinstance(child, ImageChooserBlock | RecordChooserBlock)
            )
            if shows and _bad_alt(value.get("alt")):
                alt_label = _label(block.child_blocks["alt"])
                scan.bad_alt.append((value.get("alt") or "", Where(name, f"{path} › {alt_label}")))
        for child_name, child in block.child_blocks.items():
            if child_name in value:
                label = f"{path} › {_label(child)}"
                _scan_block(scan, child, value[child_name], name, label)
    elif isinstance(block, RecordChooserBlock):
        pk = _int(value)
        if pk is not None:
            scan.records.append((block.target_label.lower(), pk, where))
    elif isinstance(block, ImageChooserBlock):
        pk = _int(value)
        if pk is not None:
            scan.images.append((pk, where))
    elif isinstance(block, DocumentChooserBlock):
        pk = _int(value)
        if pk is not None:
            scan.documents.append((pk, where))
    elif isinstance(block, blocks.PageChooserBlock):
        pk = _int(value)
        if pk is not None:
            scan.pages.append((pk, "", where))
    elif isinstance(block, blocks.URLBlock):
        scan.urls.append((str(value), where))
    elif isinstance(block, blocks.RichTextBlock):
        _scan_rich_text(scan, str(value), where)
    elif isinstance(block, blocks.CharBlock | blocks.TextBlock) and isinstance(value, str):
        scan.texts.append((value, where))


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _scan_rich_text(scan: PageScan, html: str, where: Where) -> None:
    if not html:
        return
    scan.texts.append((plain_text(html), where))
    for tag, attrs in _TAG.findall(html):
        attributes = {k.lower(): unescape(v) for k, v in _ATTR.findall(attrs)}
        linktype = attributes.get("linktype") or attributes.get("embedtype")
        pk = _int(attributes.get("id"))
        if tag.lower() == "embed":
            if linktype == "image":
                if _bad_alt(attributes.get("alt")):
                    scan.bad_alt.append((attributes.get("alt", ""), where))
                if pk is not None:
                    scan.images.append((pk, where))
        elif linktype == "page" and pk is not None:
            scan.pages.append((pk, "", where))
        elif linktype == "document" and pk is not None:
            scan.documents.append((pk, where))
        elif attributes.get("href"):
            scan.urls.append((attributes["href"].strip(), where))


# Looking up ----------------------------------------------------------------------------------


def _chunks(keys: Iterable) -> Iterator[list]:
    keys = sorted(set(keys), key=str)
    for start in range(0, len(keys), CHUNK):
        yield keys[start : start + CHUNK]


@dataclass
class ItemFacts:
    pk: int
    identifier: str
    title: str
    rights_statement: str
    creators: str
    access_level: str
    embargo_until: date | None
    updated_at: datetime | None


@dataclass
class Lookups:
    items: dict[int, ItemFacts] = field(default_factory=dict)
    items_by_identifier: dict[str, ItemFacts] = field(default_factory=dict)
    interviews: dict[int, tuple[int, object]] = field(default_factory=dict)  # pk → (item, updated)
    scientists: set[int] = field(default_factory=set)
    images: set[int] = field(default_factory=set)
    documents: set[int] = field(default_factory=set)
    pages: dict[int, tuple[bool, str]] = field(default_factory=dict)  # pk → (live, url_path)
    live_paths: dict[str, int] = field(default_factory=dict)
    anchors: dict[int, set[str]] = field(default_factory=dict)
    av_items: set[int] = field(default_factory=set)
    captioned_items: set[int] = field(default_factory=set)
    credited_pages: set[int] = field(default_factory=set)

    def load(
        self, scans: list[PageScan], hosts: frozenset[str], *, credits_in_memory: bool
    ) -> None:
        wanted: dict[str, set[int]] = defaultdict(set)
        identifiers, paths, anchored = set(), set(), set()
        for scan in scans:
            for label, pk, _where in scan.records:
                wanted[label].add(pk)
            for url, _where in scan.urls:
                target = internal_path(url, hosts)
                if target is None:
                    continue
                path, anchor = target
                match = _ITEM_PATH.match(path)
                if match:
                    identifiers.add(unescape(match["identifier"]))
                else:
                    paths.add(path)
            for pk, anchor, _where in scan.pages:
                if anchor:
                    anchored.add(pk)
        self._load_interviews(wanted["collections.interview"])
        item_pks = wanted["collections.item"] | {item for item, _u in self.interviews.values()}
        self._load_items("pk__in", item_pks)
        self._load_items("identifier__in", identifiers - set(self.items_by_identifier))
        self._load_captions()
        for chunk in _chunks(wanted["collections.scientist"]):
            self.scientists.update(
                Scientist.objects.filter(pk__in=chunk).values_list("pk", flat=True)
            )
        image_pks = {pk for scan in scans for pk, _w in scan.images}
        for chunk in _chunks(image_pks):
            self.images.update(
                get_image_model().objects.filter(pk__in=chunk).values_list("pk", flat=True)
            )
        document_pks = {pk for scan in scans for pk, _w in scan.documents}
        for chunk in _chunks(document_pks):
            self.documents.update(
                get_document_model().objects.filter(pk__in=chunk).values_list("pk", flat=True)
            )
        page_pks = {pk for scan in scans for pk, _a, _w in scan.pages}
        for chunk in _chunks(page_pks):
            for pk, live, url_path in Page.objects.filter(pk__in=chunk).values_list(
                "pk", "live", "url_path"
            ):
                self.pages[pk] = (live, url_path)
        self._load_paths(paths)
        if not credits_in_memory:
            exhibition_pks = [s.page.pk for s in scans if isinstance(s.page, ExhibitionPage)]
            for chunk in _chunks(exhibition_pks):
                self.credited_pages.update(
                    ExhibitionCredit.objects.filter(page_id__in=chunk).values_list(
                        "page_id", flat=True
                    )
                )

    def _load_interviews(self, pks: set[int]) -> None:
        for chunk in _chunks(pks):
            for pk, item_id, updated in Interview.objects.filter(pk__in=chunk).values_list(
                "pk", "item_id", "item__updated_at"
            ):
                self.interviews[pk] = (item_id, updated)

    def _load_items(self, lookup: str, keys: set) -> None:
        fields = [f.name for f in ItemFacts.__dataclass_fields__.values()]
        for chunk in _chunks(keys):
            for row in Item.objects.filter(**{lookup: chunk}).values_list(*fields):
                facts = ItemFacts(*row)
                self.items[facts.pk] = facts
                self.items_by_identifier[facts.identifier] = facts

    def _load_captions(self) -> None:
        """Which items have a recording, and which of those have a transcript to caption it."""
        for chunk in _chunks(self.items):
            self.av_items.update(
                ItemFile.objects.filter(item_id__in=chunk)
                .filter(Q(mime_type__startswith="audio/") | Q(mime_type__startswith="video/"))
                .values_list("item_id", flat=True)
            )
        for chunk in _chunks(self.av_items):
            self.captioned_items.update(
                TranscriptSegment.objects.filter(interview__item_id__in=chunk).values_list(
                    "interview__item_id", flat=True
                )
            )

    def _load_paths(self, paths: set[str]) -> None:
        """Live pages at the internal paths linked, through the default site's root."""
        if not paths:
            return
        root = _site_root_path()
        candidates = {root + p.lstrip("/").rstrip("/") + "/": p for p in paths}
        for chunk in _chunks(candidates):
            for pk, url_path in Page.objects.filter(url_path__in=chunk, live=True).values_list(
                "pk", "url_path"
            ):
                self.live_paths[candidates[url_path]] = pk

    def load_anchors(self, page_pks: set[int]) -> None:
        """The element ids a linked page shows: its templates' fixed ids and those in its
        stored text, read from the page's own fields without rendering it."""
        todo = page_pks - set(self.anchors)
        for chunk in _chunks(todo):
            for page in Page.objects.filter(pk__in=chunk).specific():
                ids = set(template_ids(page.template))
                for model_field in type(page)._meta.concrete_fields:
                    if isinstance(model_field, StreamField | RichTextField):
                        value = model_field.value_from_object(page)
                        raw = (
                            str(list(value.raw_data))
                            if hasattr(value, "raw_data")
                            else str(value or "")
                        )
                        ids.update(_ID_ATTR.findall(raw))
                self.anchors[page.pk] = ids


def _site_root_path() -> str:
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    return site.root_page.url_path if site else "/"


@cache
def template_ids(template_name: str) -> frozenset[str]:
    """Element ids written literally in a page template (and nothing computed)."""
    try:
        origin = get_template(template_name).origin.name  # type: ignore[attr-defined]
        source = Path(origin).read_text(encoding="utf-8")
    except Exception:  # noqa: BLE001 - an unreadable template just has no known anchors
        return frozenset()
    return frozenset(re.findall(r'\bid="([\w\-]+)"', source))


def site_hosts() -> frozenset[str]:
    """The site's own addresses as "host:port": its Wagtail sites' and the admin's base URL's."""
    hosts = {f"{host}:{port}" for host, port in Site.objects.values_list("hostname", "port")}
    base = urlsplit(getattr(settings, "WAGTAILADMIN_BASE_URL", "") or "")
    if base.hostname:
        hosts.add(f"{base.hostname}:{base.port or _DEFAULT_PORTS.get(base.scheme, 80)}")
    return frozenset(h.lower() for h in hosts)


_DEFAULT_PORTS = {"http": 80, "https": 443}


def internal_path(url: str, hosts: frozenset[str]) -> tuple[str, str] | None:
    """(path, anchor) of a link into this site; None for other sites, mail and phone links."""
    parts = urlsplit(url)
    if parts.scheme and parts.scheme not in _DEFAULT_PORTS:
        return None
    if parts.netloc:
        try:
            port = parts.port or _DEFAULT_PORTS.get(parts.scheme, 80)
        except ValueError:  # a port that is not a number: not this site
            return None
        if f"{(parts.hostname or '').lower()}:{port}" not in hosts:
            return None
    if not parts.path and not parts.fragment:
        return None
    return parts.path or "", parts.fragment


def is_external(url: str, hosts: frozenset[str]) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and internal_path(url, hosts) is None


# Judging -------------------------------------------------------------------------------------


def page_edit_url(page: Page, field_name: str = "") -> str:
    url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    anchor = panel_anchor(type(page), field_name) if field_name else ""
    return f"{url}#{anchor}" if anchor else url


def _holds(panel, field_name: str) -> bool:
    if getattr(panel, "field_name", None) == field_name or (
        getattr(panel, "relation_name", None) == field_name
    ):
        return True
    return any(_holds(child, field_name) for child in getattr(panel, "children", ()))


def panel_anchor(model, field_name: str) -> str:
    """The id of the editor's section holding a field. Wagtail names it after the tab's and the
    panel's headings, and its edit handler (built once per process) keeps the names of its first
    render, in whichever language that was: so they are read off that same handler's cached
    identifiers, never recomputed in the language of the moment."""
    handler = model.get_edit_handler()
    if not hasattr(handler, "child_identifiers"):
        return ""
    for tab, tab_name in zip(handler.children, handler.child_identifiers, strict=True):
        if not hasattr(tab, "child_identifiers"):
            continue
        for panel, panel_name in zip(tab.children, tab.child_identifiers, strict=True):
            if _holds(panel, field_name):
                return f"panel-child-{tab_name}-{panel_name}-section"
    return ""


def record_edit_url(model, pk) -> str:
    try:
        return reverse(model.snippet_viewset.get_url_name("edit"), args=[pk])
    except Exception:  # noqa: BLE001 - a model without an admin edit view: link the page instead
        return ""


class Checker:
    """Checks pages for the kinds asked, with everything they reference loaded in bulk."""

    def __init__(
        self,
        pages: Iterable[Page],
        kinds: frozenset[str],
        *,
        terms: TermMatcher | None = None,
        credits_in_memory: bool = False,
        today: date | None = None,
    ):
        self.pages = [page for page in pages if isinstance(page, BasePage)]
        self.kinds = kinds
        self.terms = terms if FindingKind.TERM in kinds else None
        self.credits_in_memory = credits_in_memory
        self.public = AccessPolicy.anonymous(today)
        self.today = self.public.today
        self.lookups = Lookups()
        self.scans: list[PageScan] = []
        self.hosts = site_hosts()

    def issues(self) -> list[Issue]:
        self.scans = [scan_page(page) for page in self.pages]
        self.lookups.load(self.scans, self.hosts, credits_in_memory=self.credits_in_memory)
        anchored = {pk for s in self.scans for pk, _u in self._anchored_links(s)}
        if FindingKind.BROKEN_ANCHOR in self.kinds and anchored:
            self.lookups.load_anchors(anchored)
        found: list[Issue] = []
        for scan in self.scans:
            found.extend(issue for issue in self._page_issues(scan) if issue.kind in self.kinds)
        found.sort(key=lambda issue: (issue.severity, issue.page.pk))
        return found

    def _page_issues(self, scan: PageScan) -> Iterator[Issue]:
        page = scan.page
        for _alt, where in scan.bad_alt:
            yield Issue(
                FindingKind.ALT_TEXT,
                page,
                where,
                _("An image without a useful alt text."),
                fix_url=page_edit_url(page, where.field),
            )
        for pk, where in scan.images:
            if pk not in self.lookups.images:
                yield Issue(
                    FindingKind.MISSING_RECORD,
                    page,
                    where,
                    _("Image %(pk)s was deleted.") % {"pk": pk},
                    target=f"image:{pk}",
                    fix_url=page_edit_url(page, where.field),
                )
        yield from self._record_issues(scan)
        yield from self._link_issues(scan)
        yield from self._page_level_issues(scan)
        if self.terms:
            for text, where in scan.texts:
                for hit in self.terms.find(text):
                    rule = hit.rule
                    message = _("“%(found)s”: write “%(preferred)s”.") % {
                        "found": hit.found,
                        "preferred": rule.preferred or "—",
                    }
                    if rule.note:
                        message = f"{message} {rule.note}"
                    yield Issue(
                        FindingKind.TERM,
                        page,
                        where,
                        message,
                        target=hit.found,
                        fix_url=page_edit_url(page, where.field),
                    )

    def _record_issues(self, scan: PageScan) -> Iterator[Issue]:
        page = scan.page
        for label, pk, where in scan.records:
            if label == "collections.scientist":
                if pk not in self.lookups.scientists:
                    yield self._missing(page, where, _("Scientist"), pk)
                continue
            if label == "collections.interview":
                interview = self.lookups.interviews.get(pk)
                if interview is None:
                    yield self._missing(page, where, _("Interview"), pk)
                    continue
                item = self.lookups.items.get(interview[0])
            else:
                item = self.lookups.items.get(pk)
                if item is None:
                    yield self._missing(page, where, _("Item"), pk)
                    continue
            if item is not None:
                yield from self._item_issues(page, where, item)

    def _missing(self, page, where, what, pk) -> Issue:
        return Issue(
            FindingKind.MISSING_RECORD,
            page,
            where,
            _("%(what)s %(pk)s was deleted or never existed.") % {"what": what, "pk": pk},
            target=f"{what}:{pk}",
            fix_url=page_edit_url(page, where.field),
        )

    def _item_issues(self, page, where, item: ItemFacts) -> Iterator[Issue]:
        name = f"{item.identifier} {item.title}"
        fix = record_edit_url(Item, item.pk)
        if item.embargo_until and item.embargo_until > self.today:
            yield Issue(
                FindingKind.EMBARGOED_RECORD,
                page,
                where,
                _("%(item)s is under embargo until %(date)s; the public sees a notice.")
                % {"item": name, "date": item.embargo_until},
                target=item.identifier,
                fix_url=page_edit_url(page, where.field),
            )
        elif item.access_level not in self.public.levels:
            yield Issue(
                FindingKind.HIDDEN_RECORD,
                page,
                where,
                _("%(item)s is not public; the public sees a notice instead.") % {"item": name},
                target=item.identifier,
                fix_url=page_edit_url(page, where.field),
            )
        if not item.rights_statement:
            yield Issue(
                FindingKind.RIGHTS,
                page,
                where,
                _("%(item)s has no rights statement.") % {"item": name},
                target=item.identifier,
                fix_url=fix,
            )
        if not item.creators.strip():
            yield Issue(
                FindingKind.CREDITS,
                page,
                where,
                _("%(item)s names no creator to credit.") % {"item": name},
                target=item.identifier,
                fix_url=fix,
            )
        if item.pk in self.lookups.av_items and item.pk not in self.lookups.captioned_items:
            yield Issue(
                FindingKind.CAPTIONS,
                page,
                where,
                _("%(item)s is a recording without captions or transcript.") % {"item": name},
                target=item.identifier,
                fix_url=fix,
            )
        published = page.last_published_at
        if published and item.updated_at and item.updated_at > published:
            yield Issue(
                FindingKind.RECORD_CHANGED,
                page,
                where,
                _("%(item)s changed on %(date)s, after the page was published.")
                % {"item": name, "date": f"{timezone.localtime(item.updated_at):%Y-%m-%d}"},
                target=item.identifier,
                fix_url=fix,
            )

    def _anchored_links(self, scan: PageScan) -> Iterator[tuple[int, str]]:
        for pk, anchor, _where in scan.pages:
            if anchor:
                yield pk, anchor
        for url, _where in scan.urls:
            target = internal_path(url, self.hosts)
            if target and target[1]:
                path, anchor = target
                target_pk = self.lookups.live_paths.get(path) if path else scan.page.pk
                if target_pk:
                    yield target_pk, anchor

    def _link_issues(self, scan: PageScan) -> Iterator[Issue]:
        page = scan.page
        for pk, _anchor, where in scan.pages:
            live = self.lookups.pages.get(pk)
            if live is None or not live[0]:
                reason = _("deleted") if live is None else _("not published")
                yield Issue(
                    FindingKind.BROKEN_LINK,
                    page,
                    where,
                    _("A link to page %(pk)s, which is %(reason)s.") % {"pk": pk, "reason": reason},
                    target=f"page:{pk}",
                    fix_url=page_edit_url(page, where.field),
                )
        for pk, where in scan.documents:
            if pk not in self.lookups.documents:
                yield Issue(
                    FindingKind.BROKEN_LINK,
                    page,
                    where,
                    _("A link to document %(pk)s, which was deleted.") % {"pk": pk},
                    target=f"document:{pk}",
                    fix_url=page_edit_url(page, where.field),
                )
        for url, where in scan.urls:
            yield from self._url_issues(page, url, where)

    def _url_issues(self, page, url: str, where: Where) -> Iterator[Issue]:
        target = internal_path(url, self.hosts)
        if target is None:
            return
        path, anchor = target
        fix = page_edit_url(page, where.field)
        match = _ITEM_PATH.match(path)
        if match:
            item = self.lookups.items_by_identifier.get(unescape(match["identifier"]))
            if item is None:
                yield Issue(
                    FindingKind.MISSING_RECORD,
                    page,
                    where,
                    _("A link to %(url)s: no such record.") % {"url": url},
                    target=url,
                    fix_url=fix,
                )
            else:
                yield from self._item_issues(page, where, item)
            return
        pk = self.lookups.live_paths.get(path) if path else page.pk
        if pk is None and not _resolves_to_a_view(path):
            yield Issue(
                FindingKind.BROKEN_LINK,
                page,
                where,
                _("A link to %(url)s: no such page.") % {"url": url},
                target=url,
                fix_url=fix,
            )
            return
        if anchor and pk is not None and anchor not in self.lookups.anchors.get(pk, {anchor}):
            yield Issue(
                FindingKind.BROKEN_ANCHOR,
                page,
                where,
                _("A link to %(url)s: the page has no “#%(anchor)s”.")
                % {"url": url, "anchor": anchor},
                target=url,
                fix_url=fix,
            )

    def _page_level_issues(self, scan: PageScan) -> Iterator[Issue]:
        page = scan.page
        if isinstance(page, ExhibitionPage):
            credited = (
                bool(page.credit_links.all())
                if self.credits_in_memory
                else page.pk in self.lookups.credited_pages
            )
            if not credited:
                yield Issue(
                    FindingKind.CREDITS,
                    page,
                    Where("credit_links", str(_("Credits"))),
                    _("The exhibition credits nobody."),
                    fix_url=page_edit_url(page),
                )
        review = getattr(page, "review_date", None)
        if review and review < self.today:
            yield Issue(
                FindingKind.REVIEW_DUE,
                page,
                Where("review_date", str(_("review date"))),
                _("Due for review since %(date)s.") % {"date": review},
                fix_url=page_edit_url(page),
            )


def _resolves_to_a_view(path: str) -> bool:
    """Whether an internal path is one of the site's own views (not Wagtail's page catch-all)."""
    try:
        match = resolve(path)
    except Resolver404:
        return False
    return match.url_name != "wagtail_serve"
