"""A generated archive with every record type, file kind and an exhibition, and what to compare.

The demo archive takes minutes to generate and process (speech, video, OCR); this archive holds
the same kinds of things at a small size: scientists with every child record and a portrait,
fonds, nested series, items of several access levels with subjects and scientists, an image, a
PDF and a recording with derivatives and IIIF tiles, page texts, fixity checks, an interview
with transcript and index, OAI records, an exhibition with a hero image, credits, a document and
blocks that show items, a clip and scientists.

A restore is tested against a freshly migrated database: the suite's template copy
(tests/db_template.py), which is exactly what `migrate` leaves on a new installation.
"""

from __future__ import annotations

import hashlib
import io
import re
import shutil
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.core.files.storage import FileSystemStorage, storages
from django.core.management import call_command
from django.test import Client
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.models import Page, Revision, Site

from archive_collections.models import (
    Discipline,
    Fonds,
    IndexSegment,
    Interview,
    Item,
    Scientist,
    ScientistAffiliation,
    ScientistHonour,
    ScientistName,
    ScientistRelation,
    Series,
    TranscriptSegment,
)
from exhibits.models import Credit, ExhibitionCredit
from media_pipeline.ingest import ingest_fileobj
from tests.factories.catalogue import (
    FondsFactory,
    InterviewFactory,
    ItemFactory,
    ScientistFactory,
    SeriesFactory,
)
from tests.factories.files import PageTextFactory, small_jpeg
from tests.media_pipeline.samples import image_bytes, pdf_bytes, wav_bytes
from tests.pages import exhibition_tree, item_block, stream

pytestmark = pytest.mark.slow

# Apps whose every table a restore must bring back, plus the Wagtail and taggit tables they use.
COMPARED_APPS = ("collections", "media_pipeline", "exhibits")
COMPARED_MODELS = (
    "wagtailcore.page",
    "wagtailcore.revision",
    "wagtailcore.site",
    "wagtailcore.locale",
    "wagtailcore.collection",
    "wagtailimages.image",
    "wagtaildocs.document",
    "taggit.tag",
    "taggit.taggeditem",
)
# Files made on request (IIIF renders, image renditions) are caches, not archive content.
CACHES = ("iiif-cache/", "images/")


def _ingest(item, data: bytes, name: str, sequence: int):
    item_file = ingest_fileobj(item, io.BytesIO(data), name, sequence=sequence)
    item_file.refresh_from_db()
    return item_file


def build_archive() -> dict:
    """The generated archive; files are processed on commit (immediate task backend)."""
    physics = Discipline.objects.create(name="物理学", name_en="Physics")
    portrait = Image.objects.create(
        title="钱学森像", file=ImageFile(io.BytesIO(small_jpeg(7, (80, 100))), name="portrait.jpg")
    )
    qian = ScientistFactory(
        identifier="qian-xuesen",
        name="钱学森",
        biography="<p>中国航天事业<b>奠基人</b>。</p>",
        portrait=portrait,
        gender="male",
    )
    qian.disciplines.add(physics)
    qian.save()
    guo = ScientistFactory(identifier="guo-yonghuai", name="郭永怀")
    ScientistName.objects.create(scientist=qian, name="Tsien Hsue-shen", kind="wade_giles")
    ScientistHonour.objects.create(scientist=qian, title="两弹一星功勋奖章", year=1999)
    ScientistAffiliation.objects.create(
        scientist=qian, institution="加州理工学院", role="教授", start_year=1949, end_year=1955
    )
    ScientistRelation.objects.create(scientist=qian, other=guo, kind="colleague")
    fonds = FondsFactory(identifier="F-QXS", scientist=qian)
    series = SeriesFactory(identifier="S-QXS-1", fonds=fonds, title="手稿")
    subseries = SeriesFactory(identifier="S-QXS-1-1", fonds=fonds, parent=series, level="subseries")
    manuscript = ItemFactory(identifier="QXS-001", series=subseries, title="工程控制论手稿")
    manuscript.subjects.add("控制论", "航天")
    manuscript.scientists.add(qian, guo)
    manuscript.save()
    publication = ItemFactory(identifier="QXS-002", series=series, item_type="publication")
    ItemFactory(identifier="QXS-003", series=series, access_level="researchers", title="书信")
    ItemFactory(identifier="QXS-004", series=series, embargo_until="2099-01-01")
    recording = ItemFactory(identifier="QXS-OH-1", series=series, item_type="oral_history")
    scan = _ingest(manuscript, image_bytes("JPEG", (300, 200)), "第1页.jpg", 1)
    _ingest(publication, pdf_bytes(2), "论文.pdf", 1)
    _ingest(recording, wav_bytes(1.0), "访谈.wav", 1)
    PageTextFactory(item_file=scan, page_number=1)
    interview = InterviewFactory(item=recording, interviewee=qian, interview_date="2009-05-01")
    for n in range(3):
        TranscriptSegment.objects.create(
            interview=interview,
            start_ms=n * 300,
            end_ms=n * 300 + 250,
            speaker="钱学森" if n % 2 else "访谈人",
            text=f"第{n + 1}段回忆。",
        )
    IndexSegment.objects.create(
        interview=interview,
        start_ms=0,
        title="童年",
        synopsis="北京求学",
        keywords="北京；师大附中",
    )
    call_command("fixity_audit", stdout=io.StringIO())
    document = Document.objects.create(
        title="教学活动单", file=ContentFile(b"%PDF-1.4 worksheet", name="worksheet.pdf")
    )
    hero = Image.objects.create(
        title="展览主图", file=ImageFile(io.BytesIO(small_jpeg(9, (120, 80))), name="hero.jpg")
    )
    chapter_body = stream(
        item_block(manuscript, "手稿"),
        {"type": "image", "value": {"image": hero.pk, "alt": "导弹发射", "caption": "1960年"}},
        {
            "type": "clip",
            "value": {
                "interview": interview.pk,
                "start": "00:00",
                "end": "00:01",
                "caption": "回忆",
            },
        },
        {"type": "scientists", "value": {"heading": "人物", "scientists": [qian.pk, guo.pk]}},
    )
    index, exhibition, chapters = exhibition_tree([chapter_body])
    exhibition.hero_image, exhibition.hero_image_alt = hero, "导弹发射"
    credit = Credit.objects.create(name="采集小组", organisation="中国科协")
    ExhibitionCredit.objects.create(page=exhibition, credit=credit, role="策展")
    exhibition.save_revision().publish()
    # As load_demo does: the home page the migration made is indexed only by a rebuild.
    call_command("rebuild_search_index", "--no-progress", stdout=io.StringIO())
    return {"exhibition": exhibition.pk, "document": document.pk}


def table_rows() -> dict[str, dict[object, dict]]:
    """Every row of every compared table, every stored field, by key."""
    wanted = [m for app in COMPARED_APPS for m in apps.get_app_config(app).get_models()]
    wanted += [apps.get_model(label) for label in COMPARED_MODELS]
    wanted += [
        field.remote_field.through
        for model in list(wanted)
        for field in model._meta.local_many_to_many
        if field.remote_field.through._meta.auto_created
    ]
    snapshot = {}
    for model in wanted:
        fields = [field.attname for field in model._meta.concrete_fields]
        rows = model._base_manager.all()
        if model is Revision:
            rows = rows.filter(pk__in=kept_revisions())
        snapshot[model._meta.label_lower] = {row["pk"]: row for row in rows.values("pk", *fields)}
    return snapshot


def kept_revisions() -> set[int]:
    """A backup keeps each page's latest and live revision and each record's latest one (its
    draft and its history entry), not the whole history."""
    kept = set()
    for model in (Page, Scientist, Fonds, Series, Item, Interview):
        kept.update(model._base_manager.values_list("latest_revision", flat=True))
    kept.update(Page.objects.values_list("live_revision", flat=True))
    return kept - {None}


def file_checksums() -> dict[str, dict[str, str]]:
    sums: dict[str, dict[str, str]] = {}
    for alias in ("masters", "derivatives", "default"):
        storage = storages[alias]
        root = Path(storage.location)
        names = [p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()]
        sums[alias] = {
            name: hashlib.sha256((root / name).read_bytes()).hexdigest()
            for name in names
            if not name.startswith(CACHES)
        }
    return sums


# Per-request values: CSRF tokens and nonces.
# Per-request values: CSRF tokens, CSP nonces, and the counting beacon's signed time (its
# page or record key before the first colon stays compared).
_VOLATILE = re.compile(
    r'(csrfmiddlewaretoken" value="|nonce="|csrftoken=|data-count="[^":]+:)[^"; ]+'
)


def public_urls() -> list[str]:
    urls = [page.url for page in Page.objects.live().specific() if page.depth > 1]
    urls += ["/archive/scientists/qian-xuesen/", "/archive/scientists/guo-yonghuai/"]
    urls += ["/archive/fonds/F-QXS/", "/archive/series/S-QXS-1/"]
    urls += [f"/archive/items/{i}/" for i in ("QXS-001", "QXS-002", "QXS-003", "QXS-OH-1")]
    urls += ["/archive/items/QXS-OH-1/interview/", "/search/?q=手稿", "/search/?q=回忆"]
    return sorted(urls)


def rendered_pages(urls: list[str], client: Client | None = None) -> dict[str, tuple[int, str]]:
    cache.clear()
    Site.clear_site_root_paths_cache()
    client = client or Client()
    pages = {}
    for url in urls:
        response = client.get(url)
        body = response.content.decode() if response.status_code == 200 else ""
        pages[url] = (response.status_code, _VOLATILE.sub(r"\1…", body))
    return pages


def empty_instance(database) -> None:
    """A freshly migrated database and empty storages: what a new installation starts with."""
    database.restore()
    ContentType.objects.clear_cache()
    cache.clear()
    for alias in ("masters", "derivatives", "default"):
        if isinstance(storages[alias], FileSystemStorage):
            shutil.rmtree(storages[alias].location, ignore_errors=True)
    Path(settings.MEDIA_ROOT).mkdir(parents=True, exist_ok=True)


def bag_files(bag: Path) -> list[str]:
    return sorted(p.relative_to(bag).as_posix() for p in bag.rglob("*") if p.is_file())


@pytest.fixture
def fresh(django_db_setup):
    """Call to turn the test's database and storages into a new, empty installation (a test
    starts with one too: a transactional test before it may have flushed every table)."""
    return lambda: empty_instance(django_db_setup)
