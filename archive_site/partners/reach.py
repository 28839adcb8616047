"""Which counted views belong to a partner organisation: the rows of the analytics daily tables
(`DailyView`, `MonthlyView`) that are views of its contributions' records and of their files, and
of their resource pages and download packages in the resource library (counted under the
contribution's key).

Shared by the per-organisation report (`report.py`) and the impact dashboard's organisation
filter (`analytics/dashboard.py`). The keys are given as subqueries, never as lists, so an
organisation with thousands of contributions is still one statement.
"""

from __future__ import annotations

import operator
from functools import reduce

from django.db.models import Q, QuerySet

from archive_site.analytics.models import Kind
from media_pipeline.models import ItemFile

from .models import Contribution, Organisation

#: The kinds of counted views the partner reports add up, with the key each is counted under:
#: a contribution's record (its page) and its files (viewed in the viewer, master downloaded).
RECORD_KINDS = (Kind.ITEM,)
FILE_KINDS = (Kind.FILE_VIEW, Kind.DOWNLOAD)
RESOURCE_KINDS = (Kind.RESOURCE, Kind.RESOURCE_DOWNLOAD)


def contributions(organisation: Organisation | None = None) -> QuerySet:
    """The primary keys of contributions (of one organisation, or of all)."""
    found = Contribution.objects.all()
    if organisation is not None:
        found = found.filter(organisation=organisation)
    return found.order_by().values("pk")


def contributed_items(organisation: Organisation | None = None) -> QuerySet:
    """The primary keys of contributed records (of one organisation, or of all)."""
    contributions = Contribution.objects.filter(item__isnull=False)
    if organisation is not None:
        contributions = contributions.filter(organisation=organisation)
    return contributions.order_by().values("item_id")


def contributed_files(organisation: Organisation | None = None) -> QuerySet:
    """The primary keys of the files of contributed records (of one organisation, or of all)."""
    files = ItemFile.objects.filter(item__contribution__isnull=False)
    if organisation is not None:
        files = files.filter(item__contribution__organisation=organisation)
    return files.order_by().values("pk")


def scopes(organisation: Organisation | None = None) -> list[Q]:
    """The counted views of one organisation's contributions (of every organisation's without
    one), as one filter per group of kinds: each reads one range of the tables' kind index."""
    return [
        Q(kind__in=RECORD_KINDS, object_id__in=contributed_items(organisation)),
        Q(kind__in=FILE_KINDS, object_id__in=contributed_files(organisation)),
        Q(kind__in=RESOURCE_KINDS, object_id__in=contributions(organisation)),
    ]


def organisation_scope(organisation: Organisation | None = None) -> Q:
    """The counted views (a filter on `DailyView` or `MonthlyView`) of one organisation's
    contributed records, their files and resource pages (of every organisation's without one),
    whatever the contributions' status."""
    return reduce(operator.or_, scopes(organisation))
