"""Benchmark the curators' admin at archive scale: the item listing and the item chooser's
search through the product's search engine, against the same views with Wagtail's stock
(ORM substring) search measured in the same run.

    .venv/bin/python bench/admin_bench.py [--items 100000] [--requests 40] [--query 手稿]

A temporary SQLite database is migrated and filled by bulk_create: 20 scientists (钱学森 with
his Wade–Giles name among them), one fonds each, ten series per fonds, `--items` items with
Chinese titles and descriptions composed from a fixed word list (seeded: every run builds the
same archive), one or two scientists each, files on one item in ten (a thumbnail recorded, no
master bytes: nothing is processed). The database search engine (the embedded default) indexes
them. A superuser calls the admin through Django's test client:

- the item listing, first page, no search;
- the item listing searching `--query` (a two-character Chinese word), product search vs stock;
- the item chooser searching `--query`, product search vs stock;
- Wagtail's page chooser and image chooser searching `--query` over `--items`/5 pages and as
  many images (one title in four has the query word), ours (search/wagtail_db_sqlite.py) vs
  Wagtail's own SQLite query on the same Chinese index (timed once: it takes minutes);
- queries per listing page (searching) at page sizes 20 and 100: they must be equal;
- if the batch actions exist (archive_collections/admin/batch.py): one batch update of 1,000
  items (set the language), its wall time.

"stock" is the same view with the search app's admin hook removed: the listing then searches
as Wagtail does with `search_backend_name = None`, a substring (icontains) over the view's
search fields. Printed: p50/p95 per case, `ratio vs stock`, CPU seconds per request (this
process: the test client runs the view in it) and the load average before and after (the
machine is shared; read the timings with it). Writes bench/results/admin_bench.json.
Goals: listing and chooser p95 ≤ 300 ms, batch of 1,000 ≤ 10 s, queries per page constant.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import random
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent
RESULTS = ROOT / "results" / "admin_bench.json"
sys.path.insert(0, str(ROOT.parent))

from bench.timing import timed  # noqa: E402 — after the path insert

GOAL_MS = 300.0
BATCH_GOAL_S = 10.0
CHUNK = 5000
WORDS = (
    "手稿 书信 讲义 笔记 照片 证书 报告 论文 日记 草稿 译稿 提纲 目录 合影 会议 讲演 "
    "工程 控制论 火箭 导弹 力学 物理 数学 地质 化学 天文 农业 医学 生物 教育 研究所 "
    "学院 大学 实验室 计划 规划 设计 试验 发射 卫星 航天 航空 原子 核能 半导体 计算机 "
    "国防 科学 技术 学术 成长 友人 导师 学生 同事 家属 访问 考察 回忆 访谈 纪念 档案"
).split()
SCIENTISTS = [
    ("qian-xuesen", "钱学森", "Tsien Hsue-shen"),
    ("li-siguang", "李四光", "Li Ssu-kuang"),
    ("hua-luogeng", "华罗庚", "Hua Lo-keng"),
    ("zhu-kezhen", "竺可桢", "Chu Coching"),
    ("deng-jiaxian", "邓稼先", "Teng Chia-hsien"),
]
BENCH_IMAGE = "original_images/bench.png"
SEARCH_CASES = ("listing_search", "chooser_search", "page_chooser_search", "image_chooser_search")
TYPES = ["manuscript", "letter", "photograph", "certificate", "publication", "document"]


def setup_django(db_path: Path) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "archive_site.settings.test"
    os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"
    os.environ.pop("ELASTICSEARCH_URL", None)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    # Every bulk write and admin request logs at INFO (tasks, logins): the report is the output.
    logging.disable(logging.INFO)


def sentence(rng: random.Random, words: int) -> str:
    return "".join(rng.choice(WORDS) for _ in range(words))


def generate(count: int, seed: int = 11) -> dict[str, Any]:
    """The archive; returns the pks of every item (for the batch)."""
    from archive_collections.models import Fonds, Item, Scientist, ScientistName, Series
    from media_pipeline.models import ItemFile

    rng = random.Random(seed)
    scientists = []
    for number in range(20):
        identifier, name, wade = SCIENTISTS[number % len(SCIENTISTS)]
        scientist = Scientist.objects.create(
            identifier=f"{identifier}-{number}" if number >= len(SCIENTISTS) else identifier,
            name=name if number < len(SCIENTISTS) else f"{name}{number}",
        )
        ScientistName.objects.create(scientist=scientist, name=wade, kind="wade_giles")
        scientists.append(scientist)
    series = []
    for number, scientist in enumerate(scientists):
        fonds = Fonds.objects.create(
            identifier=f"F{number:02d}", title=f"{scientist.name}档案", scientist=scientist
        )
        series += [
            Series.objects.create(
                identifier=f"F{number:02d}-{s:02d}", title=sentence(rng, 2), fonds=fonds
            )
            for s in range(10)
        ]
    link = Item.scientists.through
    for start in range(0, count, CHUNK):
        items, links, files = [], [], []
        for n in range(start, min(start + CHUNK, count)):
            day = date(1930, 1, 1) + timedelta(days=rng.randrange(25000))
            items.append(
                Item(
                    identifier=f"B-{n:06d}",
                    title=sentence(rng, 3),
                    description=sentence(rng, 12),
                    item_type=rng.choice(TYPES),
                    series=series[n % len(series)],
                    position=n,
                    date_text=f"{day.year}年{day.month}月",
                    date_start=day,
                    date_end=day,
                    date_precision="month",
                    access_level="researchers" if n % 10 == 3 else "public",
                )
            )
        created = Item.objects.bulk_create(items)
        for item in created:
            owner = scientists[(item.position // 10) % len(scientists)]
            links.append(link(item_id=item.pk, scientist_id=owner.pk))
            if item.position % 10 == 0:
                files.append(
                    ItemFile(
                        item_id=item.pk,
                        sequence=1,
                        master=f"bench/{item.pk}.jpg",
                        original_filename=f"{item.identifier}.jpg",
                        sha256=f"{item.pk:064d}",
                        size=1,
                        mime_type="image/jpeg",
                        status="done",
                        technical={
                            "derivatives": {
                                "thumb.jpg": {"path": "t.jpg", "width": 1, "height": 1, "bytes": 1}
                            }
                        },
                    )
                )
        link.objects.bulk_create(links)
        ItemFile.objects.bulk_create(files)
    return {"pks": list(Item.objects.order_by("pk").values_list("pk", flat=True))}


def generate_wagtail(count: int, seed: int = 12) -> None:
    """`count` pages (plain Wagtail pages under the root, written by bulk_create with the
    tree paths treebeard would give them) and `count` images, titles from the word list with
    `--query` in one in four, indexed by Wagtail's search backend (the product's Chinese
    analysis on the database)."""
    from uuid import uuid4

    from django.contrib.contenttypes.models import ContentType
    from wagtail.images import get_image_model
    from wagtail.models import Collection, Locale, Page
    from wagtail.search.backends import get_search_backend

    rng = random.Random(seed)
    root = Page.objects.get(depth=1)
    last = root.get_last_child()
    start = int(last.path[-Page.steplen :], 36) + 1 if last else 1
    page_type = ContentType.objects.get_for_model(Page)
    locale = Locale.get_default()
    titles = [sentence(rng, 3) + (WORDS[0] if n % 4 == 0 else "") for n in range(count)]
    pages = [
        Page(
            title=title,
            draft_title=title,
            slug=f"bench-{n}",
            path=Page._get_path(root.path, 2, start + n),  # noqa: SLF001 — treebeard's paths
            depth=2,
            numchild=0,
            url_path=f"/bench-{n}/",
            content_type=page_type,
            locale=locale,
            translation_key=uuid4(),
            live=True,
        )
        for n, title in enumerate(titles)
    ]
    Page.objects.bulk_create(pages, batch_size=2000)
    Page.objects.filter(pk=root.pk).update(numchild=root.numchild + count)
    image_model = get_image_model()
    collection = Collection.get_first_root_node()
    image_model.objects.bulk_create(
        [
            image_model(title=title, file=BENCH_IMAGE, width=8, height=8, collection=collection)
            for title in titles
        ],
        batch_size=2000,
    )
    backend = get_search_backend()
    for model in (Page, image_model):
        objects = list(model.objects.all())
        for chunk in range(0, len(objects), CHUNK):
            backend.add_bulk(model, objects[chunk : chunk + CHUNK])


def bench_image() -> None:
    """The one file every generated image points at (the media folder is new each run)."""
    from io import BytesIO

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from PIL import Image

    if not default_storage.exists(BENCH_IMAGE):
        data = BytesIO()
        Image.new("RGB", (8, 8), "white").save(data, "PNG")
        default_storage.save(BENCH_IMAGE, ContentFile(data.getvalue()))


def index() -> float:
    from search.engines import get_database_engine
    from search.sources import iter_document_chunks

    started = time.perf_counter()
    engine = get_database_engine()
    session = engine.start_rebuild()
    for chunk in iter_document_chunks():
        session.add(chunk)
    session.commit()
    return time.perf_counter() - started


class StockSearch:
    """The views without the search app's admin searcher: Wagtail's ORM substring search."""

    def __enter__(self):
        from wagtail import hooks

        from archive_collections.admin.searching import ADMIN_SEARCH_HOOK

        self.hooks = hooks._hooks  # noqa: SLF001 — Wagtail keeps registrations here
        self.saved = self.hooks.get(ADMIN_SEARCH_HOOK, [])
        self.name = ADMIN_SEARCH_HOOK
        self.hooks[ADMIN_SEARCH_HOOK] = []
        return self

    def __exit__(self, *exc):
        self.hooks[self.name] = self.saved


def wagtail_choosers() -> tuple[str, str]:
    from django.urls import reverse

    return reverse("wagtailadmin_choose_page_search"), reverse(
        "wagtailimages_chooser:choose_results"
    )


class WagtailQueryPlan:
    """The page and image choosers with Wagtail's own SQLite search query (each matching
    object's score read by a subquery that runs the full-text match again) instead of
    search/wagtail_db_sqlite.py's ranked pass; the index and the Chinese query are the same."""

    def __enter__(self):
        from modelsearch.backends.database.sqlite.sqlite import SQLiteSearchQueryCompiler

        from search import wagtail_db_sqlite

        self.mixin = wagtail_db_sqlite._SQLiteCompilerMixin  # noqa: SLF001
        self.saved = self.mixin.__dict__.get("search")
        if self.saved is not None:
            self.mixin.search = SQLiteSearchQueryCompiler.search  # type: ignore[method-assign]
        return self

    def __exit__(self, *exc):
        if self.saved is not None:
            self.mixin.search = self.saved  # type: ignore[method-assign]


def queries_per_page(client: Any, url: str, params: dict[str, Any], size: int) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from archive_collections.admin.views import ArchiveIndexView

    original = ArchiveIndexView.get_paginate_by
    ArchiveIndexView.get_paginate_by = lambda self, queryset: size
    try:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, params)
            assert response.status_code == 200, response.status_code
    finally:
        ArchiveIndexView.get_paginate_by = original
    return len(captured)


def batch_update(pks: list[int], user: Any) -> dict[str, Any]:
    """The batch as a curator waits for it, and the search reindex that follows it.

    In production the reindex is a task a worker runs after the batch commits
    (settings.base: the database task backend); the test settings run tasks at once, inside
    the batch's own call — so the batch is timed under the production backend, and the
    queued reindex (search.pending.drain) is timed after it, as the worker would run it."""
    try:
        from archive_collections.admin.batch import Change, apply_batch
    except ImportError as error:
        return {"skipped": f"no batch actions: {error}"}
    from django.test import override_settings

    from search.pending import drain

    chosen = pks[1000:2000]
    language = "en" if not _has_language(chosen[0], "en") else "fr"
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        started = time.perf_counter()
        result = apply_batch(user, chosen, Change("set_language", language))
        seconds = time.perf_counter() - started
    started = time.perf_counter()
    reindexed = drain.call()
    reindex_seconds = time.perf_counter() - started
    changed = len(getattr(result, "changed", []) or [])
    return {
        "items": len(chosen),
        "changed": changed,
        "seconds": round(seconds, 2),
        "reindexed_groups": reindexed,
        "reindex_seconds_in_worker": round(reindex_seconds, 2),
    }


def _has_language(pk: int, language: str) -> bool:
    from archive_collections.models import Item

    return Item.objects.filter(pk=pk, language=language).exists()


def run(items: int, requests: int, query: str) -> dict[str, Any]:
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    from archive_collections.models import Item

    if Item.objects.exists():  # a kept database (--db) from an earlier run
        archive = {"pks": list(Item.objects.order_by("pk").values_list("pk", flat=True))}
        items = len(archive["pks"])
        generated_s = indexed_s = 0.0
    else:
        started = time.perf_counter()
        archive = generate(items)
        generated_s = time.perf_counter() - started
        indexed_s = index()
    from wagtail.models import Page

    if not Page.objects.filter(slug="bench-0").exists():
        started = time.perf_counter()
        generate_wagtail(items // 5)
        generated_s += time.perf_counter() - started
    bench_image()
    user, _created = get_user_model().objects.get_or_create(
        username="bench", defaults={"is_superuser": True, "is_staff": True}
    )
    client = Client()
    client.force_login(user)
    listing = reverse(Item.snippet_viewset.get_url_name("list"))
    chooser = reverse(Item.snippet_viewset.chooser_viewset.get_url_name("choose_results"))

    def get(url: str, params: dict[str, Any] | None = None) -> Callable[[], None]:
        def call() -> None:
            response = client.get(url, params or {})
            assert response.status_code == 200, (url, response.status_code)

        return call

    load_before = [round(x, 2) for x in os.getloadavg()]
    cases: dict[str, dict[str, float]] = {}
    cases["listing"] = timed(get(listing), requests)
    cases["listing_search"] = timed(get(listing, {"q": query}), requests)
    cases["chooser_search"] = timed(get(chooser, {"q": query}), requests)
    with StockSearch():
        cases["listing_search_stock"] = timed(get(listing, {"q": query}), requests)
        cases["chooser_search_stock"] = timed(get(chooser, {"q": query}), requests)
    page_chooser, image_chooser = wagtail_choosers()
    cases["page_chooser_search"] = timed(get(page_chooser, {"q": query}), requests)
    cases["image_chooser_search"] = timed(get(image_chooser, {"q": query}), requests)
    with WagtailQueryPlan():  # a minute or more each: timed once, unwarmed
        cases["page_chooser_search_stock"] = timed(get(page_chooser, {"q": query}), 1, warm=False)
        cases["image_chooser_search_stock"] = timed(get(image_chooser, {"q": query}), 1, warm=False)
    queries = {size: queries_per_page(client, listing, {"q": query}, size) for size in (20, 100)}
    batch = batch_update(archive["pks"], user)
    load_after = [round(x, 2) for x in os.getloadavg()]
    return {
        "items": items,
        "files_on": items // 10,
        "query": query,
        "requests": requests,
        "generate_s": round(generated_s, 1),
        "index_s": round(indexed_s, 1),
        "cases": cases,
        "ratio_vs_stock": {
            name: round(cases[name]["p95_ms"] / cases[f"{name}_stock"]["p95_ms"], 2)
            for name in SEARCH_CASES
        },
        "queries_per_listing_page": queries,
        "batch_1000": batch,
        "load_before": load_before,
        "load_after": load_after,
    }


def report(result: dict[str, Any]) -> None:
    print(
        f"{result['items']} items (files on {result['files_on']}), query {result['query']!r}, "
        f"{result['requests']} requests per case; generated in {result['generate_s']} s, "
        f"indexed in {result['index_s']} s"
    )
    print(f"{'case':24} {'p50 ms':>8} {'p95 ms':>8} {'CPU s/req':>10}")
    for name, figures in result["cases"].items():
        print(
            f"{name:24} {figures['p50_ms']:8.1f} {figures['p95_ms']:8.1f} "
            f"{figures['cpu_s_per_request']:10.4f}"
        )
    ratios = result["ratio_vs_stock"]
    print("ratio vs stock (p95): " + ", ".join(f"{k} {v}" for k, v in ratios.items()))
    queries = result["queries_per_listing_page"]
    print(f"queries per listing page (searching): {queries}")
    print(f"batch update of 1,000 items: {result['batch_1000']}")
    goals = {
        "listing p95 ≤ 300 ms": result["cases"]["listing"]["p95_ms"] <= GOAL_MS,
        "listing search p95 ≤ 300 ms": result["cases"]["listing_search"]["p95_ms"] <= GOAL_MS,
        "chooser search p95 ≤ 300 ms": result["cases"]["chooser_search"]["p95_ms"] <= GOAL_MS,
        "page chooser p95 ≤ 300 ms": result["cases"]["page_chooser_search"]["p95_ms"] <= GOAL_MS,
        "image chooser p95 ≤ 300 ms": result["cases"]["image_chooser_search"]["p95_ms"] <= GOAL_MS,
        "queries constant": len(set(queries.values())) == 1,
    }
    if "seconds" in result["batch_1000"]:
        goals["batch ≤ 10 s"] = result["batch_1000"]["seconds"] <= BATCH_GOAL_S
    print("goals: " + ", ".join(f"{k}: {'met' if v else 'MISSED'}" for k, v in goals.items()))
    print(f"load average before {result['load_before']}, after {result['load_after']}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--query", default="手稿")
    parser.add_argument(
        "--db",
        type=Path,
        help="keep the generated, indexed archive in this SQLite file and reuse it next time "
        "(a run then measures only; the batch changes 1,000 items' language each time)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="admin-bench-") as folder:
        setup_django(args.db or Path(folder) / "bench.sqlite3")
        result = run(args.items, args.requests, args.query)
    result["machine"] = {"cpus": os.cpu_count(), "python": platform.python_version()}
    report(result)
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
