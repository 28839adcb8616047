"""oai_dc: unqualified Dublin Core, the format every harvester reads. Mapping: docs/OAI.md."""

from __future__ import annotations

from lxml import etree

from archive_collections.names import split_names

from .listing import Record
from .mapping import type_terms, w3cdtf
from .repository import Repository

OAI_DC = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC = "http://purl.org/dc/elements/1.1/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA = "http://www.openarchives.org/OAI/2.0/oai_dc.xsd"
NSMAP = {"oai_dc": OAI_DC, "dc": DC, "xsi": XSI}


def oai_dc(record: Record, repository: Repository) -> etree._Element:
    item = record.item
    assert item is not None, "deleted records carry no metadata"
    root = etree.Element(f"{{{OAI_DC}}}dc", nsmap=NSMAP)
    root.set(f"{{{XSI}}}schemaLocation", f"{OAI_DC} {SCHEMA}")
    fonds = item.fonds

    def add(name: str, value: str | None, lang: str | None = None) -> None:
        if value:
            element = etree.SubElement(root, f"{{{DC}}}{name}")
            element.text = value
            if lang:
                element.set("{http://www.w3.org/XML/1998/namespace}lang", lang)

    add("title", item.title, item.language)
    for creator in split_names(item.creators):
        add("creator", creator)
    for scientist in record.scientists:
        add("subject", scientist.name)
    for subject in record.subjects:
        add("subject", subject)
    add("description", item.description, item.language)
    add("publisher", item.publisher)
    add("date", w3cdtf(item) or item.date_text)
    dcmi_type, _resource, _manuscript = type_terms(item.item_type)
    add("type", dcmi_type)
    add("type", item.type_label)
    add("format", item.extent)
    add("identifier", repository.url(item.url))
    add("identifier", item.identifier)
    add("language", item.language)
    add("relation", f"{fonds.identifier} {fonds.title}")
    add("relation", f"{item.series.identifier} {item.series.title}")
    add("coverage", item.places)
    add("rights", item.rights_statement)
    return root
