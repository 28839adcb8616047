"""The front cache (nginx with deploy/nginx/archive.conf, started by scripts/services/nginx.sh) in
front of the site: anonymous pages and public files are kept, each visitor still gets a CSRF
token and a CSP nonce of their own, and nothing of a signed-in user or a private answer is ever
kept or handed to someone else."""

from __future__ import annotations

import http.client
import os
import re
import shutil
import socket
import subprocess
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from django.test import Client

from archive_site.caching import HIT_HEADER

pytestmark = [pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "services" / "nginx.sh"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]*)"')
NONCE = re.compile(r'nonce="([^"]*)"')


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def static_root(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("static")
    (folder / "css").mkdir()
    (folder / "css" / "front.0123abcd.css").write_text("body { color: #123; }\n")
    return folder


@pytest.fixture
def front(live_server, static_root, settings):
    """nginx on a port of its own in front of this test's live server; stopped afterwards."""
    if not (shutil.which("nginx") or Path("/usr/sbin/nginx").exists()):
        pytest.skip("nginx is not installed (scripts/system-deps.sh nginx)")
    settings.FRONT_CACHE_SECONDS = 30
    env = {
        **os.environ,
        "ARCHIVE_NGINX_PORT": str(_free_port()),
        "ARCHIVE_NGINX_UPSTREAM": urlsplit(live_server.url).netloc,
        "ARCHIVE_NGINX_STATIC_ROOT": str(static_root),
        "ARCHIVE_NGINX_WORKERS": "1",
    }
    started = subprocess.run(
        [str(SCRIPT), "start"], env=env, capture_output=True, text=True, timeout=60
    )
    assert started.returncode == 0, started.stderr
    url = started.stdout.strip().splitlines()[-1]
    yield urlsplit(url).netloc
    subprocess.run([str(SCRIPT), "stop"], env=env, capture_output=True, timeout=60)


def get(front: str, path: str, headers: dict[str, str] | None = None):
    host, port = front.split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        conn.request("GET", path, headers=headers or {})
        answer = conn.getresponse()
        return answer, answer.read()
    finally:
        conn.close()


def _cookie(answer, name: str) -> str | None:
    for header in answer.msg.get_all("Set-Cookie") or []:
        pair = header.split(";", 1)[0]
        key, _, value = pair.partition("=")
        if key.strip() == name:
            return value
    return None


def test_an_anonymous_page_is_kept_and_each_visitor_gets_their_own_token_and_nonce(front, archive):
    url = archive.chapter.url
    first, body = get(front, url)
    assert first.status == 200 and first.getheader("X-Cache-Status") == "MISS"
    second, body2 = get(front, url)
    assert second.status == 200 and second.getheader("X-Cache-Status") == "HIT"
    assert "工程控制论手稿" in body2.decode()
    # What only the front cache should see stays between nginx and Django.
    for answer in (first, second):
        assert answer.getheader("X-Accel-Expires") is None
        assert answer.getheader("X-Front-Csrf") is None
    tokens, nonces = [], []
    for answer, content in ((first, body), (second, body2)):
        text = content.decode()
        assert "%%page-cache" not in text
        token = TOKEN.search(text)
        assert token is not None
        # A new visitor: the token in the form is the secret in the cookie nginx sets.
        assert _cookie(answer, "csrftoken") == token.group(1)
        tokens.append(token.group(1))
        csp = answer.getheader("Content-Security-Policy") or ""
        assert "%%page-cache" not in csp
        for nonce in NONCE.findall(text):
            assert f"'nonce-{nonce}'" in csp
            nonces.append(nonce)
    assert tokens[0] != tokens[1]
    if nonces:
        assert len(set(nonces)) > 1
    # A visitor who has a CSRF cookie gets the cached page with their own secret, no new cookie.
    mine = "A" * 32
    third, body3 = get(front, url, {"Cookie": f"csrftoken={mine}"})
    assert third.getheader("X-Cache-Status") == "HIT"
    assert TOKEN.search(body3.decode()).group(1) == mine
    assert _cookie(third, "csrftoken") is None


def test_the_token_from_a_cached_page_is_accepted_by_django(front, archive):
    answer, body = get(front, archive.chapter.url)
    answer, body = get(front, archive.chapter.url)
    assert answer.getheader("X-Cache-Status") == "HIT"
    token = TOKEN.search(body.decode()).group(1)
    host, port = front.split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    form = f"csrfmiddlewaretoken={token}&language=en&next={quote(archive.chapter.url)}"
    conn.request(
        "POST",
        "/i18n/setlang/",
        body=form,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={_cookie(answer, 'csrftoken')}",
            "Referer": f"http://{front}{archive.chapter.url}",
        },
    )
    switched = conn.getresponse()
    switched.read()
    conn.close()
    assert switched.status == 302
    assert _cookie(switched, "django_language") == "en"


def test_a_signed_in_request_bypasses_the_cache_and_never_gets_anothers_page(
    front, archive, researcher
):
    url = archive.chapter.url
    get(front, url)
    anonymous, _ = get(front, url)
    assert anonymous.getheader("X-Cache-Status") == "HIT"
    client = Client()
    client.force_login(researcher)
    session = {"Cookie": f"sessionid={client.cookies['sessionid'].value}"}
    for _ in range(2):
        mine, body = get(front, url, session)
        assert mine.status == 200 and mine.getheader("X-Cache-Status") == "BYPASS"
        assert "private" in mine.getheader("Cache-Control")
        # The researcher sees the letter that anonymous visitors don't: the page is theirs.
        assert "研究人员可见的书信" in body.decode()
    # Their page was not stored either: the anonymous visitor still gets the public page.
    after, body = get(front, url)
    assert after.getheader("X-Cache-Status") == "HIT"
    assert "研究人员可见的书信" not in body.decode()
    # Nor with an API token.
    token, _ = get(front, url, {"Authorization": "Bearer nothing"})
    assert token.getheader("X-Cache-Status") == "BYPASS"


def test_a_private_answer_is_never_kept(front, archive):
    # The catalogue API lists what the asker may see: private for everyone, anonymous too.
    for _ in range(3):
        answer, body = get(front, "/api/v1/items")
        assert answer.status == 200 and b"QXS-01-001" in body
        assert "private" in answer.getheader("Cache-Control")
        assert answer.getheader("X-Cache-Status") == "MISS"
    # A restricted file answers an anonymous visitor without anything to keep, every time.
    restricted = f"/files/{archive.researchers_file.pk}/"
    for _ in range(2):
        answer, _ = get(front, restricted)
        assert answer.getheader("X-Cache-Status") != "HIT"


def test_public_files_are_kept_and_ranges_cut_from_them(front, archive, client):
    page = client.get(archive.chapter.url).content.decode()
    found = re.search(r'"(/files/[^"]+\.jpg)"', page)
    assert found, "the chapter names its public image"
    path = found.group(1).replace("&amp;", "&")
    first, whole = get(front, path)
    assert first.status == 200 and first.getheader("X-Cache-Status") == "MISS"
    second, again = get(front, path)
    assert second.getheader("X-Cache-Status") == "HIT" and again == whole
    part, piece = get(front, path, {"Range": "bytes=0-99"})
    assert part.status == 206 and part.getheader("X-Cache-Status") == "HIT"
    assert piece == whole[:100]


def test_static_files_are_served_by_nginx(front, static_root):
    answer, body = get(front, "/static/css/front.0123abcd.css")
    # Django's staticfiles knows nothing of this file: only nginx, reading STATIC_ROOT, has it.
    assert answer.status == 200 and body == b"body { color: #123; }\n"
    assert answer.getheader("X-Cache-Status") == "STATIC"
    assert "immutable" in answer.getheader("Cache-Control")
    assert answer.getheader(HIT_HEADER) is None
