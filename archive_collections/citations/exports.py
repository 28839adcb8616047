"""The record as files for reference managers: RIS, BibTeX and CSL-JSON, all UTF-8.

Field choices follow what Zotero, EndNote and NoteExpress read back: the 档号 goes where each
format keeps an archive's call number (RIS AN, BibTeX number), the holding institution where
it keeps the archive (RIS DB, BibTeX organization), the fonds as the collection title.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from .record import Citable, CslRecord

RIS_TYPES: dict[str, str] = {
    "interview": "SOUND",
    "manuscript": "MANSCPT",
    "personal_communication": "PCOMM",
    "graphic": "ART",
    "document": "GEN",
    "book": "BOOK",
    "song": "SOUND",
    "motion_picture": "VIDEO",
    "webpage": "ELEC",
}
BIBTEX_TYPES: dict[str, str] = {"book": "book", "manuscript": "unpublished"}


@dataclass(frozen=True)
class ExportFormat:
    extension: str
    content_type: str


EXPORT_FORMATS: dict[str, ExportFormat] = {
    "ris": ExportFormat("ris", "application/x-research-info-systems"),
    "bib": ExportFormat("bib", "application/x-bibtex"),
    "json": ExportFormat("json", "application/vnd.citationstyles.csl+json"),
}


def _first_date(record: CslRecord, variable: str) -> list[int]:
    value = record.get(variable)
    return list(value["date-parts"][0]) if value else []


def _names(record: CslRecord, variable: str) -> list[str]:
    return [name["literal"] for name in record.get(variable, [])]


# RIS ---------------------------------------------------------------------------------------------


def _ris_date(parts: list[int]) -> str:
    """RIS dates are YYYY/MM/DD/ with empty slots for what is not known."""
    padded = [f"{parts[0]:04d}"] + [f"{p:02d}" for p in parts[1:3]]
    return "/".join(padded + [""] * (3 - len(padded))) + "/"


def to_ris(citable: Citable) -> str:
    record = citable.record
    lines: list[tuple[str, str]] = [("TY", RIS_TYPES.get(record["type"], "GEN"))]
    lines += [("AU", name) for name in _names(record, "author")]
    lines += [("A2", name) for name in _names(record, "interviewer")]
    lines.append(("TI", record["title"]))
    issued = _first_date(record, "issued")
    if issued:
        lines += [("PY", f"{issued[0]:04d}"), ("DA", _ris_date(issued))]
    for tag, variable in (
        ("T2", "collection-title"),
        ("T3", "archive_collection"),
        ("T2", "container-title"),
        ("DB", "archive"),
        ("AN", "archive_location"),
        ("LA", "language"),
        ("AB", "abstract"),
        ("UR", "URL"),
    ):
        if record.get(variable):
            lines.append((tag, _one_line(str(record[variable]))))
    if record.get("issued", {}).get("circa"):
        lines.append(("N1", "circa"))
    lines.append(("Y2", _ris_date(_first_date(record, "accessed"))))
    lines.append(("ER", ""))
    return "".join(f"{tag}  - {value}".rstrip() + "\r\n" for tag, value in lines)


def _one_line(text: str) -> str:
    return " ".join(text.split())


# BibTeX ------------------------------------------------------------------------------------------

_BIBTEX_SPECIAL = re.compile(r"[\\{}%&#_$~^]")
_BIBTEX_ESCAPES = {"\\": r"\textbackslash{}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}


def _bibtex_value(text: str) -> str:
    """Braced, with LaTeX's special characters escaped; a stray brace would end the field."""
    escaped = _BIBTEX_SPECIAL.sub(lambda m: _BIBTEX_ESCAPES.get(m[0], "\\" + m[0]), text)
    return "{" + _one_line(escaped) + "}"


def _bibtex_key(citable: Citable) -> str:
    return re.sub(r"[^\w.:\-]", "_", citable.key)


def _bibtex_fields(record: CslRecord) -> list[tuple[str, str]]:
    # Names are braced whole so that BibTeX never splits 林志远 into given and family parts.
    fields: list[tuple[str, str]] = []
    authors = _names(record, "author")
    if authors:
        fields.append(("author", "{" + " and ".join("{" + a + "}" for a in authors) + "}"))
    fields.append(("title", record["title"]))
    issued = _first_date(record, "issued")
    if issued:
        fields.append(("year", f"{issued[0]:04d}"))
        fields.append(("date", "-".join(f"{p:02d}" for p in issued)))
    for name, variable in (
        ("howpublished", "collection-title"),
        ("organization", "archive"),
        ("number", "archive_location"),
        ("language", "language"),
        ("abstract", "abstract"),
    ):
        if record.get(variable):
            fields.append((name, str(record[variable])))
    interviewers = _names(record, "interviewer")
    if interviewers:
        fields.append(("note", "Interviewer: " + "; ".join(interviewers)))
    return fields


def to_bibtex(citable: Citable) -> str:
    record = citable.record
    entry_type = BIBTEX_TYPES.get(record["type"], "misc")
    body = [
        f"  {name} = {value if name == 'author' else _bibtex_value(value)}"
        for name, value in _bibtex_fields(record)
    ]
    # The URL is verbatim in biblatex and the url package; escaping it would change it.
    body.append(f"  url = {{{record['URL']}}}")
    body.append(
        "  urldate = {" + "-".join(f"{p:02d}" for p in _first_date(record, "accessed")) + "}"
    )
    return f"@{entry_type}{{{_bibtex_key(citable)},\n" + ",\n".join(body) + "\n}\n"


# CSL-JSON ----------------------------------------------------------------------------------------


def to_csl_json(citable: Citable) -> str:
    # A list, as CSL-JSON files are: reference managers import a file of one or many records.
    payload: list[dict[str, Any]] = [citable.record]
    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"


WRITERS = {"ris": to_ris, "bib": to_bibtex, "json": to_csl_json}
