"""What a request's headers say about who asked, without keeping the headers: a robot or not, the
device class, and the referring site's domain."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from .models import Device

# Crawlers, link checkers, feed readers, HTTP libraries and automated browsers name themselves in
# their User-Agent; a request without one is a script too.
_BOT = re.compile(
    r"bot\b|bot/|crawl|spider|slurp|baiduspider|bytespider|yandex|sogou|360spider|"
    r"facebookexternalhit|embedly|preview|monitor|checker|validator|feed|fetch|archiver|"
    r"curl/|wget/|python-|httpx|aiohttp|go-http|java/|okhttp|libwww|scrapy|headless|"
    r"phantomjs|selenium|playwright|lighthouse|pingdom|uptime",
    re.IGNORECASE,
)
_TABLET = re.compile(r"ipad|tablet|kindle|silk/|playbook|(android(?!.*mobile))", re.IGNORECASE)
_PHONE = re.compile(r"mobi|iphone|ipod|android.*mobile|windows phone|harmonyos", re.IGNORECASE)


def is_bot(user_agent: str) -> bool:
    return not user_agent.strip() or bool(_BOT.search(user_agent))


def device_class(user_agent: str) -> Device:
    if _TABLET.search(user_agent):
        return Device.TABLET
    if _PHONE.search(user_agent):
        return Device.PHONE
    return Device.DESKTOP


def referrer_domain(referrer: str, own_host: str) -> str:
    """The referring site's host name ("" for none, for this site and for anything not http(s)).
    Only the domain is kept: a path or query of another site can carry a visitor's details."""
    try:
        parts = urlsplit(referrer.strip())
        host = (parts.hostname or "").lower()
    except ValueError:
        return ""
    if parts.scheme not in ("http", "https") or not host or len(host) > 253:
        return ""
    own = own_host.split(":")[0].lower()
    if host == own:
        return ""
    return host.removeprefix("www.")
