"""Demo traffic for the impact dashboard: a few days of views of the live pages and public records,
searches (some finding nothing), files, referrers and devices, written to the buffer and flushed.

Bounded (at most 92 days and 20,000 views a day) and repeatable: the same seed gives the same
traffic; a day that already has counts is left alone unless --force, so running it again (or
`load_demo` twice) does not double the demo's numbers.
"""

from __future__ import annotations

import datetime
import random
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone
from wagtail.models import Page

from archive_collections.access import AccessPolicy
from archive_collections.models import Fonds, Interview, Item, Scientist
from media_pipeline.models import ItemFile

from ...aggregate import flush
from ...counting import normalise_query, visitor_hash
from ...models import DailyView, Device, Hit, Kind

MAX_DAYS = 92
MAX_PER_DAY = 20_000
# (query, results it finds, how often it is asked)
SEARCHES = [
    ("钱学森", 40, 30),
    ("手稿", 25, 18),
    ("导弹", 12, 10),
    ("访谈", 18, 12),
    ("科学家精神", 9, 8),
    ("李四光 地质", 6, 5),
    ("1956 十二年规划", 3, 3),
    ("茅以升 桥梁", 0, 4),
    ("cheng-kaijia", 0, 2),
    ("口述史 下载", 0, 3),
]
REFERRERS = [
    ("", 60),
    ("baidu.com", 14),
    ("weixin.qq.com", 10),
    ("cnki.net", 5),
    ("edu.cn", 4),
    ("weibo.com", 4),
    ("bing.com", 3),
]
DEVICES = [(Device.DESKTOP, 52), (Device.PHONE, 40), (Device.TABLET, 8)]


class Command(BaseCommand):
    help = "Generates days of demo traffic for the impact dashboard (bounded, repeatable)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=7, help=f"days up to today (≤ {MAX_DAYS})")
        parser.add_argument(
            "--views-per-day",
            type=int,
            default=600,
            help=f"page and record views (≤ {MAX_PER_DAY})",
        )
        parser.add_argument("--seed", type=int, default=17)
        parser.add_argument("--force", action="store_true", help="add to days that have counts")
        parser.add_argument("--dry-run", action="store_true", help="say what would be written")

    def handle(self, *args: Any, days: int, views_per_day: int, seed: int, **options: Any) -> None:
        if not 1 <= days <= MAX_DAYS:
            raise CommandError(f"--days must be between 1 and {MAX_DAYS}, not {days}.")
        if not 1 <= views_per_day <= MAX_PER_DAY:
            raise CommandError(
                f"--views-per-day must be between 1 and {MAX_PER_DAY}, not {views_per_day}."
            )
        targets = _targets()
        if not targets:
            raise CommandError("Nothing to visit: no live pages or public records (load_demo?).")
        today = timezone.localdate()
        wanted = [today - datetime.timedelta(days=n) for n in range(days - 1, -1, -1)]
        counted = set(DailyView.objects.filter(day__in=wanted).values_list("day", flat=True))
        chosen = wanted if options["force"] else [d for d in wanted if d not in counted]
        if options["dry_run"] or not chosen:
            self.stdout.write(f"{len(chosen)} day(s) to write, {len(wanted) - len(chosen)} kept.")
            return
        rng = random.Random(seed)
        files = list(
            ItemFile.objects.filter(AccessPolicy.anonymous().item_q("item__")).values_list(
                "pk", flat=True
            )[:200]
        )
        total = 0
        for day in chosen:
            hits = _day(rng, day, targets, files, views_per_day)
            with transaction.atomic():
                Hit.objects.bulk_create(hits, batch_size=2000)
            total += len(hits)
        result = flush()
        self.stdout.write(
            f"{total} views over {len(chosen)} day(s) written and flushed "
            f"({result.rows} rows, {result.closed_days} day(s) closed)."
        )


def _targets() -> list[tuple[Kind, int, int]]:
    """(kind, key, weight): chapters and exhibitions are read most, then scientists and items."""
    public = AccessPolicy.anonymous()
    weights = {"chapterpage": 8, "exhibitionpage": 6, "scientiststorypage": 5, "homepage": 10}
    found: list[tuple[Kind, int, int]] = []
    for pk, model in (
        Page.objects.live().filter(depth__gt=1).values_list("pk", "content_type__model")
    ):
        found.append((Kind.PAGE, pk, weights.get(model, 2)))
    for pk in Scientist.objects.values_list("pk", flat=True)[:100]:
        found.append((Kind.SCIENTIST, pk, 4))
    for pk in Item.objects.filter(public.item_q()).values_list("pk", flat=True)[:500]:
        found.append((Kind.ITEM, pk, 2))
    for pk in Fonds.objects.values_list("pk", flat=True)[:50]:
        found.append((Kind.FONDS, pk, 1))
    interviews = Interview.objects.filter(public.item_q("item__")).values_list("pk", flat=True)
    for pk in interviews[:50]:
        found.append((Kind.INTERVIEW, pk, 3))
    return found


def _pick(rng: random.Random, weighted: list[tuple[Any, int]]) -> Any:
    return rng.choices([v for v, _ in weighted], weights=[w for _, w in weighted])[0]


def _day(
    rng: random.Random,
    day: datetime.date,
    targets: list[tuple[Kind, int, int]],
    files: list[int],
    views: int,
) -> list[Hit]:
    # Weekdays are busier than weekends (classes visit in school hours).
    scale = 1.0 if day.weekday() < 5 else 0.55
    count = max(1, int(views * scale * rng.uniform(0.85, 1.15)))
    chosen = rng.choices(targets, weights=[w for *_, w in targets], k=count)
    visitors = max(1, count // 3)
    hits = []
    for kind, key, _ in chosen:
        visitor = visitor_hash(day, f"demo-{rng.randrange(visitors)}", "demo")
        hits.append(
            Hit(
                day=day,
                kind=kind,
                object_id=key,
                device=_pick(rng, DEVICES),
                referrer=_pick(rng, REFERRERS),
                visitor=visitor,
            )
        )
    for _ in range(count // 8):
        query, results = _pick(rng, [((q, n), w) for q, n, w in SEARCHES])
        hits.append(Hit(day=day, kind=Kind.SEARCH, query=normalise_query(query), results=results))
    for _ in range(count // 10 if files else 0):
        kind = Kind.DOWNLOAD if rng.random() < 0.35 else Kind.FILE_VIEW
        hits.append(Hit(day=day, kind=kind, object_id=rng.choice(files)))
    return hits
