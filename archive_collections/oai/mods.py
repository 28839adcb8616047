"""MODS 3.4 for items: the richer format, with names, typed dates, the fonds → series
hierarchy as host items, and rights as a link. Mapping: docs/OAI.md."""

from __future__ import annotations

from lxml import etree

from archive_collections.names import split_names

from .listing import ItemView, Person, Record, Unit
from .mapping import scientist_dates, type_terms
from .repository import Repository

MODS = "http://www.loc.gov/mods/v3"
XLINK = "http://www.w3.org/1999/xlink"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA = "http://www.loc.gov/standards/mods/v3/mods-3-4.xsd"
NSMAP = {None: MODS, "xlink": XLINK, "xsi": XSI}


def _sub(
    parent: etree._Element, name: str, text: str | None = None, **attrs: str
) -> etree._Element:
    element = etree.SubElement(parent, f"{{{MODS}}}{name}", attrs)
    if text:
        element.text = text
    return element


def mods(record: Record, repository: Repository) -> etree._Element:
    item = record.item
    assert item is not None, "deleted records carry no metadata"
    root = etree.Element(f"{{{MODS}}}mods", nsmap=NSMAP, version="3.4")
    root.set(f"{{{XSI}}}schemaLocation", f"{MODS} {SCHEMA}")
    _sub(_sub(root, "titleInfo", lang=item.language), "title", item.title)
    for creator in split_names(item.creators):
        name = _sub(root, "name")
        _sub(name, "namePart", creator)
        _sub(_sub(name, "role"), "roleTerm", "creator", type="text", authority="marcrelator")
    _resource_and_genre(root, item)
    _origin(root, item)
    _sub(_sub(root, "language"), "languageTerm", item.language, type="code", authority="rfc4646")
    if item.extent:
        _sub(_sub(root, "physicalDescription"), "extent", item.extent)
    if item.description:
        _sub(root, "abstract", item.description, lang=item.language)
    if item.provenance:
        _sub(root, "note", item.provenance, type="acquisition")
    for scientist in record.scientists:
        _person(_sub(root, "subject"), scientist, repository)
    for subject in record.subjects:
        _sub(_sub(root, "subject"), "topic", subject)
    if item.places:
        _sub(_sub(root, "subject"), "geographic", item.places)
    _host(root, item, repository)
    url = repository.url(item.url)
    _sub(root, "identifier", item.identifier, type="local")
    _sub(root, "identifier", url, type="uri")
    _sub(_sub(root, "location"), "url", url, usage="primary display", access="object in context")
    rights = _sub(root, "accessCondition", item.rights_label, type="use and reproduction")
    rights.set(f"{{{XLINK}}}href", item.rights_statement)
    _record_info(root, record, repository)
    return root


def _resource_and_genre(root: etree._Element, item: ItemView) -> None:
    _dcmi, resource, manuscript = type_terms(item.item_type)
    attrs = {"manuscript": "yes"} if manuscript else {}
    _sub(root, "typeOfResource", resource, **attrs)
    _sub(root, "genre", item.item_type, authority="local")


def _origin(root: etree._Element, item: ItemView) -> None:
    if not (item.date_text or item.date_start):
        return
    origin = _sub(root, "originInfo")
    if item.date_text:
        _sub(origin, "dateCreated", item.date_text)
    if item.date_start is None:
        return
    approximate = {"qualifier": "approximate"} if item.date_approximate else {}
    ranged = item.date_end is not None and item.date_end != item.date_start
    start_attrs = {"encoding": "w3cdtf", "keyDate": "yes", **approximate}
    if ranged:
        start_attrs["point"] = "start"
    _sub(origin, "dateCreated", item.date_start.isoformat(), **start_attrs)
    if ranged and item.date_end is not None:
        _sub(origin, "dateCreated", item.date_end.isoformat(), encoding="w3cdtf", point="end")


def _person(parent: etree._Element, scientist: Person, repository: Repository) -> None:
    name = _sub(
        parent,
        "name",
        type="personal",
        authority="local",
        valueURI=repository.url(scientist.url),
    )
    _sub(name, "namePart", scientist.name)
    dates = scientist_dates(scientist.birth_year, scientist.death_year)
    if dates:
        _sub(name, "namePart", dates, type="date")
    if scientist.name_pinyin:
        _sub(name, "displayForm", f"{scientist.name} ({scientist.name_pinyin})")


def _host(root: etree._Element, item: ItemView, repository: Repository) -> None:
    """The series and its fonds as nested host items, so a harvester can rebuild the tree."""
    host = _unit(root, item.series, repository)
    _unit(host, item.fonds, repository)


def _unit(parent: etree._Element, unit: Unit, repository: Repository) -> etree._Element:
    related = _sub(parent, "relatedItem", type="host")
    _sub(_sub(related, "titleInfo"), "title", unit.title)
    _sub(related, "identifier", unit.identifier, type="local")
    _sub(_sub(related, "location"), "url", repository.url(unit.url))
    return related


def _record_info(root: etree._Element, record: Record, repository: Repository) -> None:
    info = _sub(root, "recordInfo")
    _sub(info, "recordContentSource", repository.identifier)
    changed = record.datestamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    _sub(info, "recordChangeDate", changed, encoding="w3cdtf")
    _sub(info, "recordIdentifier", repository.oai_identifier(record.identifier))
