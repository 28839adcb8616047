"""What is counted, and where: a buffer of single views, and the daily tables the dashboard reads.

`Hit` is the buffer: one row per counted view, written in one INSERT (or pushed to Redis and
moved here by the flush). The flush (`aggregate.flush`) adds the rows past its
watermark into the daily tables in a few INSERT … SELECT … GROUP BY statements and moves the
watermark in the same transaction, so running it twice counts nothing twice. Buffer rows stay a
little while after they are counted (their nonces refuse replayed beacons) and go when their day
has ended.

Nothing here identifies a visitor: no address, no cookie, no user. `visitor` is a salted hash of
address and browser under a salt made for one day (`DaySalt`). When the day has ended, the flush
counts its distinct hashes into `DailyVisitors`, deletes the salt and blanks the hashes of the
day's rows still in the buffer: nothing is left to recompute or compare with another day's.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.IntegerChoices):
    PAGE = 1, _("Page")
    ITEM = 2, _("Item")
    SCIENTIST = 3, _("Scientist")
    INTERVIEW = 4, _("Interview")
    FONDS = 5, _("Fonds")
    FILE_VIEW = 6, _("File view")
    DOWNLOAD = 7, _("Download")
    SEARCH = 8, _("Search")
    # The resource library (archive_site/partners/library): a resource page read, and its
    # download package served.
    RESOURCE = 9, _("Resource")
    RESOURCE_DOWNLOAD = 10, _("Resource package download")


#: Views of something a visitor reads (a beacon from the page): these carry referrer and device.
READ_KINDS = (Kind.PAGE, Kind.ITEM, Kind.SCIENTIST, Kind.INTERVIEW, Kind.FONDS, Kind.RESOURCE)


class Device(models.IntegerChoices):
    DESKTOP = 1, _("Desktop")
    PHONE = 2, _("Phone")
    TABLET = 3, _("Tablet")


class Hit(models.Model):
    """One counted view, as recorded (the buffer)."""

    day = models.DateField()
    kind = models.PositiveSmallIntegerField(choices=Kind.choices)
    # The page's or record's primary key; 0 for a search.
    object_id = models.BigIntegerField(default=0)
    device = models.PositiveSmallIntegerField(choices=Device.choices, default=Device.DESKTOP)
    referrer = models.CharField(max_length=253, blank=True)  # a domain, never a URL
    visitor = models.CharField(max_length=16, blank=True)  # salted daily hash, see module doc
    query = models.CharField(max_length=200, blank=True)
    results = models.IntegerField(null=True, blank=True)
    # The beacon's one-time number: a second beacon with it is a replay and is not stored.
    nonce = models.CharField(max_length=32, null=True, blank=True)

    class Meta:
        # Day and visitor together: closing a day counts its distinct visitors off this index
        # alone, in order (a day's rows fetched from the table and sorted took half the flush).
        indexes = [models.Index(fields=["day", "visitor"], name="analytics_hit_day_visitor")]
        constraints = [
            models.UniqueConstraint(
                fields=["nonce"], condition=models.Q(nonce__isnull=False), name="analytics_nonce"
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.get_kind_display()} {self.object_id}"


class FlushMark(models.Model):
    """How far the buffer has been added into the daily tables (one row), and what the
    dashboard's kept numbers of past days are valid for: `epoch` names this database's counts
    (a new row, a new epoch) and `history` goes up whenever a flush changes a day before today
    (late views added, a day closed)."""

    last_id = models.BigIntegerField(default=0)
    flushed_at = models.DateTimeField(null=True, blank=True)
    epoch = models.UUIDField(default=uuid.uuid4, editable=False)
    history = models.PositiveBigIntegerField(default=0, editable=False)

    def __str__(self) -> str:
        return f"flushed to {self.last_id}"


class DaySalt(models.Model):
    """The salt of one day's visitor hashes; deleted when that day's visitors are counted."""

    day = models.DateField(unique=True)
    salt = models.CharField(max_length=64)

    def __str__(self) -> str:
        return str(self.day)


class DailyView(models.Model):
    """Views per day of one page, record or file (downloads and file views are kinds)."""

    day = models.DateField()
    kind = models.PositiveSmallIntegerField(choices=Kind.choices)
    object_id = models.BigIntegerField()
    views = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "kind", "object_id"], name="analytics_daily_view"
            )
        ]
        indexes = [models.Index(fields=["kind", "day"], name="analytics_view_kind_day")]
        permissions = [("view_impact", _("Can view the impact dashboard and reports"))]

    def __str__(self) -> str:
        return f"{self.day} {self.get_kind_display()} {self.object_id}: {self.views}"


class MonthlyView(models.Model):
    """`DailyView` summed per calendar month (`month` is its first day): a year's top lists read
    twelve rows per object instead of 365."""

    month = models.DateField()
    kind = models.PositiveSmallIntegerField(choices=Kind.choices)
    object_id = models.BigIntegerField()
    views = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["month", "kind", "object_id"], name="analytics_monthly_view"
            )
        ]
        indexes = [models.Index(fields=["kind", "month"], name="analytics_month_kind")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.get_kind_display()} {self.object_id}: {self.views}"


class DailyTotal(models.Model):
    """`DailyView` summed per day and kind: the totals and the chart of views per day."""

    day = models.DateField()
    kind = models.PositiveSmallIntegerField(choices=Kind.choices)
    views = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "kind"], name="analytics_daily_total")
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.get_kind_display()}: {self.views}"


class DailySearch(models.Model):
    day = models.DateField()
    query = models.CharField(max_length=200)
    searches = models.BigIntegerField(default=0)
    zero_results = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "query"], name="analytics_daily_search")
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.query}: {self.searches}"


class DailyReferrer(models.Model):
    day = models.DateField()
    domain = models.CharField(max_length=253)
    views = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "domain"], name="analytics_daily_referrer")
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.domain}: {self.views}"


class DailyDevice(models.Model):
    day = models.DateField()
    device = models.PositiveSmallIntegerField(choices=Device.choices)
    views = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "device"], name="analytics_daily_device")
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.get_device_display()}: {self.views}"


class DailyVisitors(models.Model):
    """Distinct visitors of a closed day (a count; the hashes are gone)."""

    day = models.DateField(unique=True)
    visitors = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.day}: {self.visitors}"
