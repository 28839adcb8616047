"""The numbers of the impact dashboard and the quarterly report, read from the daily tables.

One `Report` per period (and optionally one exhibition): totals, a series per day, and the top
lists. With an exhibition chosen, page views are those of the exhibition and its chapters, and
record and file views those of the records its pages embed (Wagtail's reference index); searches,
referrers and devices stay site-wide, as a search or a referrer belongs to no exhibition.
With a partner organisation chosen, record and file views are those of its contributions' records
and their files (`partners/reach.py`), alone or within the chosen exhibition's.

Records the user may not see in the admin (staff-only or embargoed, for a curator without staff
rights) are listed without their title, as the admin's other reports do.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.models import Page, ReferenceIndex

from archive_collections.access import AccessPolicy
from archive_collections.models import Fonds, Interview, Item, Scientist
from archive_site.partners.models import Organisation
from archive_site.partners.reach import organisation_scope
from exhibits.models import ChapterPage, ExhibitionPage
from media_pipeline.models import ItemFile

from .models import (
    READ_KINDS,
    DailyDevice,
    DailyReferrer,
    DailySearch,
    DailyTotal,
    DailyView,
    DailyVisitors,
    DaySalt,
    Device,
    FlushMark,
    Hit,
    Kind,
    MonthlyView,
)

TOP = 10
RECORD_MODELS: dict[Kind, Any] = {Kind.ITEM: Item, Kind.SCIENTIST: Scientist, Kind.FONDS: Fonds}
PERIODS = {
    "7d": gettext_lazy("Last 7 days"),
    "30d": gettext_lazy("Last 30 days"),
    "quarter": gettext_lazy("This quarter"),
    "last-quarter": gettext_lazy("Last quarter"),
    "year": gettext_lazy("Last 12 months"),
}


class FilterError(ValueError):
    pass


@dataclass
class Filters:
    start: datetime.date
    end: datetime.date
    period: str = "30d"
    exhibition: ExhibitionPage | None = None
    organisation: Organisation | None = None

    @property
    def days(self) -> list[datetime.date]:
        return [
            self.start + datetime.timedelta(days=n) for n in range((self.end - self.start).days + 1)
        ]


def quarter_of(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    first_month = 3 * ((day.month - 1) // 3) + 1
    start = datetime.date(day.year, first_month, 1)
    following = datetime.date(day.year + (first_month + 3 > 12), (first_month + 2) % 12 + 1, 1)
    return start, following - datetime.timedelta(days=1)


def filters_from(params: Any, today: datetime.date | None = None) -> Filters:
    """Filters from the dashboard's query string; FilterError names the field and why."""
    today = today or timezone.localdate()
    period = params.get("period") or "30d"
    if period == "custom":
        start, end = _date(params, "start"), _date(params, "end")
        if start > end:
            raise FilterError(_("The start date is after the end date."))
        if (end - start).days > 731:
            raise FilterError(_("A period may be two years at most."))
    elif period == "7d":
        start, end = today - datetime.timedelta(days=6), today
    elif period == "30d":
        start, end = today - datetime.timedelta(days=29), today
    elif period == "year":
        start, end = today - datetime.timedelta(days=364), today
    elif period == "quarter":
        start, end = quarter_of(today)
    elif period == "last-quarter":
        start, end = quarter_of(quarter_of(today)[0] - datetime.timedelta(days=1))
    else:
        raise FilterError(_("Unknown period “%(period)s”.") % {"period": period[:40]})
    exhibition = None
    if params.get("exhibition"):
        key = params.get("exhibition")
        exhibition = ExhibitionPage.objects.filter(pk=int(key) if key.isdigit() else -1).first()
        if exhibition is None:
            raise FilterError(_("No exhibition with key “%(key)s”.") % {"key": key[:40]})
    organisation = None
    if params.get("organisation"):
        key = params.get("organisation")
        organisation = Organisation.objects.filter(pk=int(key) if key.isdigit() else -1).first()
        if organisation is None:
            raise FilterError(_("No partner organisation with key “%(key)s”.") % {"key": key[:40]})
    return Filters(
        start=start, end=end, period=period, exhibition=exhibition, organisation=organisation
    )


def _date(params: Any, name: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(params.get(name) or "")
    except ValueError:
        raise FilterError(
            _("%(field)s: “%(value)s” is not a date (YYYY-MM-DD).")
            % {"field": name, "value": (params.get(name) or "")[:40]}
        ) from None


@dataclass
class Row:
    label: str
    value: int
    extra: int = 0


@dataclass
class Report:
    filters: Filters
    totals: dict[str, int] = field(default_factory=dict)
    days: list[str] = field(default_factory=list)
    series: dict[str, list[int]] = field(default_factory=dict)
    top: dict[str, list[Row]] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "days": self.days,
            "series": self.series,
            "top": {k: [[r.label, r.value, r.extra] for r in v] for k, v in self.top.items()},
            "labels": {k: str(v) for k, v in SECTION_LABELS.items()},
            "seriesLabels": {k: str(v) for k, v in SERIES_LABELS.items()},
        }


TOTAL_LABELS = {
    "page_views": gettext_lazy("Page views"),
    "record_views": gettext_lazy("Record views"),
    "file_views": gettext_lazy("File views"),
    "downloads": gettext_lazy("Downloads"),
    "searches": gettext_lazy("Searches"),
    "zero_results": gettext_lazy("Searches with no results"),
    "visitors": gettext_lazy("Visitors (sum of daily unique visitors)"),
}
SERIES_LABELS = {
    "pages": gettext_lazy("Page views"),
    "records": gettext_lazy("Record views"),
    "downloads": gettext_lazy("Downloads"),
    "searches": gettext_lazy("Searches"),
}
SECTION_LABELS = {
    "exhibitions": gettext_lazy("Top exhibitions"),
    "chapters": gettext_lazy("Top chapters"),
    "scientists": gettext_lazy("Top scientists"),
    "items": gettext_lazy("Top items"),
    "downloads": gettext_lazy("Top downloads"),
    "searches": gettext_lazy("Search terms"),
    "zero": gettext_lazy("Search terms with no results"),
    "referrers": gettext_lazy("Referring sites"),
    "devices": gettext_lazy("Device classes"),
}


def build(filters: Filters, user: Any) -> Report:
    report = Report(filters=filters, days=[d.isoformat() for d in filters.days])
    numbers = period_numbers(filters)
    by_kind = numbers.by_kind()
    report.totals = {
        "page_views": by_kind.get(Kind.PAGE, 0),
        "record_views": sum(by_kind.get(k, 0) for k in READ_KINDS if k != Kind.PAGE),
        "file_views": by_kind.get(Kind.FILE_VIEW, 0),
        "downloads": by_kind.get(Kind.DOWNLOAD, 0),
        "searches": sum(n for n, _zero in numbers.searches_per_day.values()),
        "zero_results": sum(zero for _n, zero in numbers.searches_per_day.values()),
        "visitors": numbers.visitors,
    }
    report.series = _series(filters, numbers)
    policy = AccessPolicy.for_user(user)
    queries = numbers.queries.items()
    report.top = {
        "exhibitions": _top_pages(numbers, ExhibitionPage),
        "chapters": _top_pages(numbers, ChapterPage),
        "scientists": _top_records(numbers, Kind.SCIENTIST, policy),
        "items": _top_records(numbers, Kind.ITEM, policy),
        "downloads": _top_files(numbers, policy),
        "searches": [
            Row(query, n, zero)
            for query, (n, zero) in sorted(queries, key=lambda kv: (-kv[1][0], kv[0]))[: TOP * 2]
        ],
        "zero": [
            Row(query, zero, n)
            for query, (n, zero) in sorted(
                ((q, v) for q, v in queries if v[1] > 0), key=lambda kv: (-kv[1][1], kv[0])
            )[: TOP * 2]
        ],
        "referrers": [Row(domain, n) for domain, n in _ranked(numbers.referrers)[:TOP]],
        "devices": [Row(str(Device(device).label), n) for device, n in _ranked(numbers.devices)],
    }
    return report


def _ranked(counts: dict[Any, int]) -> list[tuple[Any, int]]:
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


#: The kinds whose views the top lists rank per object.
TOP_KINDS = (Kind.PAGE, Kind.SCIENTIST, Kind.ITEM, Kind.DOWNLOAD)


@dataclass
class Numbers:
    """What the daily tables hold for some days (and one exhibition's scope, if chosen), before
    any name is looked up: the same for every user, so it can be kept and added up."""

    per_day: dict[tuple[datetime.date, int], int] = field(default_factory=dict)
    searches_per_day: dict[datetime.date, tuple[int, int]] = field(default_factory=dict)
    objects: dict[int, dict[int, int]] = field(default_factory=dict)
    queries: dict[str, tuple[int, int]] = field(default_factory=dict)
    referrers: dict[str, int] = field(default_factory=dict)
    devices: dict[int, int] = field(default_factory=dict)
    visitors: int = 0

    def by_kind(self) -> dict[int, int]:
        totals: dict[int, int] = {}
        for (_day, kind), n in self.per_day.items():
            totals[kind] = totals.get(kind, 0) + n
        return totals

    def __add__(self, other: Numbers) -> Numbers:
        """Numbers of disjoint days added (a day appears in one side only)."""
        objects = {k: dict(v) for k, v in self.objects.items()}
        for kind, counts in other.objects.items():
            mine = objects.setdefault(kind, {})
            for key, n in counts.items():
                mine[key] = mine.get(key, 0) + n
        queries = dict(self.queries)
        for query, (n, zero) in other.queries.items():
            before = queries.get(query, (0, 0))
            queries[query] = (before[0] + n, before[1] + zero)
        return Numbers(
            per_day={**self.per_day, **other.per_day},
            searches_per_day={**self.searches_per_day, **other.searches_per_day},
            objects=objects,
            queries=queries,
            referrers=_added(self.referrers, other.referrers),
            devices=_added(self.devices, other.devices),
            visitors=self.visitors + other.visitors,
        )


def _added(a: dict[Any, int], b: dict[Any, int]) -> dict[Any, int]:
    total = dict(a)
    for key, n in b.items():
        total[key] = total.get(key, 0) + n
    return total


#: How long a period's numbers of past days are kept (a flush that changes a past day makes
#: them stale sooner: the key holds FlushMark.history).
KEEP_SECONDS = 24 * 3600


def period_numbers(filters: Filters, today: datetime.date | None = None) -> Numbers:
    """The period's numbers: days before today from the cache when a flush has not changed any
    of them since they were kept (a year of daily rows is read once a day, not per request),
    today's read every time."""
    today = today or timezone.localdate()
    scope = _exhibition_scope(filters.exhibition) if filters.exhibition else None
    if filters.organisation is not None:
        own = organisation_scope(filters.organisation)
        scope = own if scope is None else scope & own
    numbers = Numbers()
    past_end = min(filters.end, today - datetime.timedelta(days=1))
    if filters.start <= past_end:
        numbers = _past_numbers(filters, past_end, scope)
    if filters.start <= today <= filters.end:
        numbers = numbers + read_numbers(today, today, scope)
    return numbers


def _past_numbers(filters: Filters, end: datetime.date, scope: Q | None) -> Numbers:
    mark = FlushMark.objects.filter(pk=1).values_list("epoch", "history").first()
    if mark is None:  # nothing flushed in this database yet: nothing worth keeping
        return read_numbers(filters.start, end, scope)
    exhibition = filters.exhibition.pk if filters.exhibition else 0
    organisation = filters.organisation.pk if filters.organisation else 0
    key = f"analytics:numbers:{mark[0]}:{mark[1]}:{filters.start}:{end}:{exhibition}:{organisation}"
    numbers = cache.get(key)
    if numbers is None:
        numbers = read_numbers(filters.start, end, scope)
        cache.set(key, numbers, KEEP_SECONDS)
    return numbers


def read_numbers(start: datetime.date, end: datetime.date, scope: Q | None) -> Numbers:
    """The numbers of the days from `start` to `end`, read from the daily tables."""
    in_period = Q(day__gte=start, day__lte=end)
    views = Views(start, end, scope)
    numbers = Numbers(
        per_day={
            (day, kind): n
            for day, kind, n in views.per_day.values_list("day", "kind")
            .annotate(n=Sum("views"))
            .order_by()
        },
        objects={kind: views.per_object(kind) for kind in TOP_KINDS},
        visitors=_visitors(in_period),
    )
    searches = DailySearch.objects.filter(in_period)
    numbers.searches_per_day = {
        day: (n, zero)
        for day, n, zero in searches.values_list("day")
        .annotate(n=Sum("searches"), zero=Sum("zero_results"))
        .order_by()
    }
    numbers.queries = {
        query: (n, zero)
        for query, n, zero in searches.values_list("query")
        .annotate(n=Sum("searches"), zero=Sum("zero_results"))
        .order_by()
    }
    for model, column, target in (
        (DailyReferrer, "domain", numbers.referrers),
        (DailyDevice, "device", numbers.devices),
    ):
        rows = model.objects.filter(in_period).values_list(column).annotate(n=Sum("views"))
        target.update(rows.order_by())
    return numbers


class Views:
    """Where some days' views are read. Without an exhibition: totals per day and kind from
    `DailyTotal`; per object, whole months inside the days from `MonthlyView` and the days
    around them from `DailyView`. With one: `DailyView` of its pages and records only."""

    def __init__(self, start: datetime.date, end: datetime.date, scope: Q | None) -> None:
        in_period = Q(day__gte=start, day__lte=end)
        self.scope = scope
        if scope is not None:
            self.per_day: Any = DailyView.objects.filter(in_period).filter(scope)
            self.months: list[datetime.date] = []
            self.edges: list[Any] = [self.per_day]
            return
        self.per_day = DailyTotal.objects.filter(in_period)
        self.months = _whole_months(start, end)
        if not self.months:
            self.edges = [DailyView.objects.filter(in_period)]
            return
        # The whole months are consecutive: the days before the first and after the last, each
        # one range on the (kind, day) index.
        after = _month_end(self.months[-1]) + datetime.timedelta(days=1)
        self.edges = [
            DailyView.objects.filter(day__gte=start, day__lt=self.months[0]),
            DailyView.objects.filter(day__gte=after, day__lte=end),
        ]

    def per_object(self, kind: Kind) -> dict[int, int]:
        parts = [edge.filter(kind=kind) for edge in self.edges]
        if self.months:
            parts.append(MonthlyView.objects.filter(kind=kind, month__in=self.months))
        summed: dict[int, int] = {}
        for rows in parts:
            for key, n in rows.values_list("object_id").annotate(n=Sum("views")).order_by():
                summed[key] = summed.get(key, 0) + n
        return summed


def _month_end(month: datetime.date) -> datetime.date:
    following = datetime.date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return following - datetime.timedelta(days=1)


def _whole_months(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    month = start.replace(day=1) if start.day == 1 else _month_end(start) + datetime.timedelta(1)
    months = []
    while _month_end(month) <= end:
        months.append(month)
        month = _month_end(month) + datetime.timedelta(days=1)
    return months


def _series(filters: Filters, numbers: Numbers) -> dict[str, list[int]]:
    groups: dict[str, list[Kind]] = {
        "pages": [Kind.PAGE],
        "records": [k for k in READ_KINDS if k != Kind.PAGE],
        "downloads": [Kind.DOWNLOAD],
    }
    per_day: dict[tuple[str, datetime.date], int] = {}
    for (day, kind), n in numbers.per_day.items():
        for name, kinds in groups.items():
            if kind in kinds:
                per_day[(name, day)] = per_day.get((name, day), 0) + n
    series = {name: [per_day.get((name, d), 0) for d in filters.days] for name in groups}
    searches = numbers.searches_per_day
    series["searches"] = [searches.get(d, (0, 0))[0] for d in filters.days]
    return series


def _visitors(in_period: Q) -> int:
    """Closed days from their counts; days still open (today, or days no flush has closed
    yet) from the hashes in the buffer."""
    closed = DailyVisitors.objects.filter(in_period).aggregate(n=Sum("visitors"))["n"] or 0
    open_days = DaySalt.objects.filter(in_period).values_list("day", flat=True)
    still_open = (
        Hit.objects.filter(day__in=list(open_days))
        .exclude(visitor="")
        .values("day", "visitor")
        .distinct()
        .count()
    )
    return closed + still_open


def _top_pages(numbers: Numbers, page_type: type[Page]) -> list[Row]:
    """The most viewed pages of one type: the ranking walked in slices until TOP are found."""
    ranked = _ranked(numbers.objects.get(Kind.PAGE, {}))
    top: list[tuple[int, int]] = []
    titles: dict[int, str] = {}
    for offset in range(0, len(ranked), 200):
        chunk = ranked[offset : offset + 200]
        found = dict(
            page_type.objects.filter(pk__in=[pk for pk, _n in chunk]).values_list("pk", "title")
        )
        titles.update(found)
        top += [(pk, n) for pk, n in chunk if pk in found]
        if len(top) >= TOP:
            break
    return [Row(titles[pk], n) for pk, n in top[:TOP]]


def _top_records(numbers: Numbers, kind: Kind, policy: AccessPolicy) -> list[Row]:
    top = _ranked(numbers.objects.get(kind, {}))[:TOP]
    keys = [pk for pk, _ in top]
    if kind == Kind.ITEM:
        names = {
            i.pk: f"{i.identifier} {i.title}"
            for i in Item.objects.filter(pk__in=keys).filter(policy.item_q())
        }
    else:
        names = {r.pk: str(r) for r in RECORD_MODELS[kind].objects.filter(pk__in=keys)}
    return [Row(names.get(pk, _("Restricted or deleted record")), n) for pk, n in top]


def _top_files(numbers: Numbers, policy: AccessPolicy) -> list[Row]:
    top = _ranked(numbers.objects.get(Kind.DOWNLOAD, {}))[:TOP]
    files = ItemFile.objects.filter(pk__in=[pk for pk, _ in top]).filter(policy.item_q("item__"))
    names = {
        f.pk: f"{f.item.identifier} {f.original_filename}" for f in files.select_related("item")
    }
    return [Row(names.get(pk, _("Restricted or deleted file")), n) for pk, n in top]


def _exhibition_scope(exhibition: ExhibitionPage) -> Q:
    pages = list(
        Page.objects.descendant_of(exhibition, inclusive=True).values_list("pk", flat=True)
    )
    references = ReferenceIndex.objects.filter(
        base_content_type=ContentType.objects.get_for_model(Page),
        object_id__in=[str(pk) for pk in pages],
    )
    scope = Q(kind=Kind.PAGE, object_id__in=pages)
    item_ids: list[int] = []
    for kind, model in (
        (Kind.ITEM, Item),
        (Kind.SCIENTIST, Scientist),
        (Kind.INTERVIEW, Interview),
    ):
        keys = [
            int(k)
            for k in references.filter(
                to_content_type=ContentType.objects.get_for_model(model)
            ).values_list("to_object_id", flat=True)
            if k.isdigit()
        ]
        scope |= Q(kind=kind, object_id__in=keys)
        if kind == Kind.ITEM:
            item_ids = keys
    files = list(ItemFile.objects.filter(item_id__in=item_ids).values_list("pk", flat=True))
    return scope | Q(kind__in=[Kind.FILE_VIEW, Kind.DOWNLOAD], object_id__in=files)
