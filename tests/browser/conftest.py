"""Shared browser-test harness: Playwright drives Debian's Chromium against the live server.

Use it from any ``tests/browser/test_*.py``::

    pytestmark = pytest.mark.browser

    @pytest.mark.parametrize("viewport", ["phone", "desktop"], indirect=True)
    def test_something(page, live_site, live_url, axe, screenshot):
        item = ItemFactory(access_level="public")       # data made in the test is committed
        page.goto(live_url(item.get_absolute_url()))    # and visible to the server thread
        assert axe(page) == []
        screenshot(page, "item")  # test-artifacts/screenshots/<test>-<viewport>-item.png

Fixtures:
- ``browser`` (session): one headless Chromium launched from ``/usr/bin/chromium`` (Playwright never
  downloads browsers here); ``BROWSER_EXECUTABLE`` overrides the path.
- ``viewport``: ``"desktop"`` (1366x900) by default; parametrize with ``indirect=True`` to use
  ``"phone"`` (390x844, touch, device scale 3).
- ``page``: a fresh context + page per test at that viewport, Chinese locale; console errors and
  failed same-origin requests are collected on ``page.problems`` for tests to assert on.
- ``live_site``: the live server with a Wagtail site rooted at a HomePage (the flush between
  transactional tests removes the one the migrations made); returns the HomePage.
- ``live_url(path)``: absolute URL on the live server.
- ``login(page, user)``: signs ``user`` in on the page's context (session cookie, no form).
- ``axe(page, **options)``: runs axe-core from ``node_modules/axe-core`` (``npm ci``) and returns
  only serious/critical violations as ``[{"id", "impact", "help", "nodes": [selectors]}]``.
- ``screenshot(page, name, full_page=True)``: saves a PNG artefact and returns its path.

Browser tests need Chromium (Debian group ``browser`` in scripts/system-deps.sh) and axe-core
(``npm ci``). When either is missing they are skipped with the reason, except under CI=true, where a
missing tool is a failure: CI must never go green by silently skipping the browser suite.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from tests.pages import ensure_site

REPO_ROOT = Path(__file__).resolve().parents[2]
AXE_JS = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = Path(os.environ.get("TEST_ARTIFACTS_DIR", REPO_ROOT / "test-artifacts"))
SCREENSHOTS = ARTIFACTS / "screenshots"
CHROMIUM = os.environ.get("BROWSER_EXECUTABLE", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    # Let a test call play() on media without a user gesture; that is what a click would do.
    "--autoplay-policy=no-user-gesture-required",
]
VIEWPORTS = {
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "device_scale_factor": 3,
        "is_mobile": True,
        "has_touch": True,
    },
    "desktop": {"viewport": {"width": 1366, "height": 900}, "device_scale_factor": 1},
}
SERIOUS = ("serious", "critical")


def _missing_tools() -> list[str]:
    missing = []
    if not (Path(CHROMIUM).is_file() or shutil.which(CHROMIUM)):
        missing.append(f"Chromium not found at {CHROMIUM} (scripts/system-deps.sh browser)")
    if not AXE_JS.is_file():
        missing.append(f"axe-core not found at {AXE_JS} (run `npm ci --no-audit --no-fund`)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("Python package playwright not installed (pip install -e '.[dev]')")
    return missing


def _unavailable(reason: str):
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"browser tests cannot run under CI: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    missing = _missing_tools()
    if missing:
        _unavailable("; ".join(missing))
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an asyncio loop alive in this thread, which makes Django refuse
    # ORM calls ("async context"). The tests are synchronous code that only *looks* async to that
    # check, so the guard is lifted for the browser session alone and restored afterwards.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            launched = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            )
            yield launched
            launched.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def viewport(request) -> str:
    name = getattr(request, "param", "desktop")
    if name not in VIEWPORTS:
        raise ValueError(f"unknown viewport {name!r}; use one of {sorted(VIEWPORTS)}")
    return name


@pytest.fixture
def page(browser, viewport, live_server):
    context = browser.new_context(locale="zh-CN", **VIEWPORTS[viewport])
    context.set_default_timeout(15_000)
    new_page = context.new_page()
    new_page.viewport_name = viewport
    new_page.problems = []

    def on_console(message):
        if message.type == "error":
            new_page.problems.append(f"console: {message.text}")

    def on_failed(request):
        if request.url.startswith(live_server.url):
            new_page.problems.append(f"request failed: {request.url} {request.failure}")

    new_page.on("console", on_console)
    new_page.on("pageerror", lambda error: new_page.problems.append(f"page error: {error}"))
    new_page.on("requestfailed", on_failed)
    yield new_page
    context.close()


@pytest.fixture
def live_url(live_server):
    def build(path: str = "/") -> str:
        return live_server.url + (path if path.startswith("/") else "/" + path)

    return build


@pytest.fixture
def live_site(live_server, transactional_db):
    """A Wagtail Site for the live server's host, rooted at a HomePage; returns the HomePage."""
    return ensure_site()


@pytest.fixture
def login(live_server):
    from django.conf import settings
    from django.test import Client

    def sign_in(page, user) -> None:
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        page.context.add_cookies(
            [{"name": cookie.key, "value": cookie.value, "url": live_server.url}]
        )

    return sign_in


@pytest.fixture(scope="session")
def _axe_source() -> str:
    return AXE_JS.read_text(encoding="utf-8")


@pytest.fixture
def axe(_axe_source):
    def run(page, *, include: str | None = None, disable: tuple[str, ...] = ()) -> list[dict]:
        if not page.evaluate("() => typeof window.axe !== 'undefined'"):
            # Evaluated by the browser's devtools protocol, not as an inline <script>: the site's
            # Content-Security-Policy refuses those (and is what tests/browser/test_csp.py checks).
            page.evaluate(_axe_source)
        options = {"resultTypes": ["violations"]}
        if disable:
            options["rules"] = {rule: {"enabled": False} for rule in disable}
        results = page.evaluate(
            "async ([context, options]) => await axe.run(context || document, options)",
            [include, options],
        )
        return [
            {
                "id": violation["id"],
                "impact": violation["impact"],
                "help": violation["help"],
                "nodes": [", ".join(node["target"]) for node in violation["nodes"]][:5],
            }
            for violation in results["violations"]
            if violation["impact"] in SERIOUS
        ]

    return run


@pytest.fixture
def screenshot(request):
    test_name = getattr(request.node, "originalname", None) or request.node.name

    def save(page, name: str, *, full_page: bool = True) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        viewport_name = getattr(page, "viewport_name", "page")
        slug = re.sub(r"[^\w.-]+", "_", name)
        target = SCREENSHOTS / f"{test_name}-{viewport_name}-{slug}.png"
        page.screenshot(path=str(target), full_page=full_page)
        return target

    return save
