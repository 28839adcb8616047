"""The harness itself: Chromium launches, the live server serves, axe and artefacts work."""

import pytest

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("viewport", ["phone", "desktop"], indirect=True)
def test_home_page_loads_at_viewport(page, live_site, live_url, screenshot, viewport):
    response = page.goto(live_url("/"))
    assert response.status == 200
    width = page.evaluate("() => window.innerWidth")
    assert width == {"phone": 390, "desktop": 1366}[viewport]
    assert live_site.title in page.title()
    path = screenshot(page, "home")
    assert path.is_file() and path.stat().st_size > 1000


def test_axe_reports_a_seeded_violation(page, live_site, live_url, axe):
    page.goto(live_url("/"))
    # An image without alt text is a critical violation: proves axe runs and its filter keeps it.
    page.evaluate(
        "() => { const i = document.createElement('img'); i.src = '/static/none.png';"
        " document.querySelector('main').appendChild(i); }"
    )
    assert "image-alt" in {violation["id"] for violation in axe(page)}


def test_login_signs_the_page_in(page, live_site, live_url, login, superuser):
    login(page, superuser)
    response = page.goto(live_url("/admin/"))
    assert response.status == 200
    assert "/admin/login/" not in page.url
