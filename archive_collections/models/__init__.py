"""The archive's models, split by role: choices, scientists, hierarchy, interviews."""

from .choices import (
    AccessLevel,
    ConsentStatus,
    DatePrecision,
    ItemType,
    LevelOfDescription,
    NameKind,
    RelationKind,
    RightsStatement,
)
from .hierarchy import Fonds, Item, ItemSubject, Series
from .interviews import IndexSegment, Interview, TranscriptSegment, format_timecode
from .oai import OaiRecord
from .scientists import (
    Discipline,
    Scientist,
    ScientistAffiliation,
    ScientistHonour,
    ScientistName,
    ScientistRelation,
)

__all__ = [
    "AccessLevel",
    "ConsentStatus",
    "DatePrecision",
    "Discipline",
    "Fonds",
    "IndexSegment",
    "Interview",
    "Item",
    "ItemSubject",
    "ItemType",
    "LevelOfDescription",
    "NameKind",
    "OaiRecord",
    "RelationKind",
    "RightsStatement",
    "Scientist",
    "ScientistAffiliation",
    "ScientistHonour",
    "ScientistName",
    "ScientistRelation",
    "Series",
    "TranscriptSegment",
    "format_timecode",
]
