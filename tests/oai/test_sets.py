"""Set specs stay valid for any catalogue identifier and can be read back."""

from __future__ import annotations

from urllib.parse import unquote

from archive_collections.oai.sets import is_valid, spec, specs_for


def decode(part: str) -> str:
    return unquote(part.replace("~", "%"))


def test_identifiers_outside_the_protocols_alphabet_are_escaped_reversibly():
    for identifier in ("DA-QXS", "全宗/1", "a b", "x~y", "F:1"):
        encoded = spec("fonds", identifier)
        assert is_valid(encoded)
        assert encoded.count(":") == 1
        assert decode(encoded.split(":", 1)[1]) == identifier


def test_an_item_is_in_its_fonds_each_scientist_once_and_its_type():
    assert specs_for("DA-1", ["b", "a", "a"], "letter") == [
        "fonds:DA-1",
        "scientist:a",
        "scientist:b",
        "type:letter",
    ]
