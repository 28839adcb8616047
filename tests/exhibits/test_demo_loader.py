"""The demo exhibition is data: its page files load into the same pages every time, records the
archive lacks are left out, and a malformed file is refused naming the file, page and field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from wagtail.models import Page, Revision

from exhibits.demo import DemoDataError, load_theme_exhibition, read_exhibition
from exhibits.demo.loader import default_folder
from exhibits.models import (
    ChapterPage,
    Credit,
    ExhibitionCredit,
    ExhibitionPage,
    ScientistStoryPage,
    TeacherResourcePage,
)
from tests.factories import InterviewFactory, ItemFactory, ScientistFactory
from tests.pages import ensure_site

pytestmark = pytest.mark.django_db

DEMO_PAGES = [
    ("chapter", "founding"),
    ("chapter", "march-on-science"),
    ("chapter", "two-bombs-one-satellite"),
    ("chapter", "spring-of-science"),
    ("chapter", "reform-and-rejuvenation"),
    ("chapter", "new-era"),
    ("story", "qian-xuesen-road-home"),
    ("story", "tu-youyou-artemisinin"),
    ("resource", "junior-two-bombs-one-satellite"),
    ("resource", "senior-scientists-spirit"),
]


def quiet(line: str) -> None:
    pass


def tree() -> list[tuple]:
    """Everything a reload could change: each page's place, identity, revisions and content."""
    pages = Page.objects.order_by("path").specific()
    return [
        (
            page.path,
            page.slug,
            page.title,
            page.live,
            page.latest_revision_id,
            json.dumps(page.get_latest_revision_as_object().serializable_data(), default=str),
        )
        for page in pages
    ]


def blocks(stream) -> list[tuple[str, object]]:
    return [(block["type"], block["value"]) for block in stream.get_prep_value()]


def test_the_demo_files_define_the_exhibition():
    files = read_exhibition(default_folder())
    assert files.index.slug == "exhibitions"
    assert files.exhibition.slug == "chinese-scientists-under-the-party"
    assert [(page.data["type"], page.slug) for page in files.pages] == DEMO_PAGES


def test_demo_loads_twice_without_changes():
    ensure_site()
    letter = ItemFactory(identifier="DA-QXS-04-002")
    qian = ScientistFactory(identifier="qian-xuesen")
    interview = InterviewFactory(item__identifier="DA-QXS-01-001")
    lines: list[str] = []
    exhibition = load_theme_exhibition(log=lines.append)

    assert isinstance(exhibition, ExhibitionPage) and exhibition.live
    assert exhibition.opening_date.isoformat() == "2026-10-01"
    children = exhibition.get_children().specific()
    assert [page.slug for page in children] == [slug for _kind, slug in DEMO_PAGES]
    assert all(page.live for page in children)
    founding = ChapterPage.objects.get(slug="founding")
    kinds = [kind for kind, _value in blocks(founding.body)]
    # The three galleries' items and most chapter figures are not in this archive: left out.
    assert kinds == ["text", "text", "pull_quote", "clip", "item", "timeline", "scientists"]
    assert dict(blocks(founding.body))["item"]["item"] == letter.pk
    assert dict(blocks(founding.body))["clip"]["interview"] == interview.pk
    assert dict(blocks(founding.body))["scientists"]["scientists"] == [qian.pk]
    events = dict(blocks(founding.body))["timeline"]["events"]
    assert [event["label"] for event in events] == ["中国科学院成立", "钱学森回国"]
    assert ScientistStoryPage.objects.get(slug="qian-xuesen-road-home").scientist_id == qian.pk
    assert ScientistStoryPage.objects.get(slug="tu-youyou-artemisinin").scientist_id is None
    resource = TeacherResourcePage.objects.get(slug="senior-scientists-spirit")
    assert [kind for kind, _value in blocks(resource.linked_items)] == ["clip"]
    assert len(blocks(resource.learning_objectives)) == 3
    assert "DA-HLG-04-001" in lines[-1] and "DA-QXS-04-002" not in lines[-1]
    assert sum("created and published" in line for line in lines) == 2 + len(DEMO_PAGES)

    before = (tree(), Revision.objects.count(), Credit.objects.count())
    again: list[str] = []
    load_theme_exhibition(log=again.append)
    assert (tree(), Revision.objects.count(), Credit.objects.count()) == before
    assert sum("already present, left unchanged" in line for line in again) == 2 + len(DEMO_PAGES)


def test_a_curators_edits_survive_a_reload():
    ensure_site()
    exhibition = load_theme_exhibition(log=quiet)
    credit = Credit.objects.get()
    credit.name = "钱学森图书馆策展组"
    credit.save()
    chapter = ChapterPage.objects.get(slug="new-era")
    chapter.title = "新时代"
    chapter.save_revision().publish()

    load_theme_exhibition(log=quiet)
    assert ChapterPage.objects.get(slug="new-era").title == "新时代"
    assert list(Credit.objects.values_list("name", flat=True)) == ["钱学森图书馆策展组"]
    assert ExhibitionCredit.objects.filter(page=exhibition).count() == 1


# Malformed files ----------------------------------------------------------------------------

INDEX = 'type = "exhibition_index"\nslug = "exhibitions"\ntitle = "专题展览"\n'
EXHIBITION = 'type = "exhibition"\nslug = "show"\ntitle = "展览"\nopening_date = 2026-10-01\n'
CHAPTER = """type = "chapter"
slug = "first"
title = "第一章"
start_year = 1949

[[body]]
type = "text"
value = "<p>正文</p>"

[[body]]
type = "gallery"
heading = "归国之路"
items = ["DA-1", "DA-2"]

[[body]]
type = "timeline"

[[body.events]]
label = "中国科学院成立"
date_text = "1949年11月"
"""


def write_folder(folder: Path) -> Path:
    """A small exhibition folder of the demo's layout, written by the test."""
    files = {"index.toml": INDEX, "exhibition.toml": EXHIBITION, "pages/01-first.toml": CHAPTER}
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_a_well_formed_folder_loads(tmp_path):
    ensure_site()
    exhibition = load_theme_exhibition(log=quiet, folder=write_folder(tmp_path))
    chapter = ChapterPage.objects.child_of(exhibition).get()
    assert (chapter.slug, chapter.start_year) == ("first", 1949)
    # Neither gallery item is in the archive; the timeline keeps its dated event.
    assert [kind for kind, _value in blocks(chapter.body)] == ["text", "timeline"]


BAD_FILES = [
    pytest.param(
        "pages/01-first.toml",
        CHAPTER.replace('items = ["DA-1", "DA-2"]', 'items = "DA-1"'),
        "first",
        "body[1] (gallery).items",
        "expected a list of item identifiers, got str 'DA-1'",
        id="wrong-type-in-a-block",
    ),
    pytest.param(
        "pages/01-first.toml",
        CHAPTER.replace("start_year = 1949", 'start_year = "1949年"'),
        "first",
        "start_year",
        "expected a whole number",
        id="wrong-type-in-a-page-field",
    ),
    pytest.param(
        "pages/01-first.toml",
        CHAPTER.replace("items =", "images ="),
        "first",
        "body[1] (gallery).images",
        "unknown field",
        id="unknown-block-field",
    ),
    pytest.param(
        "pages/01-first.toml",
        CHAPTER.replace('date_text = "1949年11月"\n', ""),
        "first",
        "body[2] (timeline).events[0].date_text",
        "give date_text or item",
        id="event-without-a-date",
    ),
    pytest.param(
        "pages/01-first.toml",
        CHAPTER.replace('type = "gallery"', 'type = "map"'),
        "first",
        "body[1].type",
        "unknown block type 'map'",
        id="unknown-block-type",
    ),
    pytest.param(
        "pages/01-first.toml",
        CHAPTER.replace('title = "第一章"\n', ""),
        "first",
        "title",
        "missing",
        id="missing-title",
    ),
    pytest.param(
        "pages/01-first.toml",
        CHAPTER.replace('slug = "first"', 'slug = "first chapter"'),
        "first chapter",
        "slug",
        "expected letters, digits",
        id="bad-slug",
    ),
    pytest.param(
        "pages/01-first.toml",
        CHAPTER.replace('type = "chapter"', 'type = "exhibition"'),
        "first",
        "type",
        "expected chapter or story or resource here",
        id="page-type-out-of-place",
    ),
    pytest.param(
        "pages/01-first.toml",
        CHAPTER.replace("[[body.events]]", "[[body.events]"),
        "01-first",
        "(file)",
        "not valid TOML",
        id="toml-syntax",
    ),
    pytest.param(
        "exhibition.toml",
        EXHIBITION.replace("2026-10-01", '"2026年10月"'),
        "show",
        "opening_date",
        "expected a date",
        id="date-as-text",
    ),
]


@pytest.mark.parametrize(("name", "text", "page", "field", "reason"), BAD_FILES)
def test_a_malformed_file_is_refused_naming_file_page_and_field(
    tmp_path, name, text, page, field, reason
):
    ensure_site()
    folder = write_folder(tmp_path)
    (folder / name).write_text(text, encoding="utf-8")
    pages = Page.objects.count()
    with pytest.raises(DemoDataError) as info:
        load_theme_exhibition(log=quiet, folder=folder)
    error = info.value
    assert (error.path, error.page, error.field) == (folder / name, page, field)
    assert reason in error.reason
    assert str(error).startswith(f"{folder / name}: page “{page}”, field “{field}”: ")
    assert Page.objects.count() == pages  # nothing was built from a bad folder


def test_two_pages_with_one_slug_are_refused(tmp_path):
    folder = write_folder(tmp_path)
    (folder / "pages" / "02-again.toml").write_text(CHAPTER, encoding="utf-8")
    with pytest.raises(DemoDataError) as info:
        read_exhibition(folder)
    assert (info.value.path.name, info.value.page, info.value.field) == (
        "02-again.toml",
        "first",
        "slug",
    )
    assert "already used by 01-first.toml" in str(info.value)


def test_a_missing_file_is_named(tmp_path):
    folder = write_folder(tmp_path)
    (folder / "index.toml").unlink()
    with pytest.raises(DemoDataError, match="index.toml: page “index”, field “\\(file\\)”"):
        read_exhibition(folder)
