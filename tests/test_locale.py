"""Chinese first: the browser's language does not override the site's; the visitor's choice does."""

import pytest


@pytest.mark.django_db
def test_an_english_browser_still_gets_chinese(client):
    response = client.get("/archive/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.status_code == 200
    assert '<html lang="zh-Hans"' in response.content.decode()


@pytest.mark.django_db
def test_the_language_switcher_choice_wins(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/archive/"})
    response = client.get("/archive/", HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert '<html lang="en"' in response.content.decode()


@pytest.mark.django_db
def test_an_unknown_cookie_value_falls_back_to_chinese(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx"
    assert '<html lang="zh-Hans"' in client.get("/archive/").content.decode()
