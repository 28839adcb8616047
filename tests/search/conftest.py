"""Search fixtures: an `engine` fixture yielding every available engine (the contract tests run
against each), and a small Chinese archive indexed into it.

Engines are listed in ENGINE_PARAMS; an engine that needs a service adds its param with a skip
mark when the service is not running (see test_elasticsearch*.py)."""

from datetime import date, timedelta

import pytest
from django.utils import translation

from archive_collections.models import Discipline, ScientistName
from media_pipeline.models import ItemFile, PageText
from search.engines import get_database_engine, get_engine_by_name, reset_engines
from search.sources import iter_document_chunks
from tests.conftest import choose_english
from tests.factories import (
    FondsFactory,
    IndexSegmentFactory,
    InterviewFactory,
    ItemFactory,
    ScientistFactory,
    SeriesFactory,
    TranscriptSegmentFactory,
)
from tests.search.elasticsearch_support import (  # noqa: F401 — fixtures for this folder
    elasticsearch_settings,
    elasticsearch_url,
    es_engine,
)

ENGINE_PARAMS = [pytest.param("database", id="database")]


ENGINE_SETUP_FIXTURES: dict[str, str] = {}


def _add_engine_params():
    """Other engines (Elasticsearch) register here when their module is importable."""
    try:
        from tests.search.engine_params import ENGINE_SETUP_FIXTURES as setup
        from tests.search.engine_params import extra_engine_params
    except ImportError:
        return
    ENGINE_PARAMS.extend(extra_engine_params())
    ENGINE_SETUP_FIXTURES.update(setup)


_add_engine_params()


@pytest.fixture(autouse=True)
def english_messages(request):
    choose_english(request)
    with translation.override("en"):
        yield


@pytest.fixture(params=ENGINE_PARAMS)
def engine(request, db, settings):
    """Each engine, empty, configured as the primary (so views and the service use it)."""
    name = request.param
    if name in ENGINE_SETUP_FIXTURES:  # e.g. the Elasticsearch node's URL and a fresh alias
        request.getfixturevalue(ENGINE_SETUP_FIXTURES[name])
    settings.SEARCH_ENGINE = name
    reset_engines()
    engine = get_engine_by_name(name)
    engine.clear()
    if name != "database":
        get_engine_by_name("database").clear()
    yield engine
    engine.clear()
    reset_engines()


def index_all(engine):
    """Index the whole archive into `engine` (signals already keep the database engine
    current; this also fills any other engine) and make it searchable."""
    for chunk in iter_document_chunks():
        engine.index_documents(chunk)
    refresh = getattr(engine, "refresh", None)
    if refresh:
        refresh()


class Archive:
    """Handles on the records of the test archive."""


@pytest.fixture
def archive(db):
    """A small archive: 钱学森 (with pinyin and Wade–Giles variants), a letter, a manuscript
    with OCR pages, an interview with transcript and index, restricted and embargoed items."""
    a = Archive()
    physics = Discipline.objects.get_or_create(name="力学")[0]
    a.qian = ScientistFactory(
        identifier="qian-xuesen", name="钱学森", birth_year=1911, summary="中国航天事业的奠基人"
    )
    a.qian.disciplines.add(physics)
    a.qian.save()  # ParentalManyToMany: committed on save
    ScientistName.objects.create(scientist=a.qian, name="Tsien Hsue-shen", kind="wade_giles")
    a.other = ScientistFactory(
        identifier="li-siguang", name="李四光", birth_year=1889, summary="地质学家"
    )
    a.fonds = FondsFactory(identifier="F-QXS", title="钱学森学术成长资料", scientist=a.qian)
    a.series = SeriesFactory(identifier="S-QXS-1", title="手稿", fonds=a.fonds)
    a.other_fonds = FondsFactory(identifier="F-LSG", title="李四光资料", scientist=a.other)
    a.other_series = SeriesFactory(identifier="S-LSG-1", title="书信", fonds=a.other_fonds)

    a.letter = ItemFactory(
        identifier="QXS-0001",
        title="钱学森致友人的书信",
        item_type="letter",
        series=a.series,
        date_text="1956年",
        description="信中谈到1956年 规划和科学家的责任。",
        language="zh-Hans",
    )
    a.letter.scientists.add(a.qian)
    a.letter.save()
    a.manuscript = ItemFactory(
        identifier="QXS-0002",
        title="工程控制论手稿",
        item_type="manuscript",
        series=a.series,
        date_text="1954年",
        description="在加州理工学院写成的手稿，记录学术成长。",
        creators="钱学森",
    )
    a.manuscript.scientists.add(a.qian)
    a.manuscript.save()
    a.traditional = ItemFactory(
        identifier="QXS-0003",
        title="錢學森講演記錄",
        item_type="document",
        series=a.series,
        date_text="1962年",
        description="講述導彈與火箭的發展。",
        language="zh-Hant",
    )
    a.traditional.scientists.add(a.qian)
    a.traditional.save()
    a.dna = ItemFactory(
        identifier="LSG-0001",
        title="DNA 双螺旋结构讲座笔记",
        item_type="manuscript",
        series=a.other_series,
        date_text="1975年",
        description="Lecture notes on the DNA double helix, ＦＵＬＬ-width letters too.",
        language="en",
    )
    a.dna.scientists.add(a.other)
    a.dna.save()
    a.restricted = ItemFactory(
        identifier="QXS-0100",
        title="钱学森绝密手稿",
        item_type="manuscript",
        series=a.series,
        date_text="1960年",
        description="秘密档案内容",
        access_level="researchers",
    )
    a.restricted.scientists.add(a.qian)
    a.restricted.save()
    a.staff_only = ItemFactory(
        identifier="QXS-0101",
        title="钱学森内部手稿",
        item_type="manuscript",
        series=a.series,
        date_text="1961年",
        description="内部档案内容",
        access_level="staff",
    )
    a.embargoed = ItemFactory(
        identifier="QXS-0102",
        title="钱学森封存书信",
        item_type="letter",
        series=a.series,
        date_text="1970年",
        description="封存档案内容",
        access_level="public",
        embargo_until=date.today() + timedelta(days=365),
    )
    a.old_embargo = ItemFactory(
        identifier="QXS-0103",
        title="已解禁的书信",
        item_type="letter",
        series=a.series,
        date_text="1965年",
        description="解禁档案",
        embargo_until=date.today() - timedelta(days=1),
    )

    # OCR pages: page 3 of the manuscript (file 1 has pages 1-2, file 2 pages 1-2 → 3-4).
    first = ItemFile.objects.create(
        item=a.manuscript,
        sequence=1,
        master="m/a.pdf",
        original_filename="a.pdf",
        sha256="a" * 64,
        size=10,
        mime_type="application/pdf",
    )
    second = ItemFile.objects.create(
        item=a.manuscript,
        sequence=2,
        master="m/b.pdf",
        original_filename="b.pdf",
        sha256="b" * 64,
        size=10,
        mime_type="application/pdf",
    )
    for item_file, number, text in (
        (first, 1, "封面"),
        (first, 2, "目录"),
        (second, 1, "第一章 工程控制论的基本概念"),
        (second, 2, "附录"),
    ):
        PageText.objects.create(
            item_file=item_file,
            page_number=number,
            text=text,
            source="ocr",
            engine="test",
            width=1000,
            height=2000,
            lines=[{"text": text, "box": [100, 200, 800, 50], "confidence": 0.9}],
        )
    a.restricted_file = ItemFile.objects.create(
        item=a.restricted,
        sequence=1,
        master="m/c.pdf",
        original_filename="c.pdf",
        sha256="c" * 64,
        size=10,
        mime_type="application/pdf",
    )
    PageText.objects.create(
        item_file=a.restricted_file,
        page_number=1,
        text="导弹秘密计划",
        source="ocr",
        engine="test",
        width=100,
        height=100,
        lines=[],
    )

    a.interview = InterviewFactory(
        item__identifier="QXS-OH-01",
        item__title="钱学森口述访谈",
        item__series=a.series,
        item__date_text="1990年",
        interviewee=a.qian,
    )
    a.interview.item.scientists.add(a.qian)
    a.interview.item.save()
    a.segment = TranscriptSegmentFactory(
        interview=a.interview, start_ms=754_000, end_ms=760_000, text="我在美国研究火箭推进技术。"
    )
    TranscriptSegmentFactory(
        interview=a.interview, start_ms=10_000, end_ms=15_000, text="小时候在北京读书。"
    )
    a.index_segment = IndexSegmentFactory(
        interview=a.interview,
        start_ms=120_000,
        title="回国历程",
        synopsis="讲述一九五五年回国的经过。",
        keywords="回国；归国",
    )
    a.restricted_interview = InterviewFactory(
        item__identifier="QXS-OH-02",
        item__title="内部访谈",
        item__series=a.series,
        item__access_level="staff",
        interviewee=a.qian,
    )
    TranscriptSegmentFactory(
        interview=a.restricted_interview, start_ms=5_000, end_ms=9_000, text="火箭试验的内部细节。"
    )
    return a


@pytest.fixture
def indexed(engine, archive):
    index_all(engine)
    return archive


@pytest.fixture
def db_archive(archive, settings):
    """The test archive on the database engine alone (the search page's own tests)."""
    settings.SEARCH_ENGINE = "database"
    reset_engines()
    index_all(get_database_engine())
    yield archive
    reset_engines()
