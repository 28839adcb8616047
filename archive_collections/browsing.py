"""What the public archive pages share: counts by item type, a series's ancestors, an item
looked up by its 档号, and the answer to a record the visitor may not see.

Kept apart from the views so that the oral-history pages and the template tags use them without
importing the archive's view module.
"""

from __future__ import annotations

from django.db.models import Count
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from .access import RESEARCHERS, AccessPolicy
from .access_requests import restricted_context
from .models import Item, ItemType, Series


def counts_by_type(items) -> list[dict]:
    rows = dict(items.order_by().values_list("item_type").annotate(n=Count("pk")))
    return [
        {"code": code, "label": label, "count": rows[code]}
        for code, label in ItemType.choices
        if rows.get(code)
    ]


def item_or_404(identifier: str) -> Item:
    """The item with this 档号, with what its pages show of its series and fonds; access is the
    caller's to check."""
    item = (
        Item.objects.select_related("series__fonds__scientist")
        .filter(identifier=identifier)
        .first()
    )
    if item is None:
        raise Http404(_("No record with this identifier."))
    return item


def series_ancestors(series: Series) -> list[Series]:
    """Enclosing series, outermost first, read from one query of the fonds's series."""
    # Keyed by the optional parent id, so that the outermost series's None finds nothing.
    family: dict[int | None, Series] = {
        s.pk: s
        for s in Series.objects.filter(fonds_id=series.fonds_id).only(
            "pk", "identifier", "title", "parent_id"
        )
    }
    chain: list[Series] = []
    current, seen = family.get(series.parent_id), {series.pk}
    while current is not None and current.pk not in seen:
        seen.add(current.pk)
        chain.append(current)
        current = family.get(current.parent_id)
    return chain[::-1]


def refuse_hidden(request, item: Item, policy: AccessPolicy):
    """A record the visitor may not see. Only a non-embargoed researchers-level record admits
    that it exists (so researchers know to log in); everything else is indistinguishable from
    an unknown identifier. Neither response carries any of the record's metadata; the 403 offers
    to sign in, to register as a researcher or to request access (access_requests.py)."""
    if item.access_level == RESEARCHERS and not policy.is_embargoed(item):
        context = restricted_context(request, item)
        return render(request, "collections/item_restricted.html", context, status=403)
    raise Http404(_("No record with this identifier."))
