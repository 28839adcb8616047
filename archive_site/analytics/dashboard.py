"""The numbers of the impact dashboard and the quarterly report, read from the daily tables.

One `Report` per period (and optionally one exhibition): totals, a series per day, and the top
lists. With an exhibition chosen, page views are those of the exhibition and its chapters, and
record and file views those of the records its pages embed (Wagtail's reference index); searches,
referrers and devices stay site-wide, as a search or a referrer belongs to no exhibition.

Records the user may not see in the admin (staff-only or embargoed, for a curator without staff
rights) are listed without their title, as the admin's other reports do.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.models import Page, ReferenceIndex

from archive_collections.access import AccessPolicy
from archive_collections.models import Fonds, Interview, Item, Scientist
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
    return Filters(start=start, end=end, period=period, exhibition=exhibition)


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
    in_period = Q(day__gte=filters.start, day__lte=filters.end)
    scope = _exhibition_scope(filters.exhibition) if filters.exhibition else None
    views = Views(filters, scope)
    by_kind = dict(views.per_day.values_list("kind").annotate(n=Sum("views")).order_by())
    searches = DailySearch.objects.filter(in_period).aggregate(
        n=Sum("searches"), zero=Sum("zero_results")
    )
    report.totals = {
        "page_views": by_kind.get(Kind.PAGE, 0),
        "record_views": sum(by_kind.get(k, 0) for k in READ_KINDS if k != Kind.PAGE),
        "file_views": by_kind.get(Kind.FILE_VIEW, 0),
        "downloads": by_kind.get(Kind.DOWNLOAD, 0),
        "searches": searches["n"] or 0,
        "zero_results": searches["zero"] or 0,
        "visitors": _visitors(filters),
    }
    report.series = _series(filters, views)
    policy = AccessPolicy.for_user(user)
    report.top = {
        "exhibitions": _top_pages(views, ExhibitionPage),
        "chapters": _top_pages(views, ChapterPage),
        "scientists": _top_records(views, Kind.SCIENTIST, policy),
        "items": _top_records(views, Kind.ITEM, policy),
        "downloads": _top_files(views, policy),
        "searches": _top_searches(in_period, zero=False),
        "zero": _top_searches(in_period, zero=True),
        "referrers": [
            Row(domain, n)
            for domain, n in DailyReferrer.objects.filter(in_period)
            .values_list("domain")
            .annotate(n=Sum("views"))
            .order_by("-n", "domain")[:TOP]
        ],
        "devices": [
            Row(str(Device(device).label), n)
            for device, n in DailyDevice.objects.filter(in_period)
            .values_list("device")
            .annotate(n=Sum("views"))
            .order_by("-n")
        ],
    }
    return report


class Views:
    """Where a period's views are read. Without an exhibition: totals per day and kind from
    `DailyTotal`; per object, whole months inside the period from `MonthlyView` and the days
    around them from `DailyView`. With one: `DailyView` of its pages and records only."""

    def __init__(self, filters: Filters, scope: Q | None) -> None:
        in_period = Q(day__gte=filters.start, day__lte=filters.end)
        self.scope = scope
        if scope is not None:
            self.per_day: Any = DailyView.objects.filter(in_period).filter(scope)
            self.months: list[datetime.date] = []
            self.edges: list[Any] = [self.per_day]
            return
        self.per_day = DailyTotal.objects.filter(in_period)
        self.months = _whole_months(filters.start, filters.end)
        if not self.months:
            self.edges = [DailyView.objects.filter(in_period)]
            return
        # The whole months are consecutive: the days before the first and after the last, each
        # one range on the (kind, day) index.
        after = _month_end(self.months[-1]) + datetime.timedelta(days=1)
        self.edges = [
            DailyView.objects.filter(day__gte=filters.start, day__lt=self.months[0]),
            DailyView.objects.filter(day__gte=after, day__lte=filters.end),
        ]

    def top(self, kind: Kind, ids: Any = None, limit: int = TOP) -> list[tuple[int, int]]:
        parts = [edge.filter(kind=kind) for edge in self.edges]
        if self.months:
            parts.append(MonthlyView.objects.filter(kind=kind, month__in=self.months))
        summed: dict[int, int] = {}
        for rows in parts:
            if ids is not None:
                rows = rows.filter(object_id__in=ids)
            for key, n in rows.values_list("object_id").annotate(n=Sum("views")).order_by():
                summed[key] = summed.get(key, 0) + n
        return sorted(summed.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]


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


def _series(filters: Filters, views: Views) -> dict[str, list[int]]:
    groups: dict[str, list[Kind]] = {
        "pages": [Kind.PAGE],
        "records": [k for k in READ_KINDS if k != Kind.PAGE],
        "downloads": [Kind.DOWNLOAD],
    }
    per_day: dict[tuple[str, datetime.date], int] = {}
    rows = views.per_day.values_list("day", "kind").annotate(n=Sum("views")).order_by()
    for day, kind, n in rows:
        for name, kinds in groups.items():
            if kind in kinds:
                per_day[(name, day)] = per_day.get((name, day), 0) + n
    searches = dict(
        DailySearch.objects.filter(day__gte=filters.start, day__lte=filters.end)
        .values_list("day")
        .annotate(n=Sum("searches"))
        .order_by()
    )
    series = {name: [per_day.get((name, d), 0) for d in filters.days] for name in groups}
    series["searches"] = [searches.get(d, 0) for d in filters.days]
    return series


def _visitors(filters: Filters) -> int:
    """Closed days from their counts; days still open (today, or days no flush has closed
    yet) from the hashes in the buffer."""
    in_period = Q(day__gte=filters.start, day__lte=filters.end)
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


def _top_pages(views: Views, page_type: type[Page]) -> list[Row]:
    top = views.top(Kind.PAGE, ids=page_type.objects.values("pk"))
    titles = dict(Page.objects.filter(pk__in=[pk for pk, _ in top]).values_list("pk", "title"))
    return [Row(titles.get(pk, _("Deleted page")), n) for pk, n in top]


def _top_records(views: Views, kind: Kind, policy: AccessPolicy) -> list[Row]:
    top = views.top(kind)
    keys = [pk for pk, _ in top]
    if kind == Kind.ITEM:
        names = {
            i.pk: f"{i.identifier} {i.title}"
            for i in Item.objects.filter(pk__in=keys).filter(policy.item_q())
        }
    else:
        names = {r.pk: str(r) for r in RECORD_MODELS[kind].objects.filter(pk__in=keys)}
    return [Row(names.get(pk, _("Restricted or deleted record")), n) for pk, n in top]


def _top_files(views: Views, policy: AccessPolicy) -> list[Row]:
    top = views.top(Kind.DOWNLOAD)
    files = ItemFile.objects.filter(pk__in=[pk for pk, _ in top]).filter(policy.item_q("item__"))
    names = {
        f.pk: f"{f.item.identifier} {f.original_filename}" for f in files.select_related("item")
    }
    return [Row(names.get(pk, _("Restricted or deleted file")), n) for pk, n in top]


def _top_searches(in_period: Q, *, zero: bool) -> list[Row]:
    rows = DailySearch.objects.filter(in_period).values_list("query")
    if zero:
        rows = rows.filter(zero_results__gt=0)
        ordered = rows.annotate(n=Sum("zero_results"), m=Sum("searches")).order_by("-n", "query")
    else:
        ordered = rows.annotate(n=Sum("searches"), m=Sum("zero_results")).order_by("-n", "query")
    return [Row(query, n, m) for query, n, m in ordered[: TOP * 2]]


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
