"""Access on the public pages: no page lists, counts or shows what the visitor may not see, and a
refused record says nothing about itself."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import FondsFactory, ItemFactory, ScientistFactory, SeriesFactory

pytestmark = pytest.mark.django_db

PUBLIC_TITLE = "公开的手稿甲"
RESEARCHER_TITLE = "研究人员可见的日记乙"
STAFF_TITLE = "仅限工作人员的档案丙"
EMBARGOED_TITLE = "尚在封存期的书信丁"
HIDDEN_DESCRIPTION = "只在受限记录里出现的描述文字"


@pytest.fixture
def holdings():
    scientist = ScientistFactory(identifier="he-zemin", name="何泽民")
    fonds = FondsFactory(identifier="F-HE", title="何泽民学术成长资料", scientist=scientist)
    series = SeriesFactory(identifier="F-HE-S1", title="日记与书信", fonds=fonds)
    sub = SeriesFactory(identifier="F-HE-S1.1", title="留学时期", fonds=fonds, parent=series)
    next_year = timezone.localdate() + timedelta(days=365)
    items = {
        "public": ItemFactory(series=series, identifier="HE-001", title=PUBLIC_TITLE),
        "researchers": ItemFactory(
            series=sub,
            identifier="HE-002",
            title=RESEARCHER_TITLE,
            access_level="researchers",
            date_text="1948年7月",
            item_type="document",
            description=HIDDEN_DESCRIPTION,
        ),
        "staff": ItemFactory(
            series=sub,
            identifier="HE-003",
            title=STAFF_TITLE,
            access_level="staff",
            item_type="photograph",
        ),
        "embargoed": ItemFactory(
            series=series,
            identifier="HE-004",
            title=EMBARGOED_TITLE,
            item_type="letter",
            embargo_until=next_year,
        ),
    }
    for item in items.values():
        item.scientists.set([scientist])
        item.save()
    return {"scientist": scientist, "fonds": fonds, "series": series, "sub": sub, **items}


def pages(data):
    return [
        "/",
        reverse("collections:index"),
        reverse("collections:scientists"),
        data["scientist"].get_absolute_url(),
        data["fonds"].get_absolute_url(),
        data["series"].get_absolute_url(),
        data["sub"].get_absolute_url(),
        data["public"].get_absolute_url(),
    ]


def html_of(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def assert_titles(client, data, shown, hidden):
    for url in pages(data):
        html = html_of(client, url)
        for title in hidden:
            assert title not in html, (url, title)
    listing_pages = pages(data)[3:7]
    for title in shown:
        assert any(title in html_of(client, url) for url in listing_pages), title


def test_anonymous_visitors_see_only_public_records_everywhere(client, holdings):
    assert_titles(
        client,
        holdings,
        shown=[PUBLIC_TITLE],
        hidden=[RESEARCHER_TITLE, STAFF_TITLE, EMBARGOED_TITLE, HIDDEN_DESCRIPTION],
    )


def test_researchers_see_researcher_records_but_not_staff_or_embargoed(
    client, holdings, researcher
):
    client.force_login(researcher)
    assert_titles(
        client,
        holdings,
        shown=[PUBLIC_TITLE, RESEARCHER_TITLE],
        hidden=[STAFF_TITLE, EMBARGOED_TITLE],
    )


def test_staff_see_everything_including_embargoed_records(client, holdings, staff_user):
    client.force_login(staff_user)
    assert_titles(
        client,
        holdings,
        shown=[PUBLIC_TITLE, RESEARCHER_TITLE, STAFF_TITLE, EMBARGOED_TITLE],
        hidden=[],
    )
    for key in ("researchers", "staff", "embargoed"):
        assert holdings[key].title in html_of(client, holdings[key].get_absolute_url())


@pytest.mark.parametrize("who, expected", [("anonymous", 1), ("researcher", 2), ("staff", 4)])
def test_counts_include_only_visible_records(client, holdings, request, who, expected):
    if who != "anonymous":
        client.force_login(request.getfixturevalue("staff_user" if who == "staff" else who))
    index = client.get(reverse("collections:index"))
    assert index.context["total"] == expected
    assert sum(row["count"] for row in index.context["counts_by_type"]) == expected
    assert [f.visible_count for f in index.context["fonds_list"]] == [expected]
    fonds = client.get(holdings["fonds"].get_absolute_url())
    assert fonds.context["total"] == expected
    assert (
        sum(len(node.items) for node in fonds.context["tree"])
        + sum(len(child.items) for node in fonds.context["tree"] for child in node.children)
        == expected
    )
    profile = client.get(holdings["scientist"].get_absolute_url())
    assert profile.context["page_obj"].paginator.count == expected
    assert [f.visible_count for f in profile.context["fonds_list"]] == [expected]
    series = client.get(holdings["series"].get_absolute_url())
    [sub] = series.context["children"]
    assert sub.visible_count == {"anonymous": 0, "researcher": 1, "staff": 2}[who]


def test_researcher_record_asks_anonymous_visitors_to_log_in_and_reveals_nothing(client, holdings):
    url = holdings["researchers"].get_absolute_url()
    response = client.get(url)
    assert response.status_code == 403
    html = response.content.decode()
    assert f'href="/admin/login/?next={url}"' in html
    # The identifier is in the address the visitor typed; nothing else about the record is shown.
    for secret in (RESEARCHER_TITLE, HIDDEN_DESCRIPTION, "1948", "留学时期", "何泽民"):
        assert secret not in html, secret
    assert html.count("<h1>") == 1


def test_researcher_record_refuses_logged_in_users_without_researcher_access(
    client, holdings, django_user_model
):
    client.force_login(django_user_model.objects.create_user("teacher", password="pw"))
    response = client.get(holdings["researchers"].get_absolute_url())
    assert response.status_code == 403
    assert RESEARCHER_TITLE not in response.content.decode()


@pytest.mark.parametrize(
    "key, who",
    [
        ("embargoed", "anonymous"),
        ("embargoed", "researcher"),
        ("staff", "anonymous"),
        ("staff", "researcher"),
    ],
)
def test_embargoed_and_staff_records_are_indistinguishable_from_missing_ones(
    client, holdings, request, key, who
):
    if who == "researcher":
        client.force_login(request.getfixturevalue("researcher"))
    response = client.get(holdings[key].get_absolute_url())
    missing = client.get("/archive/items/NO-SUCH-RECORD/")
    assert response.status_code == missing.status_code == 404
    assert holdings[key].title not in response.content.decode()


def test_embargoed_researcher_record_is_404_not_403(client, holdings):
    item = holdings["researchers"]
    item.embargo_until = timezone.localdate() + timedelta(days=30)
    item.save()
    assert client.get(item.get_absolute_url()).status_code == 404


def test_a_record_opens_the_day_its_embargo_ends(client, holdings):
    item = holdings["embargoed"]
    item.embargo_until = timezone.localdate()
    item.save()
    assert EMBARGOED_TITLE in html_of(client, item.get_absolute_url())
    assert EMBARGOED_TITLE in html_of(client, holdings["fonds"].get_absolute_url())
