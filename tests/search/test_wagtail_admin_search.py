"""Wagtail's own admin search (pages, images, snippets) on the real Elasticsearch node, through
search/wagtail_backend.py.

The test node has only Elasticsearch's core analysis, so these tests run the fallback path:
Wagtail's stock index settings are refused, the indices are created with core analysis, and
admin search still finds Chinese and Latin titles. That the stock settings are used unchanged on
a node WITH analysis-common cannot be exercised here (no such node is available offline); the
decision between the two is unit-tested on the node's real refusals instead.
Needs the real node (see elasticsearch_support)."""

from __future__ import annotations

import io
import logging

import pytest
from django.core.files.images import ImageFile
from django.core.management import call_command
from elasticsearch import ApiError, ConnectionError, Elasticsearch
from modelsearch.backends.elasticsearchbase import ElasticsearchBaseSearchBackend
from PIL import Image as PILImage
from wagtail.images.models import Image
from wagtail.search.backends import get_search_backend

from exhibits.models import Credit, StandardPage
from search.wagtail_backend import (
    CORE_ANALYSIS,
    ArchiveElasticsearchBackend,
    forget_node_capabilities,
    missing_analysis_component,
)
from tests.pages import ensure_site, publish
from tests.search.elasticsearch_support import new_alias

pytestmark = pytest.mark.elasticsearch

CHINESE_TITLE = "两弹一星功勋科学家访谈"
LATIN_TITLE = "Rocket Propulsion Lectures"
OTHER_TITLE = "地质力学野外考察"


def _prefixed_indices(client: Elasticsearch, prefix: str) -> list[str]:
    return sorted(client.indices.get(index=f"{prefix}*", expand_wildcards="all").body)


@pytest.fixture
def es_client(elasticsearch_url):
    client = Elasticsearch(elasticsearch_url, request_timeout=10, max_retries=0)
    yield client
    client.close()


@pytest.fixture
def wagtail_es(elasticsearch_url, es_client, settings):
    """Wagtail's search on the test node, its indices under a prefix of this test's own inside
    the session's namespace (so no other test or run sees them); deleted afterwards. The
    remembered node capabilities are forgotten first, so each test sees the first refusal."""
    prefix = f"{new_alias()}-wagtail-"
    settings.WAGTAILSEARCH_BACKENDS = {
        "default": {
            "BACKEND": "search.wagtail_backend",
            "URLS": [elasticsearch_url],
            "INDEX_PREFIX": prefix,
            "TIMEOUT": 10,
            # As a deployment might: a single node keeps replicas unassigned otherwise.
            "INDEX_SETTINGS": {"settings": {"index": {"number_of_replicas": 0}}},
        }
    }
    forget_node_capabilities()
    yield prefix
    forget_node_capabilities()
    names = _prefixed_indices(es_client, prefix)
    if names:  # the node forbids wildcard deletes: by name
        es_client.indices.delete(index=",".join(names), ignore_unavailable=True)


def _png(colour: str) -> ImageFile:
    buffer = io.BytesIO()
    PILImage.new("RGB", (8, 6), colour).save(buffer, format="PNG")
    return ImageFile(io.BytesIO(buffer.getvalue()), name=f"{colour}.png")


@pytest.fixture
def content(db, wagtail_es):
    """Pages, images and credits with a Chinese, a Latin and a non-matching title."""
    home = ensure_site()
    pages = {
        title: publish(home, StandardPage(title=title, slug=f"page-{n}"))
        for n, title in enumerate((CHINESE_TITLE, LATIN_TITLE, OTHER_TITLE), start=1)
    }
    images = {
        title: Image.objects.create(title=title, file=_png(colour))
        for title, colour in (("钱学森在实验室", "red"), ("Wind tunnel model", "blue"))
    }
    credits = {
        name: Credit.objects.create(name=name, organisation=organisation)
        for name, organisation in (("中国科学院档案馆", "中国科学院"), ("Caltech Archives", ""))
    }
    return pages, images, credits


def _update_index() -> str:
    out = io.StringIO()
    call_command("update_index", verbosity=1, stdout=out)
    return out.getvalue()


def test_update_index_falls_back_to_core_analysis_and_warns_once(
    content, wagtail_es, es_client, caplog
):
    with caplog.at_level(logging.WARNING, logger="search.wagtail_backend"):
        _update_index()

    warnings = [r for r in caplog.records if r.name == "search.wagtail_backend"]
    # Four indices (pages, images, documents, credits) were created: one warning, naming what
    # the node refused and what to do about it.
    assert len(warnings) == 1
    message = warnings[0].getMessage()
    assert "tokenizer type [ngram]" in message
    assert "analysis-common" in message
    assert "update_index" in message

    pages_alias = f"{wagtail_es}wagtailcore_page"
    found = es_client.indices.get_settings(index=pages_alias).body
    assert len(found) == 1  # the alias points at one generation, the old one was dropped
    ((concrete, body),) = found.items()
    assert concrete.startswith(f"{pages_alias}_")
    index_settings = body["settings"]["index"]
    analysis = index_settings["analysis"]
    assert analysis["analyzer"] == CORE_ANALYSIS["analyzer"]
    assert "tokenizer" not in analysis and "filter" not in analysis
    assert "max_ngram_diff" not in index_settings
    # INDEX_SETTINGS beyond the analysis are kept on the fallback path.
    assert index_settings["number_of_replicas"] == "0"

    for root in (
        "wagtailcore_page",
        "wagtailimages_image",
        "wagtaildocs_document",
        "exhibits_credit",
    ):
        body = es_client.indices.get_settings(index=f"{wagtail_es}{root}").body
        (only,) = body.values()
        assert only["settings"]["index"]["analysis"]["analyzer"] == CORE_ANALYSIS["analyzer"]
    assert es_client.count(index=pages_alias)["count"] >= 4  # home + three pages


def _titles_shown(client, path: str, q: str, titles) -> set[str]:
    response = client.get(path, {"q": q})
    assert response.status_code == 200, (path, q)
    html = response.content.decode()
    return {title for title in titles if title in html}


def test_admin_page_search_finds_chinese_and_latin_titles(client, superuser, content, wagtail_es):
    _update_index()
    backend = get_search_backend()
    assert isinstance(backend, ArchiveElasticsearchBackend) and backend.uses_core_analysis()
    client.force_login(superuser)
    titles = (CHINESE_TITLE, LATIN_TITLE, OTHER_TITLE)

    def search(q: str) -> set[str]:
        return _titles_shown(client, "/admin/pages/search/", q, titles)

    assert search("两弹一星") == {CHINESE_TITLE}
    # A word from inside the title: every one of its characters occurs (Chinese is indexed
    # character by character and admin search requires all query tokens).
    assert search("功勋") == {CHINESE_TITLE}
    assert search("rocket") == {LATIN_TITLE}
    assert search("PROPULSION lectures") == {LATIN_TITLE}
    assert search("考察") == {OTHER_TITLE}
    assert search("望远镜") == set()
    # Core analysis indexes whole words: a word's beginning alone no longer matches (the
    # documented cost of the fallback, stated in the warning).
    assert search("rock") == set()


def test_admin_image_and_snippet_search(client, superuser, content, wagtail_es):
    _update_index()
    client.force_login(superuser)
    image_titles = ("钱学森在实验室", "Wind tunnel model")
    assert _titles_shown(client, "/admin/images/", "实验室", image_titles) == {"钱学森在实验室"}
    assert _titles_shown(client, "/admin/images/", "tunnel", image_titles) == {"Wind tunnel model"}
    credit_names = ("中国科学院档案馆", "Caltech Archives")
    url = "/admin/snippets/exhibits/credit/"
    assert _titles_shown(client, url, "档案馆", credit_names) == {"中国科学院档案馆"}
    assert _titles_shown(client, url, "caltech", credit_names) == {"Caltech Archives"}


def test_saving_after_rebuild_updates_the_fallback_index(client, superuser, content, wagtail_es):
    """A page published after update_index reaches the index through Wagtail's signals."""
    _update_index()
    page = publish(ensure_site(), StandardPage(title="核潜艇研制历程", slug="submarine"))
    get_search_backend().get_index_for_model(StandardPage).refresh()
    client.force_login(superuser)
    assert _titles_shown(client, "/admin/pages/search/", "潜艇", [page.title]) == {page.title}


def test_later_index_creations_skip_the_refused_request(wagtail_es, es_client):
    backend = get_search_backend()
    first, second = f"{wagtail_es}first", f"{wagtail_es}second"
    backend.create_index(first)
    assert backend.uses_core_analysis()
    # A fresh backend object (Wagtail makes one per use) remembers the node's answer.
    get_search_backend().create_index(second)
    for name in (first, second):
        analyzers = es_client.indices.get_settings(index=name).body[name]["settings"]["index"]
        assert analyzers["analysis"]["analyzer"] == CORE_ANALYSIS["analyzer"]


def test_other_refusals_are_not_taken_for_missing_analysis(wagtail_es):
    backend = get_search_backend()
    name = f"{wagtail_es}twice"
    backend.create_index(name)
    with pytest.raises(ApiError) as refused:  # already exists: raised, not papered over
        backend.create_index(name)
    assert refused.value.error == "resource_already_exists_exception"


# --- the decision function, on the node's real refusals -------------------------------------


def _refusal(call) -> BaseException:
    with pytest.raises(Exception) as caught:
        call()
    return caught.value


def test_missing_component_read_from_the_nodes_refusals(es_client, wagtail_es):
    stock = _refusal(
        lambda: es_client.indices.create(
            index=f"{wagtail_es}stock", **ElasticsearchBaseSearchBackend.settings
        )
    )
    assert missing_analysis_component(stock) == "tokenizer type [ngram]"

    named_filter = _refusal(
        lambda: es_client.indices.create(
            index=f"{wagtail_es}folding",
            settings={
                "analysis": {
                    "analyzer": {
                        "a": {"type": "custom", "tokenizer": "standard", "filter": ["asciifolding"]}
                    }
                }
            },
        )
    )
    assert missing_analysis_component(named_filter) == "filter [asciifolding]"

    edge_filter = _refusal(
        lambda: es_client.indices.create(
            index=f"{wagtail_es}edge",
            settings={"analysis": {"filter": {"e": {"type": "edge_ngram", "max_gram": 3}}}},
        )
    )
    assert missing_analysis_component(edge_filter) == "filter type [edge_ngram]"

    global_tokenizer = _refusal(lambda: es_client.indices.analyze(tokenizer="keyword", text="x"))
    assert missing_analysis_component(global_tokenizer) == "tokenizer [keyword]"


def test_other_errors_are_not_missing_components(es_client, wagtail_es):
    name = f"{wagtail_es}exists"
    es_client.indices.create(index=name)
    exists = _refusal(lambda: es_client.indices.create(index=name))
    assert isinstance(exists, ApiError) and exists.error == "resource_already_exists_exception"
    assert missing_analysis_component(exists) is None

    bad_setting = _refusal(
        lambda: es_client.indices.create(
            index=f"{wagtail_es}shards", settings={"index": {"number_of_shards": 0}}
        )
    )
    assert isinstance(bad_setting, ApiError) and bad_setting.meta.status == 400
    assert missing_analysis_component(bad_setting) is None

    bad_mapping = _refusal(
        lambda: es_client.indices.create(
            index=f"{wagtail_es}mapping", mappings={"properties": {"f": {"type": "no_such_type"}}}
        )
    )
    assert missing_analysis_component(bad_mapping) is None

    unreachable = Elasticsearch("http://127.0.0.1:9", request_timeout=2, max_retries=0)
    down = _refusal(lambda: unreachable.info())
    assert isinstance(down, ConnectionError)
    assert missing_analysis_component(down) is None


def test_admin_search_before_any_index_exists_answers_empty(
    client, superuser, db, wagtail_es, es_client, caplog
):
    """Before the first update_index (and before anything was saved) the indices are absent:
    the admin listings answer with no results and the log says what to run."""
    assert _prefixed_indices(es_client, wagtail_es) == []
    client.force_login(superuser)
    urls = (
        "/admin/pages/search/?q=钱学森",
        "/admin/images/?q=钱学森",
        "/admin/documents/?q=钱学森",
        "/admin/snippets/exhibits/credit/?q=钱学森",
    )
    with caplog.at_level(logging.WARNING, logger="search.wagtail_backend"):
        for url in urls * 2:
            assert client.get(url).status_code == 200, url
    messages = [r.getMessage() for r in caplog.records if r.name == "search.wagtail_backend"]
    # One warning per missing index however often it is searched.
    assert sorted(m.split()[3] for m in messages) == sorted(
        f"{wagtail_es}{root}"
        for root in (
            "wagtailcore_page",
            "wagtailimages_image",
            "wagtaildocs_document",
            "exhibits_credit",
        )
    )
    assert all("update_index" in m for m in messages)


def test_admin_search_answers_from_the_database_while_the_node_is_unreachable(
    client, superuser, content, settings, caplog
):
    """Port 9 (discard) is no Elasticsearch node: every admin listing still answers, with the
    matching titles found by Wagtail's database fallback, and the log says why."""
    settings.WAGTAILSEARCH_BACKENDS = {
        "default": {
            "BACKEND": "search.wagtail_backend",
            "URLS": ["http://127.0.0.1:9"],
            "INDEX_PREFIX": "unreachable-wagtail-",
            "TIMEOUT": 2,
        }
    }
    forget_node_capabilities()
    client.force_login(superuser)
    titles = (CHINESE_TITLE, LATIN_TITLE, OTHER_TITLE)
    with caplog.at_level(logging.WARNING, logger="search.wagtail_backend"):
        assert _titles_shown(client, "/admin/pages/search/", "两弹一星", titles) == {CHINESE_TITLE}
        assert _titles_shown(client, "/admin/pages/search/", "rocket", titles) == {LATIN_TITLE}
        image_titles = ("钱学森在实验室", "Wind tunnel model")
        assert _titles_shown(client, "/admin/images/", "实验室", image_titles) == {"钱学森在实验室"}
        credit_names = ("中国科学院档案馆", "Caltech Archives")
        url = "/admin/snippets/exhibits/credit/"
        assert _titles_shown(client, url, "档案馆", credit_names) == {"中国科学院档案馆"}
    messages = [r.getMessage() for r in caplog.records if r.name == "search.wagtail_backend"]
    assert len(messages) == 1 and "127.0.0.1:9 is unreachable" in messages[0]
