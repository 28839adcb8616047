"""The per-organisation report (#13.6): what each partner organisation contributed in a period,
how its contributions were decided, and how often their records and files were viewed and
downloaded (the site's own counts, `archive_site/analytics`).

The numbers of every organisation come from a fixed handful of grouped queries, whatever the
number of organisations: one over contributions (grouped by organisation and kind), and for the
views one per table part (the period's whole months from `MonthlyView`, the days around them from
`DailyView`) and group of kinds, grouped by record, file or resource and summed per organisation
in Python through one map of contributed records and files. The views of past days are kept in
the cache like the dashboard's (`object_views`).

What the columns mean for a period:
- submitted: contributions first submitted in it (a resubmission after changes is not counted
  again);
- approved, rejected: contributions decided so in it;
- awaiting review, changes requested: contributions submitted up to the period's end that are in
  that state now (the report is a work list as well as a record).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# The dashboard's month arithmetic, so both read a period from the same table parts.
from archive_site.analytics.dashboard import Filters
from archive_site.analytics.dashboard import _month_end as month_end
from archive_site.analytics.dashboard import _whole_months as whole_months
from archive_site.analytics.models import DailyView, FlushMark, Kind, MonthlyView
from media_pipeline.models import ItemFile

from . import regions
from .models import Contribution, ContributionKind, Organisation, OrganisationKind, Status
from .reach import RECORD_KINDS, RESOURCE_KINDS, scopes

KINDS = tuple(ContributionKind.values)
#: The contribution columns, in the table's order.
STATUS_COLUMNS: dict[str, Any] = {
    "submitted": _("Submitted"),
    "approved": _("Approved"),
    "rejected": _("Rejected"),
    "awaiting": _("Awaiting review"),
    "changes": _("Changes requested"),
}
#: The view columns: counted kind(s) of each.
VIEW_COLUMNS: dict[str, tuple[Any, tuple[int, ...]]] = {
    "record_views": (_("Record views"), RECORD_KINDS),
    "file_views": (_("File views"), (Kind.FILE_VIEW,)),
    "downloads": (_("Downloads"), (Kind.DOWNLOAD,)),
    "resource_views": (_("Resource page views"), (Kind.RESOURCE,)),
    "packages": (_("Package downloads"), (Kind.RESOURCE_DOWNLOAD,)),
}
COLUMN_OF = {kind: key for key, (_label, kinds) in VIEW_COLUMNS.items() for kind in kinds}
TOP = 10


@dataclass
class OrganisationRow:
    pk: int
    name: str
    code: str
    kind: str
    region: str
    counts: dict[str, dict[str, int]] = field(default_factory=dict)  # column → kind → n
    views: dict[str, int] = field(default_factory=dict)

    @property
    def kind_label(self) -> str:
        return str(OrganisationKind(self.kind).label) if self.kind else ""

    @property
    def region_name(self) -> str:
        return regions.region_name(self.region)

    def total(self, column: str) -> int:
        return sum(self.counts.get(column, {}).values())

    def cells(self) -> list[tuple[str, int, list[int]]]:
        """(column, total, per kind in KINDS order) for the contribution columns."""
        return [
            (key, self.total(key), [self.counts.get(key, {}).get(kind, 0) for kind in KINDS])
            for key in STATUS_COLUMNS
        ]

    def view_cells(self) -> list[int]:
        return [self.views.get(key, 0) for key in VIEW_COLUMNS]

    def add(self, other: OrganisationRow) -> None:
        for column, kinds in other.counts.items():
            mine = self.counts.setdefault(column, {})
            for kind, n in kinds.items():
                mine[kind] = mine.get(kind, 0) + n
        for key, n in other.views.items():
            self.views[key] = self.views.get(key, 0) + n


@dataclass
class OrganisationReport:
    filters: Filters
    rows: list[OrganisationRow]
    totals: OrganisationRow


def _bounds(filters: Filters) -> tuple[datetime.datetime, datetime.datetime]:
    """The period as aware datetimes: its first moment and the first moment after it."""
    zone = timezone.get_current_timezone()
    start = datetime.datetime.combine(filters.start, datetime.time.min, tzinfo=zone)
    after = datetime.datetime.combine(
        filters.end + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone
    )
    return start, after


def contribution_counts(
    filters: Filters, organisations: QuerySet | None = None
) -> dict[int, dict[str, dict[str, int]]]:
    """organisation pk → column → contribution kind → count, in one grouped query."""
    start, after = _bounds(filters)
    decided = Q(decided_at__gte=start, decided_at__lt=after)
    by_end = Q(created_at__lt=after)
    rows = Contribution.objects.all()
    if organisations is not None:
        rows = rows.filter(organisation__in=organisations)
    grouped = (
        rows.order_by()
        .values("organisation_id", "kind")
        .annotate(
            submitted=Count("pk", filter=Q(created_at__gte=start, created_at__lt=after)),
            approved=Count("pk", filter=decided & Q(status=Status.APPROVED)),
            rejected=Count("pk", filter=decided & Q(status=Status.REJECTED)),
            awaiting=Count("pk", filter=by_end & Q(status=Status.SUBMITTED)),
            changes=Count("pk", filter=by_end & Q(status=Status.CHANGES)),
        )
    )
    counts: dict[int, dict[str, dict[str, int]]] = {}
    for row in grouped:
        values: dict[str, Any] = dict(row)
        mine = counts.setdefault(values["organisation_id"], {})
        for column in STATUS_COLUMNS:
            if values[column]:
                mine.setdefault(column, {})[values["kind"]] = values[column]
    return counts


#: How long the views of a period's past days are kept (a flush that changes a past day makes
#: them stale sooner: the key holds FlushMark.history, as the dashboard's does).
KEEP_SECONDS = 24 * 3600


def object_views(filters: Filters, scope: list[Q], name: str) -> dict[tuple[int, int], int]:
    """(kind, object pk) → views in the period, for the counted rows in `scope` (filters of
    kinds). The days before today are kept in the cache under the flush mark's epoch and history
    and `name` (which scope), as the dashboard keeps its numbers; today's are read every time.
    A contribution made since is not missed: its record and files are new, with no past views."""
    today = timezone.localdate()
    past_end = min(filters.end, today - datetime.timedelta(days=1))
    summed: dict[tuple[int, int], int] = {}
    if filters.start <= past_end:
        summed = dict(_past_views(filters.start, past_end, scope, name))
    if filters.start <= today <= filters.end:
        for key, n in read_views(today, today, scope).items():
            summed[key] = summed.get(key, 0) + n
    return summed


def _past_views(
    start: datetime.date, end: datetime.date, scope: list[Q], name: str
) -> dict[tuple[int, int], int]:
    mark = FlushMark.objects.filter(pk=1).values_list("epoch", "history").first()
    if mark is None:  # nothing flushed in this database yet: nothing worth keeping
        return read_views(start, end, scope)
    key = f"partners:views:{mark[0]}:{mark[1]}:{start}:{end}:{name}"
    views = cache.get(key)
    if views is None:
        views = read_views(start, end, scope)
        cache.set(key, views, KEEP_SECONDS)
    return views


def read_views(
    start: datetime.date, end: datetime.date, scope: list[Q]
) -> dict[tuple[int, int], int]:
    """The views of the days from `start` to `end`: whole months from `MonthlyView`, the days
    around them from `DailyView`, one grouped query per table part and filter, each on the
    tables' kind index."""
    months = whole_months(start, end)
    if months:
        after = month_end(months[-1]) + datetime.timedelta(days=1)
        parts: list[QuerySet] = [
            DailyView.objects.filter(day__gte=start, day__lt=months[0]),
            DailyView.objects.filter(day__gte=after, day__lte=end),
            MonthlyView.objects.filter(month__in=months),
        ]
    else:
        parts = [DailyView.objects.filter(day__gte=start, day__lte=end)]
    summed: dict[tuple[int, int], int] = {}
    for rows in parts:
        for part in scope:
            grouped = rows.filter(part).values_list("kind", "object_id").annotate(n=Sum("views"))
            for kind, key, n in grouped.order_by():
                summed[(kind, key)] = summed.get((kind, key), 0) + n
    return summed


def per_contribution(counted: dict[tuple[int, int], int], owners: Any) -> dict[int, dict[str, int]]:
    """contribution pk → view column → views, from counted (kind, key) pairs: a record's views
    go to the contribution carrying it, a file's to its record's, a resource's to itself.
    `owners` is a queryset of contributions."""
    of_item = dict(owners.filter(item__isnull=False).values_list("item_id", "pk"))
    of_file = dict(
        ItemFile.objects.filter(item__contribution__in=owners).values_list(
            "pk", "item__contribution"
        )
    )
    views: dict[int, dict[str, int]] = {}
    for (kind, key), n in counted.items():
        if kind in RECORD_KINDS:
            owner = of_item.get(key)
        elif kind in RESOURCE_KINDS:
            owner = key
        else:
            owner = of_file.get(key)
        if owner is None or kind not in COLUMN_OF:
            continue
        mine = views.setdefault(owner, {})
        mine[COLUMN_OF[kind]] = mine.get(COLUMN_OF[kind], 0) + n
    return views


def view_counts(filters: Filters) -> dict[int, dict[str, int]]:
    """organisation pk → view column → views in the period, for every organisation at once."""
    counted = object_views(filters, scopes(), "all")
    if not counted:
        return {}
    organisation_of = dict(Contribution.objects.values_list("pk", "organisation_id"))
    views: dict[int, dict[str, int]] = {}
    for contribution, numbers in per_contribution(counted, Contribution.objects.all()).items():
        owner = organisation_of.get(contribution)
        if owner is None:
            continue
        mine = views.setdefault(owner, {})
        for column, n in numbers.items():
            mine[column] = mine.get(column, 0) + n
    return views


def build(filters: Filters) -> OrganisationReport:
    """Every organisation's row for the period (inactive ones too, as they may have
    contributed), sorted by name, with the totals."""
    counts = contribution_counts(filters)
    views = view_counts(filters)
    rows = [
        OrganisationRow(
            pk=pk,
            name=name,
            code=code,
            kind=kind,
            region=region,
            counts=counts.get(pk, {}),
            views=views.get(pk, {}),
        )
        for pk, name, code, kind, region in Organisation.objects.order_by("name").values_list(
            "pk", "name", "code", "kind", "region"
        )
    ]
    totals = OrganisationRow(pk=0, name=str(_("All organisations")), code="", kind="", region="")
    for row in rows:
        totals.add(row)
    return OrganisationReport(filters=filters, rows=rows, totals=totals)


@dataclass
class ContributionLine:
    contribution: Contribution
    record_views: int = 0
    file_views: int = 0
    downloads: int = 0
    resource_views: int = 0
    packages: int = 0
    # The title as the reader may see it (set by the admin view: see admin_report._titles).
    title: str = ""

    @property
    def total(self) -> int:
        return (
            self.record_views
            + self.file_views
            + self.downloads
            + self.resource_views
            + self.packages
        )


@dataclass
class OrganisationDetail:
    organisation: Organisation
    row: OrganisationRow
    by_status: list[tuple[str, Any, list[ContributionLine]]]
    top: list[ContributionLine]


#: How many contributions of one status the organisation's page lists.
LIST_LIMIT = 200


def detail(organisation: Organisation, filters: Filters) -> OrganisationDetail:
    """One organisation's page: its row, its contributions by status (newest first) with their
    views in the period, and its most viewed contributions."""
    counts = contribution_counts(filters, Organisation.objects.filter(pk=organisation.pk))
    counted = object_views(filters, scopes(organisation), f"organisation-{organisation.pk}")
    contributions = organisation.contributions.select_related("item", "submitter")
    views = per_contribution(counted, organisation.contributions.all())
    row = OrganisationRow(
        pk=organisation.pk,
        name=organisation.name,
        code=organisation.code,
        kind=organisation.kind,
        region=organisation.region,
        counts=counts.get(organisation.pk, {}),
    )
    by_status = []
    for status in Status:
        lines = [
            _line(c, views.get(c.pk, {})) for c in contributions.filter(status=status)[:LIST_LIMIT]
        ]
        by_status.append((status.value, status.label, lines))
    for numbers in views.values():
        for column, n in numbers.items():
            row.views[column] = row.views.get(column, 0) + n
    ranked = sorted(views.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))[:TOP]
    found = contributions.in_bulk([k for k, _v in ranked])
    top = [_line(found[k], v) for k, v in ranked if k in found]
    return OrganisationDetail(organisation, row, by_status, top)


def _line(contribution: Contribution, views: dict[str, int]) -> ContributionLine:
    line = ContributionLine(contribution)
    for column, n in views.items():
        setattr(line, column, n)
    return line


def table(report: OrganisationReport) -> tuple[list[str], list[list[Any]]]:
    """The report as a header and rows (the totals last), for the CSV and XLSX exports: each
    contribution column as a total and per kind, then the view columns."""
    kind_labels = [str(ContributionKind(kind).label) for kind in KINDS]
    header = [str(_("Organisation")), str(_("Code")), str(_("Kind")), str(_("Region"))]
    for label in STATUS_COLUMNS.values():
        header += [str(label), *[f"{label}: {kind}" for kind in kind_labels]]
    header += [str(label) for label, _kinds in VIEW_COLUMNS.values()]
    rows = []
    for row in [*report.rows, report.totals]:
        values: list[Any] = [row.name, row.code, row.kind_label, row.region_name]
        for _key, total, per_kind in row.cells():
            values += [total, *per_kind]
        rows.append(values + row.view_cells())
    return header, rows
