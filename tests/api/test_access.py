"""The pages' access rules, through the API: anonymous callers see public records, a researcher
token adds researcher-level ones, staff see everything; hidden records answer as the item page
does (403 without metadata for researcher-only, 404 for embargoed and staff-only)."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from wagtail.models import APIToken

pytestmark = pytest.mark.django_db

VISIBLE = {
    "anonymous": ["QXS-01-001", "QXS-01-005"],
    "researcher": ["QXS-01-001", "QXS-01-002", "QXS-01-005"],
    "staff": ["QXS-01-001", "QXS-01-002", "QXS-01-003", "QXS-01-004", "QXS-01-005"],
}


@pytest.fixture
def credentials(request, researcher_token, staff_token) -> dict[str, str]:
    return {"anonymous": {}, "researcher": researcher_token, "staff": staff_token}[request.param]


@pytest.mark.parametrize("credentials", list(VISIBLE), indirect=True)
def test_listing_holds_what_the_caller_may_see(client, archive, credentials, request):
    who = request.node.callspec.params["credentials"]
    data = client.get("/api/v1/items", **credentials).json()
    assert [r["id"] for r in data["results"]] == VISIBLE[who]
    for identifier in VISIBLE[who]:
        assert client.get(f"/api/v1/items/{identifier}", **credentials).status_code == 200


def test_anonymous_gets_403_without_metadata_or_404(client, archive):
    restricted = client.get("/api/v1/items/QXS-01-002")
    assert restricted.status_code == 403
    assert "研究人员可见的书信" not in restricted.content.decode()
    for identifier in ("QXS-01-003", "QXS-01-004", "NO-SUCH-ITEM"):
        response = client.get(f"/api/v1/items/{identifier}")
        assert response.status_code == 404
        assert response.json() == {"detail": "No record with this identifier.", "parameter": None}


def test_researcher_token_opens_researcher_records_not_staff_ones(
    client, archive, researcher_token
):
    assert client.get("/api/v1/items/QXS-01-002", **researcher_token).status_code == 200
    assert client.get("/api/v1/items/QXS-01-003", **researcher_token).status_code == 404
    assert client.get("/api/v1/items/QXS-01-004", **researcher_token).status_code == 404


def test_session_cookie_counts_as_on_the_pages(client, archive, researcher):
    client.force_login(researcher)
    assert client.get("/api/v1/items/QXS-01-002").status_code == 200


def test_interviews_follow_their_item(client, archive):
    archive.interview_item.access_level = "researchers"
    archive.interview_item.save()
    assert client.get("/api/v1/interviews").json()["results"] == []
    assert client.get("/api/v1/interviews/QXS-01-005").status_code == 403
    archive.interview_item.access_level = "staff"
    archive.interview_item.save()
    assert client.get("/api/v1/interviews/QXS-01-005").status_code == 404


def test_search_never_shows_restricted_records(client, archive, staff_token):
    anonymous = client.get("/api/v1/search", {"q": "仅限馆员的档案"}).json()
    assert anonymous["total"] == 0


@pytest.mark.parametrize(
    "header", ["Bearer wagtail_not-a-token", "Basic dXNlcjpwdw==", "Bearer ", "wagtail_x"]
)
def test_bad_or_revoked_tokens_are_401_not_anonymous(client, archive, header):
    response = client.get("/api/v1/items", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response.json()["parameter"] == "Authorization"
    assert response["WWW-Authenticate"] == "Bearer"


def test_revoked_token_stops_working(client, archive, researcher):
    token, secret = APIToken.create_token(user=researcher, name="laptop")
    header = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    assert client.get("/api/v1/items/QXS-01-002", **header).status_code == 200
    token.revoke()
    assert client.get("/api/v1/items/QXS-01-002", **header).status_code == 401


def test_user_dependent_answers_are_private_and_vary(client, archive):
    for path in ("/api/v1/items", "/api/v1/items/QXS-01-001", "/api/v1/search?q=x"):
        response = client.get(path)
        assert response["Cache-Control"].startswith("private")
        vary = {v.strip().lower() for v in response["Vary"].split(",")}
        assert {"authorization", "cookie"} <= vary
    assert client.get("/api/v1/items/QXS-01-002")["Cache-Control"].startswith("private")


def test_token_from_the_command_opens_researcher_records(client, archive, researcher):
    out = io.StringIO()
    call_command("api_tokens", "create", "--user", "researcher", "--name", "scripts", stdout=out)
    header = {"HTTP_AUTHORIZATION": f"Bearer {out.getvalue().strip()}"}
    assert client.get("/api/v1/items/QXS-01-002", **header).status_code == 200


def test_tokens_are_listed_in_the_admin(client, archive, researcher, admin_user):
    APIToken.create_token(user=researcher, name="论文脚本")
    client.force_login(admin_user)
    response = client.get(reverse("wagtailusers_api_tokens:index"))
    assert response.status_code == 200
    assert "论文脚本" in response.content.decode()
