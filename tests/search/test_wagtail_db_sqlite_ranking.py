"""Wagtail's own search on SQLite ranks a word found in many titles in one pass over the match
set (search/wagtail_db_sqlite.py): Wagtail's query read each match's score by running the
full-text match again per match, and SQLite could walk the image index entries running the
match once per entry — minutes for a chooser search over thousands of images. The order of the
results stays Wagtail's: best score first, then the newest. On PostgreSQL (Wagtail's own query
there, no FTS5 match to repeat) the same searches find the same records."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.images.models import Image
from wagtail.search.backends import get_search_backend

from tests.search.test_wagtail_db_search import _png

pytestmark = pytest.mark.django_db

TITLES = ["手稿", "手稿手稿照片", "钱学森手稿", "手稿目录", "照片", "手稿与书信合集", "书信"]


@pytest.fixture
def images(settings):
    settings.WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "search.wagtail_db_backend"}}
    file = _png("white")
    made = [Image.objects.create(title=title, file=file) for title in TITLES]
    get_search_backend().add_bulk(Image, made)
    return made


def _titles(results) -> list[str]:
    return [image.title for image in results]


def _fts_per_row(queries) -> list[str]:
    """Queries in which the full-text table is searched once per row of another table (its
    plan looks it up by rowid with the match: "VIRTUAL TABLE INDEX 0:=M")."""
    slow = []
    with connection.cursor() as cursor:
        for query in queries:
            if "MATCH" not in query["sql"]:
                continue
            cursor.execute("EXPLAIN QUERY PLAN " + query["sql"])
            plan = " ".join(str(row[-1]) for row in cursor.fetchall())
            if "VIRTUAL TABLE INDEX 0:=M" in plan or "CORRELATED" in plan:
                slow.append(plan)
    return slow


def test_chooser_search_runs_the_match_once(client, superuser, images):
    client.force_login(superuser)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/admin/images/chooser/results/", {"q": "手稿"})
    assert response.status_code == 200
    assert "There are 5 matches" in response.content.decode()
    assert _fts_per_row(queries.captured_queries) == []


def test_ranked_as_wagtail_ranks(images, monkeypatch):
    backend = get_search_backend()
    ours = backend.autocomplete("手稿", Image.objects.all())
    ours_titles = _titles(ours[0:10])
    assert ours.count() == 5 and set(ours_titles) == {t for t in TITLES if "手稿" in t}
    assert _titles(ours[1:3]) == ours_titles[1:3]
    if connection.vendor != "sqlite":
        return
    # The SQLite modules can be imported only on SQLite.
    from modelsearch.backends.database.sqlite.sqlite import SQLiteSearchQueryCompiler

    from search import wagtail_db_sqlite

    monkeypatch.setattr(
        wagtail_db_sqlite._SQLiteCompilerMixin,  # noqa: SLF001
        "search",
        SQLiteSearchQueryCompiler.search,
        raising=False,
    )
    assert _titles(backend.autocomplete("手稿", Image.objects.all())[0:10]) == ours_titles
