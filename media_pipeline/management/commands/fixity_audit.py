"""Re-hash stored masters and compare them with the SHA-256 recorded at ingest."""

from __future__ import annotations

import argparse
import datetime
import hashlib

from django.core.management.base import BaseCommand, CommandError
from django.db.models import F, Q
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from tqdm import tqdm

from archive_collections.models import Item
from media_pipeline.models import FixityCheck, FixityOutcome, ItemFile
from media_pipeline.s3 import iter_span
from media_pipeline.storage import master_storage

CHUNK_BYTES = 4 * 1024 * 1024


class Command(BaseCommand):
    help = (
        "Re-hash masters (streamed in chunks, on local disk or S3) and compare with the SHA-256 "
        "and size recorded at ingest. Every check is recorded (FixityCheck, and the file's "
        "fixity status and date); files never checked, then those checked longest ago, come "
        "first. Exits with status 1 when a master is changed, missing or unreadable."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--item", metavar="IDENTIFIER", help="Only the files of this item (档号)."
        )
        parser.add_argument(
            "--since",
            metavar="DATE",
            type=_parse_since,
            help="Only files not checked since DATE (YYYY-MM-DD or ISO date-time)"
            "; files never checked are always included.",
        )
        parser.add_argument(
            "--limit",
            type=int,
            metavar="N",
            help="Check at most N files (the longest unchecked first), e.g. to "
            "spread an audit of the whole archive over nights.",
        )

    def handle(self, *args, item, since, limit, **options):
        if limit is not None and limit < 1:
            raise CommandError("--limit must be at least 1.")
        files = self._select(item, since, limit)
        total_bytes = sum(size for _pk, size in files.values_list("pk", "size"))
        counts = dict.fromkeys(FixityOutcome.values, 0)
        problems = []
        with tqdm(
            total=total_bytes,
            unit="B",
            unit_scale=True,
            unit_divisor=1024,
            desc="fixity",
            disable=options["verbosity"] == 0 or not total_bytes,
        ) as bar:
            for item_file in files.iterator(chunk_size=500):
                check = audit_file(item_file, progress=bar.update)
                counts[check.outcome] += 1
                if check.outcome != FixityOutcome.OK:
                    problems.append((item_file, check))
        self._report(counts, problems)

    def _select(self, identifier, since, limit):
        files = ItemFile.objects.all()
        if identifier:
            item = Item.objects.filter(identifier=identifier).first()
            if item is None:
                raise CommandError(f"No item has the identifier {identifier!r}.")
            files = files.filter(item=item)
        if since:
            files = files.filter(Q(fixity_checked_at__isnull=True) | Q(fixity_checked_at__lt=since))
        files = files.select_related("item").order_by(
            F("fixity_checked_at").asc(nulls_first=True), "pk"
        )
        return files[:limit] if limit else files

    def _report(self, counts: dict, problems: list) -> None:
        for item_file, check in problems:
            self.stderr.write(
                f"  {check.get_outcome_display()}: file {item_file.pk} "
                f"({item_file.item.identifier} / {item_file.original_filename}, stored as "
                f"{item_file.master.name}): {check.detail}"
            )
        summary = ", ".join(f"{n} {FixityOutcome(key).label.lower()}" for key, n in counts.items())
        checked = sum(counts.values())
        if problems:
            raise CommandError(f"Fixity audit of {checked} file(s): {summary}.")
        self.stdout.write(self.style.SUCCESS(f"Fixity audit of {checked} file(s): {summary}."))


def audit_file(item_file: ItemFile, progress=None) -> FixityCheck:
    """Re-hash one master, record the outcome on the file and in its history; return the check."""
    storage, name = master_storage(), item_file.master_name
    digest, size = hashlib.sha256(), 0
    outcome, detail = FixityOutcome.OK, ""
    try:
        if not storage.exists(name):
            outcome, detail = FixityOutcome.MISSING, "the master is not in storage"
        else:
            for chunk in iter_span(storage, name, chunk_bytes=CHUNK_BYTES):
                digest.update(chunk)
                size += len(chunk)
                if progress:
                    progress(len(chunk))
    except FileNotFoundError:
        outcome, detail = FixityOutcome.MISSING, "the master is not in storage"
    except Exception as exc:
        # One unreadable master (storage down, access denied) must not stop the whole audit.
        outcome, detail = FixityOutcome.ERROR, f"could not be read: {exc.__class__.__name__}: {exc}"
    actual = digest.hexdigest() if outcome == FixityOutcome.OK else ""
    if outcome == FixityOutcome.OK and (actual != item_file.sha256 or size != item_file.size):
        outcome = FixityOutcome.MISMATCH
        detail = (
            f"SHA-256 {actual} ({size} bytes), expected {item_file.sha256} ({item_file.size} bytes)"
        )
    if progress and size < item_file.size:
        progress(item_file.size - size)  # keep the bar's total honest for short/missing files
    now = timezone.now()
    check = FixityCheck.objects.create(
        item_file=item_file,
        checked_at=now,
        outcome=outcome,
        expected_sha256=item_file.sha256,
        actual_sha256=actual if outcome in (FixityOutcome.OK, FixityOutcome.MISMATCH) else "",
        actual_size=size if outcome in (FixityOutcome.OK, FixityOutcome.MISMATCH) else None,
        detail=detail,
    )
    ItemFile.objects.filter(pk=item_file.pk).update(fixity_checked_at=now, fixity_status=outcome)
    return check


def _parse_since(value: str) -> datetime.datetime:
    try:
        moment = parse_datetime(value)
        day = None if moment else parse_date(value)
    except ValueError:
        moment = day = None
    if moment is None:
        if day is None:
            raise argparse.ArgumentTypeError(
                f"{value!r} is not a date (YYYY-MM-DD) or ISO date-time."
            )
        moment = datetime.datetime.combine(day, datetime.time.min)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment
