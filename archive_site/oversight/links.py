"""Checking external links with bounded time: a slow or hostile host costs at most its timeout.

Each URL gets one GET (a HEAD is often refused by servers that answer GET); only the status line
and headers are read. `timeout` bounds every socket operation and a watchdog closes the socket
when the whole exchange passes it, so a server that trickles a byte every second cannot hold a
worker longer either. At most `per_host` requests go to one host at a time.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

USER_AGENT = "ScientistArchive-LinkCheck/1.0"


@dataclass(frozen=True)
class LinkResult:
    url: str
    ok: bool
    reason: str = ""
    seconds: float = 0.0


def _settings(name: str, default):
    return getattr(settings, name, default)


class LinkChecker:
    def __init__(self, timeout: float | None = None, per_host: int | None = None, workers: int = 8):
        self.timeout = float(timeout or _settings("OVERSIGHT_LINK_TIMEOUT", 5.0))
        self.per_host = int(per_host or _settings("OVERSIGHT_LINKS_PER_HOST", 2))
        self.workers = workers
        self._host_slots: dict[str, threading.BoundedSemaphore] = defaultdict(
            lambda: threading.BoundedSemaphore(self.per_host)
        )
        self._lock = threading.Lock()

    def check_all(self, urls: set[str]) -> dict[str, LinkResult]:
        if not urls:
            return {}
        language = translation.get_language()

        def check(url: str) -> LinkResult:
            with translation.override(language):  # reasons in the caller's language
                return self.check(url)

        with ThreadPoolExecutor(max_workers=min(self.workers, len(urls))) as pool:
            return dict(zip(sorted(urls), pool.map(check, sorted(urls)), strict=True))

    def _slot(self, host: str) -> threading.BoundedSemaphore:
        with self._lock:
            return self._host_slots[host]

    def check(self, url: str) -> LinkResult:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        if parts.scheme not in ("http", "https") or not host:
            return LinkResult(url, False, _("Not an http(s) address."))
        with self._slot(f"{host}:{parts.port or ''}"):
            started = time.monotonic()
            ok, reason = self._get(parts)
            return LinkResult(url, ok, reason, round(time.monotonic() - started, 3))

    def _get(self, parts) -> tuple[bool, str]:
        connection: http.client.HTTPConnection
        if parts.scheme == "https":
            connection = http.client.HTTPSConnection(
                parts.hostname,
                parts.port,
                timeout=self.timeout,
                context=ssl.create_default_context(),
            )
        else:
            connection = http.client.HTTPConnection(
                parts.hostname, parts.port, timeout=self.timeout
            )
        expired = threading.Event()

        def give_up():
            expired.set()
            sock = connection.sock
            if sock is not None:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

        watchdog = threading.Timer(self.timeout, give_up)
        watchdog.daemon = True
        watchdog.start()
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        try:
            connection.request("GET", path, headers={"User-Agent": USER_AGENT, "Accept": "*/*"})
            response = connection.getresponse()
            status = response.status
            if expired.is_set():  # the headers were cut off by the watchdog
                raise TimeoutError
        except TimeoutError:
            return False, _("No answer within %(s)s s.") % {"s": f"{self.timeout:g}"}
        except (OSError, http.client.HTTPException) as exc:
            if expired.is_set():
                return False, _("No complete answer within %(s)s s.") % {"s": f"{self.timeout:g}"}
            return False, _("Could not connect: %(error)s") % {"error": exc.__class__.__name__}
        finally:
            watchdog.cancel()
            connection.close()
        if status >= 400:
            return False, _("The server answered %(status)s.") % {"status": status}
        return True, str(status)
