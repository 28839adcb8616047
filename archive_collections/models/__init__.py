"""The archive's models, split by role: choices, scientists, hierarchy, interviews."""

from .access_requests import (
    AccessRequest,
    AccessRequestStatus,
    FondsAccessGrant,
    GrantKind,
    ResearcherProfile,
)
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
    "AccessRequest",
    "AccessRequestStatus",
    "ConsentStatus",
    "DatePrecision",
    "Discipline",
    "Fonds",
    "FondsAccessGrant",
    "GrantKind",
    "IndexSegment",
    "Interview",
    "Item",
    "ItemSubject",
    "ItemType",
    "LevelOfDescription",
    "NameKind",
    "OaiRecord",
    "RelationKind",
    "ResearcherProfile",
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
