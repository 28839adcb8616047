"""With the database unreachable every request answers 503 with Retry-After: JSON in the API's
error shape under /api/, a small Chinese page elsewhere (archive_site/outage.py).

The database is really unreachable, not mocked: the connection settings point at a SQLite file
in a folder that no longer exists, or at a PostgreSQL port nothing listens on."""

from __future__ import annotations

import socket

import pytest
from django.db import connection, connections
from django.db.utils import OperationalError, ProgrammingError
from django.test import Client

from archive_site.outage import is_database_outage

pytestmark = pytest.mark.django_db(transaction=True)


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def database_down(tmp_path):
    default = connections["default"]
    saved = dict(default.settings_dict)
    default.close()
    if default.vendor == "sqlite":
        gone = tmp_path / "removed"
        gone.mkdir()
        gone.rmdir()
        default.settings_dict["NAME"] = str(gone / "db.sqlite3")
    else:
        default.settings_dict.update(HOST="127.0.0.1", PORT=str(_closed_port()))
    yield
    default.close()
    default.settings_dict.clear()
    default.settings_dict.update(saved)


@pytest.fixture
def client():
    # Django's test client re-raises a view's exception by default; a real server does not.
    return Client(raise_request_exception=False)


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/items",
        "/api/v1/scientists",
        "/api/search/?q=钱学森",
        "/api/search/autocomplete/?q=钱",
    ],
)
def test_api_answers_503_json_in_its_error_shape(database_down, client, path):
    response = client.get(path)
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert int(response["Retry-After"]) > 0
    body = response.json()
    assert set(body) == {"detail", "parameter"}
    assert body["parameter"] is None
    assert "数据库" in body["detail"]


@pytest.mark.parametrize(
    "path", ["/", "/archive/", "/archive/items/QXS-1/", "/search/?q=信", "/admin/"]
)
def test_pages_answer_a_503_page_in_chinese(database_down, client, path):
    # A session cookie: the session is read from the database by middleware, before any view.
    client.cookies["sessionid"] = "x" * 32
    response = client.get(path)
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    assert int(response["Retry-After"]) > 0
    html = response.content.decode()
    assert '<html lang="zh-Hans">' in html
    assert "暂时无法访问" in html
    assert "Content-Security-Policy" in response  # the outage page keeps the site's policy


def test_api_detail_follows_the_chosen_language(database_down, client):
    client.cookies["django_language"] = "en"
    response = client.get("/api/v1/items")
    assert response.status_code == 503
    assert response.json()["detail"] == "The database is unavailable; try again shortly."


def test_the_site_answers_again_once_the_database_is_back(client):
    assert client.get("/api/v1/items").status_code == 200


def test_a_failed_connection_is_an_outage_and_a_bad_query_is_not(database_down):
    with pytest.raises(OperationalError) as refused:
        connection.ensure_connection()
    assert is_database_outage(refused.value)


def test_a_missing_table_stays_a_server_error():
    with pytest.raises((OperationalError, ProgrammingError)) as missing:
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM no_such_table_anywhere")
    assert not is_database_outage(missing.value)
