"""Search benchmark: the Elasticsearch engine and the database engine (SQLite FTS5) against
Wagtail's stock database search (modelsearch, SQLite FTS5 with its unicode61 tokenizer) as the
baseline, all on the same generated corpus, in one run.

    .venv/bin/python bench/search_bench.py [--sizes 20000,100000,500000] [--quick]
        [--es-url http://127.0.0.1:59200] [--db-max 100000] [--queries 200]

Corpus: items (title, description, scientists), OCR pages and transcript segments in the
proportion 2 : 5 : 3, written from real Chinese words — the dictionary that ships inside the
jieba package (the same one the analysis uses), composed into sentences — with scientist names,
types, fonds, decades, disciplines, languages, access levels and embargoes for facets and the
access filter. Seeded: every run builds the same corpus.

Reported per size and engine:
- recall: exact substrings of Chinese text cut from random documents (1–6 characters); the
  truth is every result group whose text contains the substring (scanned in Python);
  recall = groups found / groups expected, over queries with at most 300 matching groups;
- p50/p95 latency of a query mix (words, two-word AND, phrases, OR, NOT, field restriction,
  facet filters, a year range, date sort), each returning facet counts, for an anonymous user;
- indexing rate (documents/s, including the Python analysis);
- memory: Elasticsearch's JVM heap in use and its index size; the SQLite file for the others.
`ratio vs baseline` divides by the stock search's figure measured in the same run.

The database engines are run up to --db-max documents (SQLite is the embedded default for one
laptop; the goal is p95 ≤ 150 ms at 20k), Elasticsearch at every size (goal p95 ≤ 50 ms at 500k).
Elasticsearch needs a node: --es-url, or ELASTICSEARCH_URL, or the service script's URL when it
answers. Writes bench/results/search_bench.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "search_bench.json"
sys.path.insert(0, str(ROOT))

TYPES = [
    "manuscript",
    "letter",
    "photograph",
    "certificate",
    "publication",
    "object",
    "document",
    "audio",
    "video",
    "oral_history",
]
DISCIPLINES = ["力学", "物理学", "数学", "化学", "地质学", "农学", "医学", "天文学", "生物学"]
LANGUAGES = ["zh-Hans"] * 8 + ["zh-Hant", "en"]
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
LATIN = ["DNA", "RNA", "X射线", "CT", "1956年", "1964年", "GPS", "IBM", "MIT", "Nature"]
SCIENTISTS = 700
MAX_TRUTH_GROUPS = 300


# --- corpus -------------------------------------------------------------------------------------


def vocabulary() -> tuple[list[str], list[str]]:
    """(words, single characters) from jieba's dictionary: common 2–4 character nouns, verbs
    and adjectives, and the characters they are made of."""
    import jieba

    from search.analysis import cjk_char

    words = []
    with open(Path(jieba.__file__).parent / "dict.txt", encoding="utf-8") as handle:
        for line in handle:
            parts = line.split()
            if len(parts) < 3:
                continue
            word, freq, pos = parts[0], int(parts[1]), parts[2]
            if (
                2 <= len(word) <= 4
                and freq >= 200
                and pos[0] in "nva"
                and all(cjk_char(c) for c in word)
            ):
                words.append(word)
    chars = sorted({c for w in words for c in w})
    return words, chars


class Corpus:
    """A deterministic archive of `size` documents (SearchDocuments) with its scientists."""

    def __init__(self, size: int, seed: int = 42):
        from search.contract import SearchDocument

        self.rng = random.Random(seed)
        self.words, self.chars = vocabulary()
        rng = self.rng
        given = [w for w in self.words if len(w) == 2]
        self.names = [rng.choice(SURNAMES) + rng.choice(given) for _ in range(SCIENTISTS)]
        items = max(1, size * 2 // 10)
        pages = size * 5 // 10
        segments = size - items - pages
        self.documents: list[SearchDocument] = []
        bases = []
        for n in range(items):
            who = rng.randrange(SCIENTISTS)
            year = rng.randrange(1900, 2010)
            level = rng.choices(["public", "researchers", "staff"], [85, 10, 5])[0]
            base = dict(
                group=f"item:{n}",
                url=f"/archive/items/IT-{n:06d}/",
                group_title=self.sentence(3, 6, end=""),
                group_identifier=f"IT-{n:06d}",
                access_level=level,
                embargo_until=date(2099, 1, 1) if rng.random() < 0.02 else None,
                year_start=year,
                year_end=year + rng.choice([0, 0, 0, 1, 9]),
                sort_date=date(year, 1 + n % 12, 1),
                date_text=f"{year}年",
                item_type=rng.choice(TYPES),
                scientists=[f"s-{who}"],
                fonds=f"F{who:04d}",
                disciplines=[rng.choice(DISCIPLINES)],
                language=rng.choice(LANGUAGES),
                has_scan=rng.random() < 0.6,
                has_transcript=rng.random() < 0.2,
            )
            bases.append(base)
            self.documents.append(
                SearchDocument(
                    id=f"item:{n}",
                    kind="item",
                    title=base["group_title"],
                    names=self.names[who],
                    body=self.paragraph(1, 3),
                    subjects=self.sentence(2, 4),
                    creators=self.names[who],
                    identifier=base["group_identifier"],
                    type=base["item_type"],
                    **base,
                )
            )
        for n in range(pages):
            base = bases[rng.randrange(items)]
            self.documents.append(
                SearchDocument(
                    id=f"page:{n}:1",
                    kind="page",
                    title=f"p. {n % 300 + 1}",
                    body=self.paragraph(4, 9),
                    page_number=n % 300 + 1,
                    **base,
                )
            )
        for n in range(segments):
            base = bases[rng.randrange(items)]
            self.documents.append(
                SearchDocument(
                    id=f"segment:{n}",
                    kind="segment",
                    title=base["group_title"],
                    body=self.paragraph(1, 2),
                    start_ms=rng.randrange(0, 7_200_000),
                    **base,
                )
            )

    def sentence(self, low: int, high: int, end: str = "。") -> str:
        rng = self.rng
        parts = []
        for _ in range(rng.randint(low, high)):
            roll = rng.random()
            parts.append(
                rng.choice(LATIN)
                if roll < 0.02
                else (rng.choice(self.names) if roll < 0.06 else rng.choice(self.words))
            )
        return "".join(parts) + end

    def paragraph(self, low: int, high: int) -> str:
        return "".join(self.sentence(5, 14) for _ in range(self.rng.randint(low, high)))


def searchable_text(doc) -> str:
    from search.analysis import normalize

    return normalize(" ".join(doc.text_fields().values()))


def recall_queries(corpus: Corpus, count: int) -> list[tuple[str, set[str]]]:
    """Exact substrings cut from random documents, with the groups that truly contain them."""
    from search.analysis import cjk_char

    rng = random.Random(7)
    texts = [(doc.group, searchable_text(doc)) for doc in corpus.documents]
    queries: list[tuple[str, set[str]]] = []
    attempts = 0
    while len(queries) < count and attempts < count * 20:
        attempts += 1
        group, text = texts[rng.randrange(len(texts))]
        length = rng.choice([1, 2, 2, 3, 3, 4, 5, 6])
        if len(text) <= length:
            continue
        start = rng.randrange(len(text) - length)
        needle = text[start : start + length]
        # The bar is Chinese substrings (Latin words and numbers match as whole words).
        if not all(cjk_char(ch) for ch in needle):
            continue
        truth = {g for g, t in texts if needle in t}
        if 1 <= len(truth) <= MAX_TRUTH_GROUPS:
            queries.append((needle, truth))
    return queries


def query_mix(corpus: Corpus, count: int) -> list[dict]:
    """The latency mix: what researchers type, each run with facets for an anonymous user."""
    rng = random.Random(11)
    words, names = corpus.words, corpus.names
    makers = [
        lambda: {"text": rng.choice(words)},
        lambda: {"text": rng.choice(words)[:1]},
        lambda: {"text": f"{rng.choice(words)} {rng.choice(words)}"},
        lambda: {"text": f'"{rng.choice(words)}{rng.choice(words)}"'},
        lambda: {"text": f"{rng.choice(words)} OR {rng.choice(words)}"},
        lambda: {"text": f"{rng.choice(words)} -{rng.choice(words)}"},
        lambda: {"text": f"scientist:{rng.choice(names)}"},
        lambda: {"text": f"title:{rng.choice(words)}"},
        lambda: {"text": rng.choice(words), "filters": {"type": [rng.choice(TYPES)]}},
        lambda: {"text": rng.choice(words), "year_from": 1950, "year_to": 1969},
        lambda: {"text": rng.choice(names), "sort": "date_desc"},
        lambda: {"text": "", "filters": {"decade": ["1950"], "has_scan": ["true"]}},
        lambda: {"text": f"{rng.choice(LATIN)} {rng.choice(words)}"},
    ]
    return [makers[i % len(makers)]() for i in range(count)]


# --- engines ------------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def groups_found(engine, text: str, policy, limit_pages: int = 3) -> set[str]:
    from search.contract import SearchQuery

    found: set[str] = set()
    for page in range(1, limit_pages + 1):
        results = engine.search(SearchQuery(text=text, per_page=100, page=page), policy)
        found.update(g.key for g in results.groups)
        if page >= results.pages:
            break
    return found


def measure_engine(engine, corpus, recall_set, mix, chunk: int, rebuild: bool) -> dict:
    from archive_collections.access import AccessPolicy
    from search.contract import SearchQuery

    started = time.perf_counter()
    docs = corpus.documents
    if rebuild:
        session = engine.start_rebuild()
        for start in range(0, len(docs), chunk):
            session.add(docs[start : start + chunk])
        session.commit()
    else:
        engine.clear()
        for start in range(0, len(docs), chunk):
            engine.index_documents(docs[start : start + chunk])
    indexing = time.perf_counter() - started
    staff = AccessPolicy(frozenset({"public", "researchers", "staff"}), True, date.today())
    anyone = AccessPolicy.anonymous()
    return {
        "indexing_docs_per_s": round(len(docs) / indexing, 1),
        **recall_of(lambda text: groups_found(engine, text, staff), recall_set),
        **latency_of(lambda spec: engine.search(SearchQuery(**spec), anyone), mix),
    }


def recall_of(search, recall_set) -> dict:
    expected = found = 0
    misses = []
    for needle, truth in recall_set:
        got = search(needle)
        hit = len(truth & got)
        expected += len(truth)
        found += hit
        if hit < len(truth) and len(misses) < 5:
            misses.append(needle)
    return {
        "recall": round(found / expected, 4) if expected else None,
        "recall_queries": len(recall_set),
        "recall_misses_sample": misses,
    }


def latency_of(run, mix) -> dict:
    for spec in mix[:10]:  # warm caches and the JIT, as a running site would be
        run(spec)
    timings = []
    for spec in mix:
        started = time.perf_counter()
        run(spec)
        timings.append((time.perf_counter() - started) * 1000)
    return {
        "p50_ms": round(statistics.median(timings), 2),
        "p95_ms": round(percentile(timings, 0.95), 2),
        "queries": len(timings),
    }


class StockSearch:
    """Wagtail's own database search backend over the same documents: the baseline. It indexes
    the database engine's stored rows (IndexedDocument, through a proxy model declaring the
    searchable fields) and searches them with the stock query parser, facets included."""

    name = "wagtail_stock_db"

    def __init__(self):
        from django.db import models
        from modelsearch import index

        from search.models import IndexedDocument

        if "BenchDocument" not in globals():

            class BenchDocument(index.Indexed, IndexedDocument):
                search_fields = [
                    index.SearchField("title_text", boost=10),
                    index.SearchField("body_text"),
                    index.FilterField("access_level"),
                    index.FilterField("embargo_until"),
                    index.FilterField("kind"),
                    index.FilterField("group_key"),
                ]

                class Meta:
                    proxy = True
                    app_label = "search"

                def title_text(self):
                    return self.data.get("title", "")

                def body_text(self):
                    return " ".join(
                        self.data.get(f) or ""
                        for f in (
                            "names",
                            "body",
                            "subjects",
                            "creators",
                            "places",
                            "identifier",
                            "type",
                        )
                    )

            globals()["BenchDocument"] = BenchDocument
        self.model = globals()["BenchDocument"]
        self.models = models
        from wagtail.search.backends import get_search_backend

        self.backend = get_search_backend()

    def index(self, chunk: int) -> float:
        started = time.perf_counter()
        self.backend.reset_indexes()
        last = 0
        while True:
            rows = list(self.model.objects.filter(pk__gt=last).order_by("pk")[:chunk])
            if not rows:
                break
            self.backend.add_bulk(self.model, rows)
            last = rows[-1].pk
        return time.perf_counter() - started

    def _visible(self):
        Q = self.models.Q
        return self.model.objects.filter(access_level="public").filter(
            Q(embargo_until__isnull=True) | Q(embargo_until__lte=date.today())
        )

    def groups(self, text: str) -> set[str]:
        results = self.backend.search(text, self.model.objects.all())
        return {row.group_key for row in results[:10000]}

    def run(self, spec: dict):
        text = spec.get("text") or ""
        # Facet filters on item fields have no equivalent in the stock index (it filters on
        # model columns only); the access filter does.
        queryset = self._visible()
        if not text:
            list(queryset[:20])
            return
        results = self.backend.search(text, queryset)
        list(results[:20])
        results.count()
        results.facet("kind")


def es_url(cli: str | None) -> str:
    url = cli or os.environ.get("ELASTICSEARCH_URL", "")
    if url:
        return url
    script = ROOT / "scripts" / "services" / "elasticsearch.sh"
    import subprocess

    status = subprocess.run([str(script), "status"], capture_output=True, text=True)
    if status.returncode == 0:
        return subprocess.run([str(script), "url"], capture_output=True, text=True).stdout.strip()
    return ""


def es_memory(engine) -> dict:
    stats = engine.client.nodes.stats(metric="jvm")
    node = next(iter(stats["nodes"].values()))
    store = engine.client.indices.stats(index=engine.alias, metric="store")
    return {
        "jvm_heap_used_mb": round(node["jvm"]["mem"]["heap_used_in_bytes"] / 2**20, 1),
        "jvm_heap_max_mb": round(node["jvm"]["mem"]["heap_max_in_bytes"] / 2**20, 1),
        "index_size_mb": round(store["_all"]["primaries"]["store"]["size_in_bytes"] / 2**20, 1),
    }


def sqlite_size_mb(path: Path) -> float:
    total = sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))
    return round(total / 2**20, 1)


# --- main ---------------------------------------------------------------------------------------


def setup_django(db_path: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "archive_site.settings.test"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def run_size(size: int, args, es: str, db_path: Path) -> dict:
    from search.engines.database import DatabaseEngine

    print(f"\n== {size:,} documents", flush=True)
    started = time.perf_counter()
    corpus = Corpus(size)
    recall_set = recall_queries(corpus, args.recall_queries)
    mix = query_mix(corpus, args.queries)
    print(
        f"corpus built in {time.perf_counter() - started:.1f}s; "
        f"{len(recall_set)} recall queries, {len(mix)} mixed queries",
        flush=True,
    )
    row: dict = {"documents": size, "engines": {}}
    if size <= args.db_max:
        database = DatabaseEngine()
        figures = measure_engine(database, corpus, recall_set, mix, args.chunk, rebuild=False)
        figures["sqlite_file_mb"] = sqlite_size_mb(db_path)
        row["engines"]["database"] = figures
        print("database", figures, flush=True)

        stock = StockSearch()
        seconds = stock.index(args.chunk)
        figures = {"indexing_docs_per_s": round(size / seconds, 1)}
        # The stock search takes seconds per query at scale: a leading subset of the same
        # queries keeps the run finite (the figures say how many were run).
        figures.update(recall_of(stock.groups, recall_set[: args.baseline_queries]))
        figures.update(latency_of(stock.run, mix[: args.baseline_queries]))
        figures["sqlite_file_mb"] = sqlite_size_mb(db_path)
        row["engines"]["wagtail_stock_db"] = figures
        print("wagtail_stock_db", figures, flush=True)
        database.clear()
        stock.backend.reset_indexes()
    if es:
        from search.engines.elasticsearch import ElasticsearchEngine

        engine = ElasticsearchEngine(url=es, alias=f"bench-{size}", timeout=30)
        figures = measure_engine(engine, corpus, recall_set, mix, args.chunk, rebuild=True)
        figures.update(es_memory(engine))
        row["engines"]["elasticsearch"] = figures
        print("elasticsearch", figures, flush=True)
        for name in engine.live_indices():
            engine.client.indices.delete(index=name)
    base = row["engines"].get("wagtail_stock_db")
    if base:
        for figures in row["engines"].values():
            figures["ratio_vs_baseline"] = {
                key: round(figures[key] / base[key], 3) if base.get(key) else None
                for key in ("recall", "p50_ms", "p95_ms", "indexing_docs_per_s")
                if figures.get(key) is not None
            }
    return row


def print_table(rows: list[dict]) -> None:
    print(
        "\nsize      engine              recall  p50 ms  p95 ms  docs/s    ratio vs baseline "
        "(recall, p95)"
    )
    for row in rows:
        for name, f in row["engines"].items():
            ratio = f.get("ratio_vs_baseline", {})
            print(
                f"{row['documents']:<9,} {name:<19} {f.get('recall', 0) or 0:<7} "
                f"{f['p50_ms']:<7} {f['p95_ms']:<7} {f['indexing_docs_per_s']:<9} "
                f"{ratio.get('recall', '-')}, {ratio.get('p95_ms', '-')}"
            )


GOALS = (
    # (engine, corpus size, p95 goal in ms)
    ("database", 20_000, 150.0),
    ("elasticsearch", 500_000, 50.0),
)


def print_goals(rows: list[dict]) -> None:
    """Each goal against the run's figure at that size (or the nearest larger one measured)."""
    for engine, size, goal in GOALS:
        measured = sorted(
            (row["documents"], row["engines"][engine])
            for row in rows
            if row["documents"] >= size and engine in row["engines"]
        )
        if not measured:
            print(f"goal {engine} p95 ≤ {goal:g} ms at {size:,}: not measured in this run")
            continue
        at, figures = measured[0]
        verdict = "met" if figures["p95_ms"] <= goal else "NOT met"
        recall = "met" if figures.get("recall") == 1.0 else "NOT met"
        print(
            f"goal {engine} p95 ≤ {goal:g} ms at {size:,}: {figures['p95_ms']} ms at {at:,} "
            f"({verdict}); recall 1.00: {figures.get('recall')} ({recall})"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="20000,100000,500000")
    parser.add_argument(
        "--quick", action="store_true", help="one 10,000-document corpus, fewer queries"
    )
    parser.add_argument("--es-url", default=None)
    parser.add_argument(
        "--db-max",
        type=int,
        default=100_000,
        help="largest corpus the SQLite engines run on (default %(default)s)",
    )
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--recall-queries", type=int, default=100)
    parser.add_argument(
        "--baseline-queries",
        type=int,
        default=60,
        help="queries of each set run on the slow stock search",
    )
    parser.add_argument("--chunk", type=int, default=1000)
    parser.add_argument(
        "--output", type=Path, default=RESULTS, help="results file (default %(default)s)"
    )
    args = parser.parse_args()
    try:
        sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    except ValueError:
        parser.error(f"--sizes must be comma-separated integers, got {args.sizes!r}")
    if args.quick:
        sizes, args.queries, args.recall_queries = [10_000], 60, 40
    if any(s < 100 for s in sizes):
        parser.error("every size must be at least 100 documents")
    es = es_url(args.es_url)
    if not es:
        print(
            "No Elasticsearch node (--es-url, ELASTICSEARCH_URL or "
            "scripts/services/elasticsearch.sh start): measuring the database engines only."
        )
    with tempfile.TemporaryDirectory(prefix="search-bench-") as folder:
        db_path = Path(folder) / "bench.sqlite3"
        setup_django(db_path)
        rows = [run_size(size, args, es, db_path) for size in sizes]
    print_table(rows)
    print_goals(rows)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(
        json.dumps(
            {
                "benchmark": "search",
                "command": " ".join(sys.argv),
                "machine": {
                    "python": platform.python_version(),
                    "cpus": os.cpu_count(),
                    "platform": platform.platform(),
                },
                "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
                "goals": {
                    "recall": 1.0,
                    "elasticsearch_p95_ms_at_500k": 50,
                    "embedded_p95_ms_at_20k": 150,
                },
                "results": rows,
            },
            ensure_ascii=False,
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"\nwrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
