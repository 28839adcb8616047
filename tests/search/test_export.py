"""Search results as CSV and RIS, and the search's permalink (#16.3): all pages up to the
export limit, in the page's order, only what the caller may see; CSV guarded for Excel."""

import csv
import io

import pytest

from search import exporting
from tests.factories import ItemFactory

pytestmark = pytest.mark.django_db


def _csv(response):
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")  # UTF-8 with a byte order mark: Excel reads it
    return list(csv.reader(io.StringIO(body[3:].decode("utf-8"))))


def test_csv_lists_every_page_in_order_and_only_what_the_user_sees(
    client, engine, indexed, staff_user
):
    page = client.get("/search/", {"q": "钱学森", "per_page": 2})
    rows = _csv(client.get(page.context["export_csv_url"]))
    api = client.get("/api/search/", {"q": "钱学森", "per_page": 100}).json()
    assert len(rows) - 1 == api["total"] > 2  # every page, not the two shown
    assert rows[1][1] == "qian-xuesen"  # the person first, as on the page
    titles = [row[2] for row in rows[1:]]
    assert titles == [g["title"] for g in api["groups"]]
    assert "钱学森内部手稿" not in titles and "钱学森绝密手稿" not in titles
    assert rows[1][-1].startswith("http://testserver/")
    client.force_login(staff_user)
    staff = [row[2] for row in _csv(client.get("/search/export.csv", {"q": "钱学森"}))]
    assert "钱学森内部手稿" in staff


def test_csv_cells_a_spreadsheet_would_run_are_guarded(client, engine, indexed):
    ItemFactory(identifier="EVIL-1", title='=HYPERLINK("http://x")钱学森', series=indexed.series)
    from tests.search.conftest import index_all

    index_all(engine)
    rows = _csv(client.get("/search/export.csv", {"q": "HYPERLINK"}))
    assert rows[1][2].startswith("'=HYPERLINK")


def test_ris_has_items_scientists_and_types_that_fit(client, engine, indexed):
    response = client.get("/search/export.ris", {"q": "钱学森"})
    assert response["Content-Type"].startswith("application/x-research-info-systems")
    assert response["Cache-Control"] == "private, no-store"
    text = response.content.decode("utf-8")
    entries = [e for e in text.split("ER  -") if e.strip()]
    assert entries[0].lstrip().startswith("TY  - ELEC") and "TI  - 钱学森" in entries[0]
    assert "TY  - PCOMM" in text and "AN  - QXS-0001" in text
    assert "QXS-0101" not in text and "QXS-0100" not in text


def test_bad_exports_are_refused_with_the_reason(client, engine, indexed):
    nothing = client.get("/search/export.csv")
    assert nothing.status_code == 400 and "Nothing to export" in nothing.content.decode()
    nested = client.get("/search/export.ris", {"q": "(" * 40 + "x"})
    assert nested.status_code == 400 and nested.content.decode().startswith("q: ")
    unknown = client.get("/search/export.xlsx", {"q": "钱学森"})
    assert unknown.status_code == 404 and "csv or ris" in unknown.content.decode()


def test_the_permalink_names_every_filter_and_the_sort_in_one_order(client, engine, indexed):
    one = client.get(
        "/search/",
        {
            "sort": "date_desc",
            "type": ["manuscript", "letter", "letter"],
            "q": "  钱学森  ",
            "page": "2",
            "from": "1950",
            "decade": "1950",
            "junk": "x",
        },
    ).context["permalink"]
    other = client.get(
        "/search/?decade=1950&q=钱学森&from=1950&type=letter&type=manuscript&sort=date_desc"
    ).context["permalink"]
    assert one == other
    assert one == (
        "http://testserver/search/?q=%E9%92%B1%E5%AD%A6%E6%A3%AE&type=letter&type=manuscript"
        "&decade=1950&from=1950&sort=date_desc"
    )
    assert exporting.EXPORT_LIMIT == 1000
