"""The library's filters and facets: what a query string asks for, checked, and the counts per
value under the other filters (so a visitor sees what choosing another value would give)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from archive_collections.bilingual import english_active
from archive_collections.models import Scientist

from .. import regions
from ..licences import Licence
from ..models import Contribution, ContributionKind, Organisation, ProductKind, Theme
from .resources import organisation_name

MAX_TEXT = 200


@dataclass(frozen=True)
class Facet:
    param: str  # the query-string name
    title: object  # lazy heading
    lookup: str  # the Contribution field counted and filtered on
    choices: dict[str, object] | None = None  # fixed values and labels; None: keys (pks)


FACETS = (
    Facet(
        "kind",
        gettext_lazy("Kind"),
        "kind",
        {
            ContributionKind.CASE.value: ContributionKind.CASE.label,
            ContributionKind.PRODUCT.value: ContributionKind.PRODUCT.label,
        },
    ),
    Facet("product", gettext_lazy("Product kind"), "product_kind", dict(ProductKind.choices)),
    Facet("organisation", gettext_lazy("Organisation"), "organisation_id"),
    Facet("region", gettext_lazy("Region"), "organisation__region", dict(regions.CHOICES)),
    Facet("scientist", gettext_lazy("Scientist"), "scientists"),
    Facet("theme", gettext_lazy("Theme"), "theme", dict(Theme.choices)),
    Facet("licence", gettext_lazy("Licence"), "licence", dict(Licence.choices)),
)
BY_PARAM = {facet.param: facet for facet in FACETS}


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool
    url: str


@dataclass
class FacetView:
    param: str
    title: str
    values: list[FacetValue] = field(default_factory=list)


@dataclass
class Browse:
    """What the query string asked for, once checked."""

    text: str = ""
    filters: dict[str, str] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


def read(params: QueryDict) -> Browse:
    """The filters of a query string; a value no facet has is named in `errors` and ignored."""
    browse = Browse(text=" ".join(params.get("q", "").split())[:MAX_TEXT])
    for facet in FACETS:
        value = params.get(facet.param, "").strip()
        if not value:
            continue
        known = (value in facet.choices if facet.choices is not None else value.isdigit()) and len(
            value
        ) <= 18
        if known:
            browse.filters[facet.param] = value
        else:
            browse.errors.append(
                _("The filter “%(filter)s” has no value “%(value)s”; it was left out.")
                % {"filter": facet.title, "value": value[:40]}
            )
    return browse


def _text_q(text: str) -> Q:
    q = Q()
    for word in text.split():
        q &= (
            Q(title__icontains=word)
            | Q(summary__icontains=word)
            | Q(body__icontains=word)
            | Q(organisation__name__icontains=word)
            | Q(organisation__name_en__icontains=word)
            | Q(scientists__name__icontains=word)
        )
    return q


def filtered(base: QuerySet[Contribution], browse: Browse, leave_out: str = "") -> QuerySet:
    """`base` narrowed by the text and every filter but `leave_out`."""
    queryset = base
    if browse.text:
        # A word may match through several scientists: the pks, so no row comes twice.
        queryset = queryset.filter(pk__in=base.filter(_text_q(browse.text)).values("pk"))
    for param, value in browse.filters.items():
        if param != leave_out:
            queryset = queryset.filter(**{BY_PARAM[param].lookup: value})
    return queryset


def results(base: QuerySet[Contribution], browse: Browse) -> QuerySet[Contribution]:
    """The resources shown, newest approval first."""
    return filtered(base, browse).order_by("-decided_at", "-pk")


def _labels(facet: Facet, keys: list[str]) -> dict[str, str]:
    if facet.param == "region":
        return {key: regions.region_name(key) for key in keys}
    if facet.choices is not None:
        return {key: str(facet.choices.get(key, key)) for key in keys}
    pks = [int(key) for key in keys]
    if facet.param == "organisation":
        return {
            str(o.pk): organisation_name(o)
            for o in Organisation.objects.filter(pk__in=pks).only("pk", "name", "name_en")
        }
    scientists = Scientist.objects.filter(pk__in=pks)
    if english_active():
        scientists = scientists.prefetch_related("names")
        return {str(s.pk): s.english_name or s.name for s in scientists}
    return {str(s.pk): s.name for s in scientists}


def facets(
    base: QuerySet[Contribution], browse: Browse, link: Callable[..., str]
) -> list[FacetView]:
    """Each facet's values with their counts under the other filters (one query a facet, one
    more for the organisations' or scientists' names). `link(**changes)` builds a URL."""
    views = []
    for facet in FACETS:
        rows = (
            filtered(base, browse, leave_out=facet.param)
            .exclude(**{f"{facet.lookup}__isnull": True})
            .exclude(**{facet.lookup: ""} if facet.choices is not None else {})
            .values(facet.lookup)
            .annotate(n=Count("pk", distinct=True))
            .order_by()
        )
        counts = {str(row[facet.lookup]): row["n"] for row in rows}
        if not counts:
            continue
        labels = _labels(facet, list(counts))
        selected = browse.filters.get(facet.param)
        values = [
            FacetValue(
                key,
                labels.get(key, key),
                n,
                key == selected,
                link(**{facet.param: None if key == selected else key, "page": None}),
            )
            for key, n in counts.items()
        ]
        values.sort(key=lambda v: (-v.count, v.label))
        views.append(FacetView(facet.param, str(facet.title), values))
    return views
