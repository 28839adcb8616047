"""Factories for exhibit pages: an index under the site's home page, exhibitions, chapters.

Each page is added under its parent in the tree and published through a revision, as an editor
would, so it is live and has a URL. ``ChapterPageFactory(body=stream(item_block(item)))`` builds
a whole exhibition around one chapter; pass ``parent=`` to share one exhibition.
"""

from __future__ import annotations

import factory
from wagtail.models import Page
from wagtail_factories import PageFactory

from exhibits.models import ChapterPage, ExhibitionIndexPage, ExhibitionPage
from tests.pages import ensure_site


class _PublishedPageFactory(PageFactory):
    class Meta:
        abstract = True
        skip_postgeneration_save = True

    @factory.post_generation
    def published(obj: Page, create: bool, extracted: bool | None, **kwargs: object) -> None:
        if create and extracted is not False:
            obj.save_revision().publish()
            obj.refresh_from_db()


class ExhibitionIndexPageFactory(_PublishedPageFactory):
    class Meta:
        model = ExhibitionIndexPage

    parent = factory.LazyFunction(ensure_site)
    title = "专题展览"
    slug = factory.Sequence(lambda n: f"exhibitions-{n}")


class ExhibitionPageFactory(_PublishedPageFactory):
    class Meta:
        model = ExhibitionPage

    parent = factory.SubFactory(ExhibitionIndexPageFactory)
    title = factory.Sequence(lambda n: f"科学家的足迹（{n}）")
    slug = factory.Sequence(lambda n: f"exhibition-{n}")
    curators_statement = "<p>策展说明</p>"


class ChapterPageFactory(_PublishedPageFactory):
    class Meta:
        model = ChapterPage

    parent = factory.SubFactory(ExhibitionPageFactory)
    title = factory.Sequence(lambda n: f"第{n + 1}章")
    slug = factory.Sequence(lambda n: f"chapter-{n}")
    period_label = "1949—1956"
    introduction = "新中国成立初期的科研起步。"
