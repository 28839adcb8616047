"""List filters for the archive listings (django-filter FilterSets, rendered by Wagtail)."""

from datetime import date

import django_filters
from django.db.models import Max, Min, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.widgets import BooleanRadioSelect

from archive_collections.models import (
    AccessLevel,
    Discipline,
    Fonds,
    Item,
    ItemType,
    Scientist,
    Series,
)
from archive_collections.models.choices import LANGUAGE_CHOICES


def decade_choices():
    """Only decades that occur in the catalogue, so the filter never offers an empty result.

    Built on every listing request: the first and last dates in one aggregate, then one
    EXISTS per decade between them, which stops at its first row. (Reading every item's year
    cost 0.27 s a request at 20,000 items.)"""
    dated = Item.objects.order_by().filter(date_start__isnull=False)
    bounds = dated.aggregate(first=Min("date_start"), last=Max("date_start"))
    if bounds["first"] is None:
        return []
    first, last = (bounds["first"].year // 10) * 10, (bounds["last"].year // 10) * 10
    decades = [
        decade
        for decade in range(first, last + 10, 10)
        if decade in (first, last)
        or dated.filter(
            date_start__gte=date(decade, 1, 1), date_start__lt=date(decade + 10, 1, 1)
        ).exists()
    ]
    return [(str(d), _("%(decade)ss") % {"decade": d}) for d in decades]


def filter_decade(queryset, name, value):
    decade = int(value)
    return queryset.filter(
        date_start__gte=date(decade, 1, 1), date_start__lt=date(decade + 10, 1, 1)
    )


def filter_embargoed(queryset, name, value):
    if value is None:
        return queryset
    under_embargo = Q(embargo_until__gt=timezone.localdate())
    return queryset.filter(under_embargo) if value else queryset.exclude(under_embargo)


class SeriesChoiceField(django_filters.fields.ModelChoiceField):
    """Series are labelled with their fonds so curators can tell same-titled series apart."""

    def label_from_instance(self, obj):
        return f"{obj.fonds.identifier} / {obj.identifier} {obj.title}"


class SeriesChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = SeriesChoiceField


class ItemFilterSet(WagtailFilterSet):
    item_type = django_filters.ChoiceFilter(label=_("type"), choices=ItemType.choices)
    fonds = django_filters.ModelChoiceFilter(
        label=_("fonds"), field_name="series__fonds", queryset=Fonds.objects.all()
    )
    series = SeriesChoiceFilter(label=_("series"), queryset=Series.objects.select_related("fonds"))
    access_level = django_filters.ChoiceFilter(label=_("access"), choices=AccessLevel.choices)
    embargoed = django_filters.BooleanFilter(
        label=_("under embargo"), method=filter_embargoed, widget=BooleanRadioSelect
    )
    decade = django_filters.ChoiceFilter(
        label=_("decade"), choices=decade_choices, method=filter_decade
    )
    language = django_filters.ChoiceFilter(label=_("language"), choices=LANGUAGE_CHOICES)

    class Meta:
        model = Item
        fields = ["item_type", "fonds", "series", "access_level", "embargoed", "decade", "language"]


class ScientistFilterSet(WagtailFilterSet):
    disciplines = django_filters.ModelChoiceFilter(
        label=_("discipline"), queryset=Discipline.objects.all()
    )

    class Meta:
        model = Scientist
        fields = ["disciplines"]


class SeriesFilterSet(WagtailFilterSet):
    fonds = django_filters.ModelChoiceFilter(label=_("fonds"), queryset=Fonds.objects.all())
    level = django_filters.ChoiceFilter(
        label=_("level of description"), choices=Series._meta.get_field("level").choices
    )

    class Meta:
        model = Series
        fields = ["fonds", "level"]


class FondsFilterSet(WagtailFilterSet):
    scientist = django_filters.ModelChoiceFilter(
        label=_("scientist"), queryset=Scientist.objects.all()
    )

    class Meta:
        model = Fonds
        fields = ["scientist"]
