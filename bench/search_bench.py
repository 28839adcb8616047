"""Search benchmark: the Elasticsearch engine and the database engine (SQLite FTS5) against
Wagtail's stock database search (modelsearch, SQLite FTS5 with its unicode61 tokenizer) as the
baseline, all on the same generated corpus, in one run.

    .venv/bin/python bench/search_bench.py [--sizes 20000,100000,500000] [--quick]
        [--es-url http://127.0.0.1:59200] [--db-max 100000] [--queries 200]
        [--programme-scale [--docs 2000000] [--load-workers 2]]

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

The programme-scale point (--programme-scale; --docs sets its size, default 2,000,000) is one
more Elasticsearch row after the --sizes rows, in the programme's proportions: the programme
holds about 456,000 items of 700 scientists and 18,000 hours of interviews. Per 2,000,000
documents: 456,000 items; 1,080,000 transcript segments (18,000 hours cut into one-minute
segments, grouped into two-hour interviews, each an oral-history item); the remaining 464,000
OCR pages spread over the items. Two million analysed documents do not fit in the bench's
memory, so this corpus is generated in slices (each slice seeded by its number: the same corpus
every run), analysed by --load-workers processes with the product's ``to_source`` and bulk-loaded
straight into a generation the product's rebuild created (refresh off, no replicas; its commit
refreshes, merges and swaps the alias). Its row has latency, CPU seconds per query (the
Elasticsearch nodes' process CPU and this process's, over the timed queries), memory and the
load average before and after; recall is measured at the --sizes (the truth is a scan of every
document's text, held in memory). The stock search does not run at this size (seconds per
query): the row's ratio is against the same run's stock figures at the largest --sizes point
where it ran, and says which (``ratio_baseline_documents``). Goal: p95 ≤ 100 ms.
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
        if isinstance(self, ProgrammeCorpus):
            return  # generated slice by slice (see ProgrammeCorpus)
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

    def sentence(
        self, low: int, high: int, end: str = "。", rng: random.Random | None = None
    ) -> str:
        rng = rng or self.rng
        parts = []
        for _ in range(rng.randint(low, high)):
            roll = rng.random()
            parts.append(
                rng.choice(LATIN)
                if roll < 0.02
                else (rng.choice(self.names) if roll < 0.06 else rng.choice(self.words))
            )
        return "".join(parts) + end

    def paragraph(self, low: int, high: int, rng: random.Random | None = None) -> str:
        rng = rng or self.rng
        return "".join(self.sentence(5, 14, rng=rng) for _ in range(rng.randint(low, high)))


# The programme's proportions, per 2,000,000 documents (see the module docstring).
PROGRAMME_ITEMS = 456_000
PROGRAMME_SEGMENTS = 1_080_000  # 18,000 hours × 60 one-minute segments
PROGRAMME_DOCUMENTS = 2_000_000
SEGMENTS_PER_INTERVIEW = 120  # a two-hour interview
PROGRAMME_SLICE = 20_000


class ProgrammeCorpus(Corpus):
    """`size` documents in the programme's proportions, generated slice by slice: document
    numbers [0, items) are items, then transcript segments, then OCR pages. Everything about
    document n follows from the seed and n, so any slice can be generated alone (in a loader
    process) and every run builds the same corpus."""

    def __init__(self, size: int, seed: int = 42):
        super().__init__(size, seed)
        self.size = size
        self.seed = seed
        self.items = max(1, size * PROGRAMME_ITEMS // PROGRAMME_DOCUMENTS)
        self.segments = size * PROGRAMME_SEGMENTS // PROGRAMME_DOCUMENTS
        self.pages = size - self.items - self.segments
        self.interviews = max(1, -(-self.segments // SEGMENTS_PER_INTERVIEW))
        # Interviews are every stride-th item (oral-history items spread over the catalogue).
        self.stride = max(1, self.items // self.interviews)

    def counts(self) -> dict[str, int]:
        return {
            "items": self.items,
            "segments": self.segments,
            "pages": self.pages,
            "interviews": self.interviews,
        }

    def _rng(self, salt: int, n: int) -> random.Random:
        return random.Random(self.seed * 1_000_003 + salt * 100_000_007 + n)

    def base(self, n: int) -> dict:
        """The group fields of item n, as every document of the item carries them."""
        rng = self._rng(1, n)
        who = rng.randrange(SCIENTISTS)
        year = rng.randrange(1900, 2010)
        level = rng.choices(["public", "researchers", "staff"], [85, 10, 5])[0]
        interview = n % self.stride == 0 and n // self.stride < self.interviews
        return dict(
            group=f"item:{n}",
            url=f"/archive/items/IT-{n:06d}/",
            group_title=self.sentence(3, 6, end="", rng=rng),
            group_identifier=f"IT-{n:06d}",
            access_level=level,
            embargo_until=date(2099, 1, 1) if rng.random() < 0.02 else None,
            year_start=year,
            year_end=year + rng.choice([0, 0, 0, 1, 9]),
            sort_date=date(year, 1 + n % 12, 1),
            date_text=f"{year}年",
            item_type="oral_history" if interview else rng.choice(TYPES[:-1]),
            scientists=[f"s-{who}"],
            fonds=f"F{who:04d}",
            disciplines=[rng.choice(DISCIPLINES)],
            language=rng.choice(LANGUAGES),
            has_scan=not interview and rng.random() < 0.6,
            has_transcript=interview,
        )

    def document(self, n: int, bases: dict):
        from search.contract import SearchDocument

        def base_of(item: int) -> dict:
            if item not in bases:
                bases[item] = self.base(item)
            return bases[item]

        rng = self._rng(2, n)
        if n < self.items:
            base = base_of(n)
            who = int(base["scientists"][0][2:])
            return SearchDocument(
                id=f"item:{n}",
                kind="item",
                title=base["group_title"],
                names=self.names[who],
                body=self.paragraph(1, 3, rng),
                subjects=self.sentence(2, 4, rng=rng),
                creators=self.names[who],
                identifier=base["group_identifier"],
                type=base["item_type"],
                **base,
            )
        n -= self.items
        if n < self.segments:
            interview = n // SEGMENTS_PER_INTERVIEW
            base = base_of(interview * self.stride)
            who = int(base["scientists"][0][2:])
            return SearchDocument(
                id=f"segment:{n}",
                kind="segment",
                title=self.names[who] if n % 3 else "采访人",
                # About a minute of speech.
                body=self.paragraph(2, 4, rng),
                start_ms=(n % SEGMENTS_PER_INTERVIEW) * 60_000,
                **base,
            )
        n -= self.segments
        base = base_of(rng.randrange(self.items))
        return SearchDocument(
            id=f"page:{n}:1",
            kind="page",
            title=f"p. {n % 300 + 1}",
            body=self.paragraph(4, 9, rng),
            page_number=n % 300 + 1,
            **base,
        )

    def slice(self, start: int, stop: int):
        bases: dict[int, dict] = {}
        for n in range(start, min(stop, self.size)):
            yield self.document(n, bases)


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


# The programme-scale load: loader processes are forked with this set (corpus, url, index).
_LOADING: tuple | None = None


def _load_slice(span: tuple[int, int]) -> int:
    """Analyse and bulk-load documents [start, stop) of the programme corpus (in a loader
    process): the product's documents (``index_actions``) as "create" actions, as a rebuild
    sends them."""
    from elasticsearch import Elasticsearch, helpers

    from search.engines.es_index import index_actions
    from search.engines.es_transport import BULK_CHUNK

    assert _LOADING is not None
    corpus, url, index = _LOADING
    client = Elasticsearch(url, request_timeout=600)
    actions = (
        {**action, "_op_type": "create"} for action in index_actions(index, corpus.slice(*span))
    )
    written, _errors = helpers.bulk(client, actions, chunk_size=BULK_CHUNK, raise_on_error=True)
    client.close()
    return written


def es_cpu_ms(engine) -> int:
    """CPU milliseconds the cluster's Elasticsearch processes have used so far."""
    stats = engine.client.nodes.stats(metric="process")
    return sum(node["process"]["cpu"]["total_in_millis"] for node in stats["nodes"].values())


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def run_programme(size: int, args, es: str) -> dict:
    """The programme-scale point: Elasticsearch only (see the module docstring)."""
    import multiprocessing

    from search.engines.elasticsearch import ElasticsearchEngine

    global _LOADING
    print(f"\n== programme scale: {size:,} documents", flush=True)
    corpus = ProgrammeCorpus(size)
    print(f"corpus: {corpus.counts()}; load average {load_average()}", flush=True)
    figures: dict = {"corpus": corpus.counts(), "load_average_before": load_average()}
    engine = ElasticsearchEngine(url=es, alias=f"bench-programme-{size}", timeout=30)
    reused = bool(args.reuse_index and engine.live_indices())
    if reused:
        # The same seeded corpus is already behind the alias (a --keep-index run): measure
        # its queries again without the hour of loading.
        count = engine.client.count(index=engine.alias)["count"]
        print(f"reusing {engine.live_indices()} ({count:,} documents)", flush=True)
        figures.update(reused_index=True, documents_indexed=count)
        return _programme_queries(engine, corpus, figures, args, size)
    for name in engine.live_indices():
        engine.client.indices.delete(index=name)
    started = time.perf_counter()
    session = engine.start_rebuild()
    _LOADING = (corpus, es, session.index)
    spans = [(start, start + PROGRAMME_SLICE) for start in range(0, size, PROGRAMME_SLICE)]
    written = 0
    with multiprocessing.get_context("fork").Pool(args.load_workers) as pool:
        for done, count in enumerate(pool.imap_unordered(_load_slice, spans), 1):
            written += count
            if done % 10 == 0 or done == len(spans):
                rate = written / (time.perf_counter() - started)
                print(f"  loaded {written:,} of {size:,} ({rate:,.0f} docs/s)", flush=True)
    _LOADING = None
    loaded = time.perf_counter() - started
    session.count = written
    session.commit()  # refresh, merge to one segment per shard, swap the alias
    committed = time.perf_counter() - started
    figures.update(
        indexing_docs_per_s=round(written / loaded, 1),
        load_s=round(loaded, 1),
        refresh_merge_swap_s=round(committed - loaded, 1),
        documents_indexed=written,
    )
    return _programme_queries(engine, corpus, figures, args, size)


def _programme_queries(engine, corpus, figures: dict, args, size: int) -> dict:
    """The programme-scale query phase: latency, CPU per query, memory."""
    from archive_collections.access import AccessPolicy
    from search.contract import SearchQuery

    anyone = AccessPolicy.anonymous()
    mix = query_mix(corpus, args.queries)
    cpu_before, es_before = time.process_time(), es_cpu_ms(engine)
    figures.update(latency_of(lambda spec: engine.search(SearchQuery(**spec), anyone), mix))
    timed = len(mix) + min(10, len(mix))  # latency_of warms up on the first ten
    figures["es_cpu_s_per_query"] = round((es_cpu_ms(engine) - es_before) / 1000 / timed, 4)
    figures["client_cpu_s_per_query"] = round((time.process_time() - cpu_before) / timed, 4)
    figures.update(es_memory(engine))
    figures["shards"] = engine.shards
    figures["load_average_after"] = load_average()
    print("elasticsearch", figures, flush=True)
    if not (args.keep_index or args.reuse_index):
        for name in engine.live_indices():
            engine.client.indices.delete(index=name)
    return {"documents": size, "programme_scale": True, "engines": {"elasticsearch": figures}}


def programme_ratio(rows: list[dict]) -> None:
    """The programme row's ratio against the largest same-run size the stock search ran at."""
    baseline = [r for r in rows if "wagtail_stock_db" in r["engines"]]
    if not baseline:
        return
    reference = max(baseline, key=lambda r: r["documents"])
    base = reference["engines"]["wagtail_stock_db"]
    for row in rows:
        if not row.get("programme_scale"):
            continue
        figures = row["engines"]["elasticsearch"]
        figures["ratio_baseline_documents"] = reference["documents"]
        figures["ratio_vs_baseline"] = {
            key: round(figures[key] / base[key], 3) if base.get(key) else None
            for key in ("p50_ms", "p95_ms", "indexing_docs_per_s")
            if figures.get(key) is not None
        }


def print_table(rows: list[dict]) -> None:
    print(
        "\nsize      engine              recall  p50 ms  p95 ms  docs/s    ratio vs baseline "
        "(recall, p95)"
    )
    for row in rows:
        for name, f in row["engines"].items():
            ratio = f.get("ratio_vs_baseline", {})
            print(
                f"{row['documents']:<9,} {name:<19} {str(f.get('recall', '-')):<7} "
                f"{f['p50_ms']:<7} {f['p95_ms']:<7} {f.get('indexing_docs_per_s', '-'):<9} "
                f"{ratio.get('recall', '-')}, {ratio.get('p95_ms', '-')}"
            )


GOALS = (
    # (engine, corpus size, p95 goal in ms)
    ("database", 20_000, 150.0),
    ("elasticsearch", 500_000, 50.0),
    ("elasticsearch", 2_000_000, 100.0),
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
        if figures.get("recall") is None:
            recall = "not measured at this size"
        else:
            recall = f"{figures['recall']} ({'met' if figures['recall'] == 1.0 else 'NOT met'})"
        print(
            f"goal {engine} p95 ≤ {goal:g} ms at {size:,}: {figures['p95_ms']} ms at {at:,} "
            f"({verdict}); recall 1.00: {recall}"
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
        "--programme-scale",
        action="store_true",
        help="add the programme-scale Elasticsearch point after the --sizes rows",
    )
    parser.add_argument(
        "--docs",
        type=int,
        default=PROGRAMME_DOCUMENTS,
        help="documents at the programme-scale point (default %(default)s)",
    )
    parser.add_argument(
        "--load-workers",
        type=int,
        default=2,
        help="processes analysing and loading the programme-scale corpus (default %(default)s)",
    )
    parser.add_argument(
        "--keep-index",
        action="store_true",
        help="leave the programme-scale index in place (for profiling its queries)",
    )
    parser.add_argument(
        "--reuse-index",
        action="store_true",
        help="measure the programme-scale queries on the index a --keep-index run left (no "
        "generation or loading when its alias exists; the index is kept)",
    )
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
    if args.programme_scale and not es:
        parser.error("--programme-scale needs Elasticsearch (--es-url or ELASTICSEARCH_URL)")
    if not es:
        print(
            "No Elasticsearch node (--es-url, ELASTICSEARCH_URL or "
            "scripts/services/elasticsearch.sh start): measuring the database engines only."
        )
    with tempfile.TemporaryDirectory(prefix="search-bench-") as folder:
        db_path = Path(folder) / "bench.sqlite3"
        setup_django(db_path)
        load_before = load_average()
        rows = [run_size(size, args, es, db_path) for size in sizes]
        if args.programme_scale:
            rows.append(run_programme(args.docs, args, es))
            programme_ratio(rows)
    print_table(rows)
    print(f"load average: {load_before} at the start, {load_average()} at the end")
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
                "load_average": {"start": load_before, "end": load_average()},
                "goals": {
                    "recall": 1.0,
                    "elasticsearch_p95_ms_at_500k": 50,
                    "elasticsearch_p95_ms_at_programme_scale_2m": 100,
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
