"""ListSets: each family's top set, then one set per fonds, scientist or item type."""

from __future__ import annotations

from django.utils.translation import gettext as _

from archive_collections.models import Fonds, ItemType, Scientist

from .sets import spec


def all_sets(kinds: tuple[str, ...]) -> list[tuple[str, str]]:
    """(setSpec, setName) pairs for the families turned on, parents before their children."""
    found: list[tuple[str, str]] = []
    if "fonds" in kinds:
        found.append(("fonds", _("Fonds")))
        for identifier, title in Fonds.objects.order_by("identifier").values_list(
            "identifier", "title"
        ):
            found.append((spec("fonds", identifier), title))
    if "scientist" in kinds:
        found.append(("scientist", _("Scientists")))
        people = Scientist.objects.order_by("identifier").values_list(
            "identifier", "name", "name_pinyin"
        )
        for identifier, name, pinyin in people:
            found.append((spec("scientist", identifier), f"{name} ({pinyin})" if pinyin else name))
    if "type" in kinds:
        found.append(("type", _("Item types")))
        for code, label in ItemType.choices:
            found.append((spec("type", code), str(label)))
    return found
