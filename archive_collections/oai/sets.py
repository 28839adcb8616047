"""Set specs: the three ways a harvester can slice the archive.

    fonds                     every item, grouped by fonds
    fonds:<fonds identifier>  the items of one fonds (whatever series they sit in)
    scientist                 every item linked to a scientist
    scientist:<identifier>    the items of one scientist: linked to them, or in their fonds
    type                      every item, grouped by type
    type:<item type code>     the items of one type (letter, photograph, …)

This module imports no models: the models package computes each record's specs with it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

KINDS = ("fonds", "scientist", "type")
# The characters OAI-PMH allows in one part of a setSpec (the XSD's setSpecType pattern).
_ALLOWED = re.compile(r"[A-Za-z0-9\-_.!*'()]")
SPEC_PATTERN = re.compile(r"[A-Za-z0-9\-_.!~*'()]+(:[A-Za-z0-9\-_.!~*'()]+)*")


def encode_part(value: str) -> str:
    """A catalogue identifier as one setSpec part. Anything the protocol does not allow
    (and `~` itself, which is the escape) becomes ~XX per UTF-8 byte, so the mapping is
    reversible and 档号 with slashes or Chinese stay harvestable."""
    out = []
    for char in value:
        if _ALLOWED.fullmatch(char):
            out.append(char)
        else:
            out.extend(f"~{byte:02X}" for byte in char.encode("utf-8"))
    return "".join(out)


def spec(kind: str, value: str) -> str:
    return f"{kind}:{encode_part(value)}"


def specs_for(fonds: str, scientists: Iterable[str], item_type: str) -> list[str]:
    """The leaf sets one item belongs to, in a stable order."""
    people = sorted({spec("scientist", identifier) for identifier in scientists})
    return [spec("fonds", fonds), *people, spec("type", item_type)]


def stored(specs: Iterable[str]) -> str:
    """Specs as stored on a record: space-separated with a space at each end, so that one
    set (and its descendants) is found with a plain substring test."""
    return " " + " ".join(specs) + " "


def is_valid(set_spec: str) -> bool:
    return SPEC_PATTERN.fullmatch(set_spec) is not None
