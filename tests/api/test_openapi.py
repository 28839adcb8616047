"""The OpenAPI description at its stable URL, the doc page served from the site's own static
files, and schemathesis fuzzing every operation of the description against the app in process:
no server error, every answer a documented status and shaped as documented."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import schemathesis
from django.contrib.staticfiles import finders
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from archive_site.wsgi import application

pytestmark = pytest.mark.django_db

OPERATIONS = {
    "/api/v1/scientists",
    "/api/v1/scientists/{identifier}",
    "/api/v1/fonds",
    "/api/v1/fonds/{identifier}",
    "/api/v1/series",
    "/api/v1/series/{identifier}",
    "/api/v1/items",
    "/api/v1/items/{identifier}",
    "/api/v1/interviews",
    "/api/v1/interviews/{identifier}",
    "/api/v1/exhibitions",
    "/api/v1/exhibitions/{identifier}",
    "/api/v1/search",
}


def test_description_lists_every_operation_with_optional_token(client):
    spec = client.get("/api/v1/openapi.json").json()
    assert spec["openapi"].startswith("3.") and spec["info"]["version"] == "1"
    assert set(spec["paths"]) == OPERATIONS
    scheme = spec["components"]["securitySchemes"]["ResearcherToken"]
    assert scheme == {"type": "http", "scheme": "bearer", "description": scheme["description"]}
    for operations in spec["paths"].values():
        assert operations["get"]["security"] == [{"ResearcherToken": []}, {}]
        assert {"200", "400", "401"} <= set(operations["get"]["responses"])


def test_doc_page_loads_nothing_from_another_host(client):
    html = client.get("/api/v1/docs").content.decode()
    assert "/api/v1/openapi.json" in html
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html), "an asset from another host"
    assert '"validatorUrl": null' in html
    for asset in re.findall(r"""(?:src|href)="/static/([^"]+)""", html):
        assert finders.find(asset), f"{asset} is not among the site's static files"


# Loaded at collection: describing the API reads no database, and pytest-django has set Django
# up by then. The fuzzed requests run against `archive`, inside each test's transaction.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture
def connection_kept_open() -> Iterator[None]:
    """The WSGI handler closes old database connections as a request starts and finishes,
    which would end the test's transaction; Django's own test client suspends that too."""
    for signal in (signals.request_started, signals.request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (signals.request_started, signals.request_finished):
        signal.connect(close_old_connections)


@pytest.mark.slow  # about half a minute on two cores: `make test-fast` leaves it out
@schema.parametrize()
@settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_operation_conforms(case, archive, connection_kept_open):
    case.call_and_validate(
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
        ]
    )
