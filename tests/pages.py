"""Builders for Wagtail pages in tests: the site root and exhibit pages with archive blocks."""

from __future__ import annotations

import json

from wagtail.models import Collection, Locale, Page, Site


def ensure_root_collection() -> Collection:
    """The root Collection Wagtail's migrations create, which images and documents default to;
    a transactional test before may have flushed it."""
    return Collection.get_first_root_node() or Collection.add_root(name="Root")


def ensure_site():
    """Create the Wagtail root, a HomePage and the default Site if the database lacks them.

    Transactional tests flush every table, including the rows the migrations created, so tests
    that use them (browser tests, benchmarks) rebuild the tree. Safe to call repeatedly."""
    from exhibits.models import HomePage

    Locale.objects.get_or_create(language_code="zh-hans")
    ensure_root_collection()
    root = Page.get_first_root_node() or Page.add_root(title="Root", slug="root")
    home = HomePage.objects.first()
    if home is None:
        home = root.add_child(instance=HomePage(title="老科学家学术成长资料采集工程", slug="home"))
    site = Site.objects.filter(is_default_site=True).first() or Site(
        is_default_site=True, hostname="localhost", port=80
    )
    site.root_page = home
    site.site_name = "老科学家学术成长资料采集工程"
    site.save()
    Site.clear_site_root_paths_cache()
    return home


def publish(parent, page):
    parent.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def stream(*blocks) -> str:
    return json.dumps(list(blocks), ensure_ascii=False)


def item_block(item, caption: str = "") -> dict:
    return {"type": "item", "value": {"item": item.pk, "caption": caption}}


def deep_zoom_block(item, alt: str = "信的开头", caption: str = "局部") -> dict:
    """A deep-zoom detail of the item's first page: 40 × 30 % from (10 %, 10 %)."""
    region = {"page": 1, "x": 10, "y": 10, "width": 40, "height": 30}
    value = {"item": item.pk, **region, "alt": alt, "caption": caption}
    return {"type": "deep_zoom", "value": value}


def clip_block(interview, start: str = "00:01", end: str = "00:04", caption: str = "回国") -> dict:
    return {
        "type": "clip",
        "value": {"interview": interview.pk, "start": start, "end": end, "caption": caption},
    }


def exhibition_tree(chapter_bodies: list[str], title: str = "测试展览"):
    """home → exhibition index → exhibition → one published chapter per body."""
    from exhibits.models import ChapterPage, ExhibitionIndexPage, ExhibitionPage

    home = ensure_site()
    index = publish(home, ExhibitionIndexPage(title="专题展览", slug="exhibitions"))
    exhibition = publish(
        index, ExhibitionPage(title=title, slug="exhibition", curators_statement="<p>策展说明</p>")
    )
    chapters = [
        publish(
            exhibition,
            ChapterPage(title=f"第{n}章", slug=f"chapter-{n}", period_label="1949—1956", body=body),
        )
        for n, body in enumerate(chapter_bodies, start=1)
    ]
    return index, exhibition, chapters
