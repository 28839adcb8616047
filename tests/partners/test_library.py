"""The resource library: who sees which resource, facets and filters, the resource page, its
download package, counting, and the site search's note on a shared resource."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.conf import settings
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from archive_collections.models.choices import AccessLevel
from archive_site.analytics.models import Hit, Kind
from archive_site.partners import deciding, submitting
from archive_site.partners.library import packaging
from archive_site.partners.models import Membership
from tests.conftest import choose_english
from tests.factories import ItemFileFactory

from .library_world import build

pytestmark = pytest.mark.django_db

BROWSER = {"HTTP_USER_AGENT": "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0"}


@pytest.fixture(autouse=True)
def english(request):
    """Tests read English messages (the language switcher's cookie, as a visitor sets it)."""
    choose_english(request)


@pytest.fixture
def world(django_user_model):
    """The resources with their files unprocessed (no thumbnails): quicker where none is shown."""
    return build(django_user_model, process=False)


def _page(resource):
    return reverse("resources:resource", kwargs={"pk": resource.pk})


def _package(resource):
    return reverse("resources:package", kwargs={"pk": resource.pk})


def _body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def test_the_library_lists_what_each_visitor_may_see(client, world, django_user_model):
    library = reverse("resources:library")
    text = client.get(library).content.decode()
    assert "libpubtok" in text and "CC BY 4.0" in text
    assert "Shaanxi Association for Science and Technology" in text
    assert "libpartok" not in text and "libpendtok" not in text and "librejtok" not in text
    for user in (world.member, world.other_member, world.curator):
        client.force_login(user)
        text = client.get(library).content.decode()
        assert "libpubtok" in text and "libpartok" in text, user
        assert "libpendtok" not in text and "librejtok" not in text, user
    client.force_login(django_user_model.objects.create_superuser("lib-root", password="x"))
    text = client.get(library).content.decode()
    assert "libpendtok" not in text and "librejtok" not in text


def test_facets_count_and_filter(client, world):
    client.force_login(world.member)
    response = client.get(reverse("resources:library"))
    facets = {facet.param: facet for facet in response.context["facets"]}
    assert {v.label: v.count for v in facets["kind"].values} == {
        "Publicity case or lead": 1,
        "Original product": 1,
    }
    assert {v.label: v.count for v in facets["region"].values} == {"Shaanxi": 1, "National": 1}
    client.cookies.pop(
        settings.LANGUAGE_COOKIE_NAME, None
    )  # the Chinese site names regions in Chinese
    chinese = client.get(reverse("resources:library")).context["facets"]
    assert {v.label for f in chinese if f.param == "region" for v in f.values} == {"陕西省", "全国"}
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert {v.count for v in facets["scientist"].values} == {2}
    org = {v.label: v for v in facets["organisation"].values}
    assert set(org) == {"Shaanxi Association for Science and Technology", "中国力学学会"}
    narrowed = client.get(reverse("resources:library") + org["中国力学学会"].url)
    titles = [card["resource"].title for card in narrowed.context["cards"]]
    assert titles == ["libpartok 力学课教案"]
    # Other facets count under the chosen organisation; its own facet still offers the others.
    facets = {facet.param: facet for facet in narrowed.context["facets"]}
    assert {v.label for v in facets["kind"].values} == {"Original product"}
    assert len(facets["organisation"].values) == 2
    by_text = client.get(reverse("resources:library"), {"q": "回国"})
    assert [c["resource"].pk for c in by_text.context["cards"]] == [world.public.pk]
    by_licence = client.get(reverse("resources:library"), {"licence": "members"})
    assert [c["resource"].pk for c in by_licence.context["cards"]] == [world.partners.pk]


def test_a_bad_filter_is_named_and_left_out(client, world):
    response = client.get(reverse("resources:library"), {"organisation": "abc", "theme": "x"})
    assert response.status_code == 400
    text = response.content.decode()
    assert "“Organisation” has no value “abc”" in text
    assert "“Theme” has no value “x”" in text
    assert "libpubtok" in text


def test_the_resource_page_names_organisation_licence_and_source(client, django_user_model):
    world = build(django_user_model)  # its files processed: the page shows their thumbnails
    response = client.get(_page(world.public))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Shaanxi Association for Science and Technology" in text and "Shaanxi" in text
    assert 'href="https://creativecommons.org/licenses/by/4.0/" rel="license"' in text
    assert "本会自采，版权归本会所有" in text
    assert "<p>第一段&lt;script&gt;alert(1)&lt;/script&gt;</p>" in text
    assert "<p>第二段</p>" in text
    assert world.scientist.get_absolute_url() in text
    assert f"?organisation={world.org.pk}" in text
    assert _package(world.public) in text
    thumb = response.context["files"][0].thumbnail_url
    assert thumb and thumb in text
    assert client.get(thumb).status_code == 200
    # English site: the organisation's English name and the region's.
    english = client.get(_page(world.public), HTTP_ACCEPT_LANGUAGE="en")
    english_text = (
        client.get("/en" + _page(world.public)).content.decode()
        if (english.status_code == 404)
        else english.content.decode()
    )
    assert "Shaanxi Association for Science and Technology" in english_text


def test_partner_only_and_undecided_resources_answer_404(client, world, django_user_model):
    for resource in (world.partners, world.pending, world.rejected):
        for url in (_page(resource), _package(resource)):
            assert client.get(url).status_code == 404, url
    client.force_login(django_user_model.objects.create_user("lib-nobody", password="x"))
    assert client.get(_page(world.partners)).status_code == 404
    for user in (world.member, world.other_member, world.curator):
        client.force_login(user)
        assert client.get(_page(world.partners)).status_code == 200
        assert client.get(_package(world.partners)).status_code == 200
    client.force_login(django_user_model.objects.create_superuser("lib-root", password="x"))
    for resource in (world.pending, world.rejected):
        for url in (_page(resource), _package(resource)):
            assert client.get(url).status_code == 404, url
    assert client.get(reverse("resources:resource", kwargs={"pk": 999999})).status_code == 404


def test_the_package_holds_masters_metadata_readme_and_licence(client, world):
    response = client.get(_package(world.public), **BROWSER)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "filename*=UTF-8''libpubtok%20" in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"
    archive = zipfile.ZipFile(io.BytesIO(_body(response)))
    assert archive.testzip() is None
    names = archive.namelist()
    assert names == ["README.txt", "LICENCE.txt", "metadata.json", "files/01-lib-0.jpg"]
    assert archive.read("files/01-lib-0.jpg") == world.masters[world.public.pk]
    assert archive.getinfo("files/01-lib-0.jpg").compress_type == zipfile.ZIP_STORED
    assert archive.getinfo("README.txt").compress_type == zipfile.ZIP_DEFLATED
    meta = json.loads(archive.read("metadata.json"))
    assert meta["organisation"]["name"] == "陕西省科协"
    assert meta["licence"]["url"] == "https://creativecommons.org/licenses/by/4.0/"
    assert meta["url"] == "http://testserver" + _page(world.public)
    assert meta["scientists"][0]["name"] == "钱学森"
    assert meta["files"][0]["sha256"] == world.public.item.files.get().sha256
    readme = archive.read("README.txt").decode()
    assert "libpubtok 钱学森回国的故事" in readme and "陕西省科协" in readme
    assert "http://testserver" + _page(world.public) in readme
    assert "Licence: CC BY 4.0" in readme  # the English half (the Chinese needs the catalogue)
    assert "本会自采" in readme and "钱学森" in readme
    licence = archive.read("LICENCE.txt").decode()
    assert "https://creativecommons.org/licenses/by/4.0/" in licence
    members = zipfile.ZipFile(io.BytesIO(_body(client.get(_package(world.public)))))
    assert members.namelist() == names
    client.force_login(world.member)
    licence = zipfile.ZipFile(io.BytesIO(_body(client.get(_package(world.partners))))).read(
        "LICENCE.txt"
    )
    assert b"non-commercial purposes" in licence


def test_a_package_past_the_limit_is_refused_politely(client, world):
    size = world.public.item.files.get().size
    with override_settings(RESOURCE_PACKAGE_MAX_BYTES=size - 1):
        response = client.get(_package(world.public))
        assert response.status_code == 413
        text = response.content.decode()
        assert "too large" in text and _page(world.public) in text
        page = client.get(_page(world.public)).content.decode()
        assert _package(world.public) not in page
        assert "download them one at a time" in page
    assert packaging.safe_name('a/b\\c:*?"<>|\x00d') == "a_b_c_d"
    assert packaging.safe_name("../..") == "resource"


def test_views_and_downloads_are_counted(client, world):
    page = client.get(_page(world.public), **BROWSER).content.decode()
    assert 'data-count="' in page
    token = page.split('data-count="', 1)[1].split('"', 1)[0]
    response = client.post(reverse("analytics:beacon"), {"t": token, "n": "a" * 20}, **BROWSER)
    assert response.status_code == 204
    assert Hit.objects.filter(kind=Kind.RESOURCE, object_id=world.public.pk).count() == 1
    _body(client.get(_package(world.public), **BROWSER))
    assert Hit.objects.filter(kind=Kind.RESOURCE_DOWNLOAD, object_id=world.public.pk).count() == 1


def test_a_page_of_resources_costs_the_same_queries_whatever_its_length(client, world):
    library = reverse("resources:library")
    client.get(library)
    with CaptureQueriesContext(connection) as one:
        client.get(library)
    membership = Membership.objects.get(user=world.member)
    for number in range(4):
        more = submitting.create(
            membership,
            submitting.Submission(
                kind="product",
                product_kind="poster",
                title=f"海报{number}",
                licence="cc0-1.0",
                source_statement="自采",
                scientists=[world.scientist],
            ),
        )
        ItemFileFactory(item=more.item)
        deciding.approve(more, world.curator, AccessLevel.PUBLIC)
    with CaptureQueriesContext(connection) as five:
        response = client.get(library)
    assert len(response.context["cards"]) == 5
    assert len(five) == len(one)
