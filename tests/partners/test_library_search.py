"""The site search finds an approved public resource's record; its result names the resource's
organisation and licence and links the resource page (search.presentation.RESULT_NOTES_HOOK,
filled by the resource library), on each engine, with one query a result page for the notes."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from archive_collections.models.choices import AccessLevel
from archive_site.partners import deciding, submitting
from archive_site.partners.models import Membership
from tests.conftest import choose_english
from tests.search import conftest as search_fixtures
from tests.search import elasticsearch_support

from .library_world import build

# The search tests' fixtures: `engine` runs each test on every engine (the database's, and
# Elasticsearch's when ELASTICSEARCH_TEST_URL names a node), with those it asks for.
engine = search_fixtures.engine
elasticsearch_settings = elasticsearch_support.elasticsearch_settings
elasticsearch_url = elasticsearch_support.elasticsearch_url
index_all = search_fixtures.index_all

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(request):
    choose_english(request)


def _search(client, text):
    return client.get(reverse("search:page"), {"q": text}).content.decode()


def test_a_resource_result_names_its_organisation_and_licence(client, engine, django_user_model):
    world = build(django_user_model, process=False)
    index_all(engine)
    text = _search(client, "libpubtok")
    page = reverse("resources:resource", kwargs={"pk": world.public.pk})
    assert f'href="{page}"' in text
    assert "Shaanxi Association for Science and Technology" in text
    assert "CC BY 4.0 (attribution)" in text
    assert "Resource library: Publicity case or lead" in text
    # Partner-only, pending and rejected resources stay out of the public search.
    for token, title in (
        ("libpartok", "力学课教案"),
        ("libpendtok", "待审案例"),
        ("librejtok", "被拒案例"),
    ):
        text = _search(client, token)
        assert title not in text and "0 results" in text, token


def test_the_notes_cost_one_query_a_page(client, engine, django_user_model):
    world = build(django_user_model, process=False)
    index_all(engine)
    _search(client, "钱学森")  # the first request reads what later ones keep (sites, settings)
    with CaptureQueriesContext(connection) as one:
        _search(client, "钱学森")
    membership = Membership.objects.get(user=world.member)
    for number in range(3):
        more = submitting.create(
            membership,
            submitting.Submission(
                kind="case",
                title=f"钱学森案例{number}",
                licence="cc0-1.0",
                source_statement="自采",
                scientists=[world.scientist],
            ),
        )
        deciding.approve(more, world.curator, AccessLevel.PUBLIC)
    index_all(engine)
    with CaptureQueriesContext(connection) as four:
        text = _search(client, "钱学森")
    assert text.count("Resource library: Publicity case or lead") == 4
    assert len(four) == len(one)
