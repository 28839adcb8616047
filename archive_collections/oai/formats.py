"""The metadata formats: prefix → schema, namespace and the function that renders an item."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from lxml import etree

from . import config, dc, mods
from .errors import CANNOT_DISSEMINATE_FORMAT, OaiError
from .listing import Record
from .repository import Repository


@dataclass(frozen=True)
class MetadataFormat:
    prefix: str
    schema: str
    namespace: str
    render: Callable[[Record, Repository], etree._Element]


KNOWN = {
    "oai_dc": MetadataFormat("oai_dc", dc.SCHEMA, dc.OAI_DC, dc.oai_dc),
    "mods": MetadataFormat("mods", mods.SCHEMA, mods.MODS, mods.mods),
}


def offered() -> list[MetadataFormat]:
    """The formats this deployment turned on, in the order its setting lists them."""
    return [KNOWN[prefix] for prefix in config.metadata_prefixes() if prefix in KNOWN]


def get(prefix: str) -> MetadataFormat:
    for found in offered():
        if found.prefix == prefix:
            return found
    raise OaiError(CANNOT_DISSEMINATE_FORMAT, f"no metadata format {prefix!r} here")
