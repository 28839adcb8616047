"""Fifty visitors at once against gunicorn on loopback, with the page cache on and off in one run.

    .venv/bin/python bench/load_bench.py [--users 50] [--seconds 60] [--smoke] [--data DIR]
                                         [--front-cache]

The demo archive is loaded (`manage.py load_demo`: the importer, the pipeline's derivatives and
IIIF tiles, the theme exhibition, the search index) into a temporary folder, static files are
collected (hashed names), and gunicorn is started with gunicorn.conf.py and production settings
(bench/load_settings.py) twice: PAGE_CACHE_SECONDS=0 (the baseline: every page rendered) and
the page cache on. Each time `--users` threads, each with its own keep-alive connection and no
think time (so the server is saturated and the two phases' requests/s compare), run for
`--seconds` after a 10-second unrecorded warm-up (templates, the search analyser and, with the
cache on, each worker's first render of each page):

- pupils (four in five) visit the exhibition as a class does: the exhibitions index, the
  exhibition's landing page, then each chapter in turn with the images, IIIF info.json and
  tiles and the start of the audio/video clips (a Range request, as a player makes) that the
  chapter's HTML names. A pupil who has seen the last chapter leaves, and the thread goes on as
  a NEW pupil on another device: empty browser cache, no cookies, a new connection (a class of
  pupils each on their own device, then the next class), so every pupil fetches every file once;
- researchers (one in five), signed in, search the page and the JSON endpoint and open items;
  each keeps one browser (cache and cookies) for the whole run.

Browsers are modelled as Chromium's HTTP cache behaves for a private (per-user) cache, the same
in both phases (`Browser`): an answer to a GET with status 200 or 206 (206 keyed by its Range) is
kept unless it says `no-store` or `Vary: *`; `private` answers are kept too, since a browser is a
private cache. It is fresh for `max-age` seconds (else until `Expires`, taken against `Date`;
no heuristic freshness is assumed, which only ever adds requests); `no-cache` means lifetime 0.
While fresh, and when the request headers the answer's `Vary` names are unchanged, it is used
without a request (counted as saved, per kind, not timed). Once stale, an answer with an ETag
or Last-Modified is revalidated with If-None-Match / If-Modified-Since; a 304 is a request, is
timed, refreshes the lifetime and its stored body is used (a chapter's HTML still names its
files); an answer without validators is fetched again. Cookies the server sets are sent back
(name=value; Max-Age=0 or an empty value deletes), as a browser's jar does, so `Vary: Cookie`
compares what a browser would send.

With `--front-cache` a third phase runs the same visitors, mix and user count through nginx's
front cache (deploy/nginx/archive.conf, started by scripts/services/nginx.sh with an empty cache
in front of a fresh gunicorn with the page cache on): anonymous pages and public files are then
answered by nginx, signed-in researchers still by gunicorn. Its server CPU is gunicorn's plus
nginx's, and the goals are judged on it against the cache-off baseline of the same run.

Printed and written to bench/results/load_bench.json: per endpoint kind p50/p95 in ms, requests,
304s, errors (anything but 2xx/304, and failed connections), requests the browser caches saved,
pupils who finished the exhibition, requests/s, gunicorn's CPU seconds (total and per request)
and this driver's own, each kind's CPU cost sent alone after the phase (where the CPU went),
and the load average before and after each phase (the machine is shared; read the timings with
it). The database connection is kept between requests (DATABASE_CONN_MAX_AGE=60, as
docs/DEPLOYMENT.md configures gunicorn's threads; the environment may override it). Goals:
0 errors; exhibition pages p95 <= 200 ms with the cache on; >= 10x the requests/s of the cache
off. `--smoke` runs 5 users for 5 seconds to check the harness.
"""

from __future__ import annotations

import argparse
import email.utils
import http.client
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
GOAL_P95_MS = 200.0
GOAL_RATIO = 10.0
EXHIBIT_KINDS = ("exhibitions", "landing", "chapter")
SEARCH_TERMS = ["钱学森", "手稿", "导弹", "华罗庚", "水稻", "气象", "书信", "回国", "数学", "访谈"]
PAGE_ASSETS = re.compile(r'(?:src|href|data-src|data-iiif|data-info)="(/(?:files|iiif)/[^"]+)"')


# The environment both the loading and the server run in ------------------------------------------


def bench_env(folder: Path, cache_seconds: int) -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "bench.load_settings",
        "LOAD_BENCH_DIR": str(folder),
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(60),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
        "ARCHIVE_IMPORT_ROOTS": str(folder),
        "DEMO_ADMIN_PASSWORD": secrets.token_urlsafe(16),
        "DEMO_RESEARCHER_PASSWORD": secrets.token_urlsafe(16),
        "PAGE_CACHE_SECONDS": str(cache_seconds),
        # As docs/DEPLOYMENT.md configures gunicorn's threads: a connection kept between
        # requests rather than one opened per request (production's default is 0).
        "DATABASE_CONN_MAX_AGE": os.environ.get("DATABASE_CONN_MAX_AGE", "60"),
    }


def manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def load_archive(folder: Path, env: dict[str, str]) -> None:
    """The demo archive and the collected static files in `folder`, unless already there."""
    started = time.perf_counter()
    if not (folder / "loaded").exists():
        manifest = folder / "demo"
        shutil.copytree(
            ROOT / "fixtures" / "demo", manifest, ignore=shutil.ignore_patterns("media")
        )
        manage(env, "migrate", "--no-input", "-v", "0")
        manage(env, "load_demo", "--manifest", str(manifest), "-v", "0")
        (folder / "loaded").touch()
    if not (folder / "static" / "staticfiles.json").exists():
        manage(env, "collectstatic", "--no-input", "-v", "0")
    print(f"archive and static files ready in {time.perf_counter() - started:.0f} s ({folder})")


_SESSIONS = """
import json
from django.contrib.auth import get_user_model
from django.test import Client
from exhibits.models import ChapterPage, ExhibitionIndexPage, ExhibitionPage
from archive_collections.access import AccessPolicy
from archive_collections.models import Item

user = get_user_model().objects.get(username="researcher")
sessions = []
for _ in range({researchers}):
    client = Client()
    client.force_login(user)
    sessions.append(client.cookies["sessionid"].value)
exhibition = ExhibitionPage.objects.live().first()
print(json.dumps({{
    "sessions": sessions,
    "index": ExhibitionIndexPage.objects.live().first().url,
    "landing": exhibition.url,
    "chapters": [p.url for p in ChapterPage.objects.live().descendant_of(exhibition)],
    "items": list(Item.objects.visible_to(AccessPolicy.for_user(user))
                  .values_list("identifier", flat=True)[:200]),
}}))
"""


def plan(env: dict[str, str], researchers: int) -> dict:
    """Signed-in sessions for the researchers and the exhibition's URLs, from the database."""
    out = manage(env, "shell", "-c", _SESSIONS.format(researchers=max(researchers, 1)))
    return json.loads(out.strip().splitlines()[-1])


# The server ---------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(env: dict[str, str], folder: Path, port: int) -> subprocess.Popen:
    log = open(folder / f"gunicorn-{port}.log", "w")  # noqa: SIM115 — closed with the process
    server = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py")],
        cwd=ROOT,
        env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_ACCESS_LOG": "-"},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            status, _, _ = fetch(http.client.HTTPConnection("127.0.0.1", port, timeout=5), "/")
            if status == 200:
                return server
        except OSError:
            time.sleep(0.3)
    server.kill()
    raise SystemExit(f"gunicorn did not answer on port {port}; see {log.name}")


def tree_cpu_seconds(pid: int) -> float:
    """CPU seconds of gunicorn's master, its live workers and the workers it has reaped."""
    tick = os.sysconf("SC_CLK_TCK")

    def stat(p: int) -> list[str]:
        return Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()

    fields = stat(pid)
    total = sum(int(v) for v in fields[11:15])  # utime stime cutime cstime
    for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
        try:
            total += sum(int(v) for v in stat(int(child))[11:13])
        except FileNotFoundError:
            pass  # exited between the listing and the read; counted in cutime once reaped
    return total / tick


def cpu_seconds(pids: tuple[int, ...]) -> float:
    return sum(tree_cpu_seconds(pid) for pid in pids)


NGINX_SCRIPT = ROOT / "scripts" / "services" / "nginx.sh"


def nginx_env(folder: Path, port: int, upstream: int) -> dict[str, str]:
    return {
        **os.environ,
        "ARCHIVE_NGINX_PORT": str(port),
        "ARCHIVE_NGINX_UPSTREAM": f"127.0.0.1:{upstream}",
        "ARCHIVE_NGINX_STATIC_ROOT": str(folder / "static"),
    }


def start_nginx(folder: Path, port: int, upstream: int) -> int:
    """The front cache (scripts/services/nginx.sh, deploy/nginx/archive.conf) on `port` in
    front of gunicorn on `upstream`, with an empty cache; its master's process id."""
    env = nginx_env(folder, port, upstream)
    subprocess.run([str(NGINX_SCRIPT), "stop"], env=env, capture_output=True)
    done = subprocess.run([str(NGINX_SCRIPT), "start"], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"nginx did not start:\n{done.stdout}\n{done.stderr}")
    return int(Path(f"/tmp/archive-nginx-{port}/nginx.pid").read_text())


def stop_nginx(folder: Path, port: int) -> None:
    env = nginx_env(folder, port, 0)
    subprocess.run([str(NGINX_SCRIPT), "stop"], env=env, capture_output=True)


def stop(server: subprocess.Popen) -> None:
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=40)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


# The visitors -------------------------------------------------------------------------------------


def fetch(
    conn: http.client.HTTPConnection, path: str, headers: dict[str, str] | None = None
) -> tuple[int, http.client.HTTPMessage, bytes]:
    conn.request("GET", path, headers=headers or {})
    response = conn.getresponse()
    return response.status, response.msg, response.read()


@dataclass
class Tally:
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    not_modified: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    saved: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    pupils_done: int = 0
    error_samples: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


@dataclass
class Kept:
    """One answer in a browser's cache."""

    status: int
    body: bytes
    fresh_until: float  # time.monotonic()
    etag: str | None
    last_modified: str | None
    vary: dict[str, str]  # the request's values of the headers the answer varies on


def _directives(cache_control: str) -> dict[str, str]:
    found = {}
    for part in cache_control.split(","):
        name, _, value = part.strip().partition("=")
        if name:
            found[name.lower()] = value.strip().strip('"')
    return found


def lifetime(headers: http.client.HTTPMessage) -> float | None:
    """Seconds an answer stays fresh in a private cache; None when it must not be kept."""
    directives = _directives(headers.get("Cache-Control", ""))
    if "no-store" in directives or headers.get("Vary", "").strip() == "*":
        return None
    if "no-cache" in directives:
        return 0.0
    if directives.get("max-age", "").isdigit():
        return float(directives["max-age"])
    expires, date = headers.get("Expires"), headers.get("Date")
    if expires:
        try:
            until = email.utils.parsedate_to_datetime(expires).timestamp()
            now = email.utils.parsedate_to_datetime(date).timestamp() if date else time.time()
        except (TypeError, ValueError):
            return 0.0  # an invalid Expires means already expired
        return max(until - now, 0.0)
    return 0.0  # no heuristic freshness: revalidated, or fetched again, every time


class Browser:
    """One device's HTTP cache and cookie jar, as the module docstring describes."""

    def __init__(self, cookies: dict[str, str] | None = None) -> None:
        self.kept: dict[tuple[str, str], Kept] = {}
        self.cookies = dict(cookies or {})

    def request_headers(self, extra: dict[str, str]) -> dict[str, str]:
        headers = dict(extra)
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        return headers

    def lookup(self, path: str, headers: dict[str, str]) -> tuple[Kept | None, bool]:
        """The kept answer usable for this request, if any, and whether it is still fresh."""
        kept = self.kept.get((path, headers.get("Range", "")))
        if kept is None or any(headers.get(h, "") != v for h, v in kept.vary.items()):
            return None, False
        return kept, time.monotonic() < kept.fresh_until

    def conditional(self, kept: Kept | None, headers: dict[str, str]) -> dict[str, str]:
        if kept is None:
            return headers
        extra = {}
        if kept.etag:
            extra["If-None-Match"] = kept.etag
        if kept.last_modified:
            extra["If-Modified-Since"] = kept.last_modified
        return {**headers, **extra}

    def remember(self, path: str, headers: dict[str, str], status: int, answer, body: bytes):
        for cookie in answer.get_all("Set-Cookie") or []:
            pair, *attributes = cookie.split(";")
            name, _, value = pair.strip().partition("=")
            gone = not value or any(
                a.strip().lower().replace(" ", "") == "max-age=0" for a in attributes
            )
            if gone:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        key = (path, headers.get("Range", ""))
        seconds = lifetime(answer)
        etag, modified = answer.get("ETag"), answer.get("Last-Modified")
        if status == 304 and key in self.kept:
            if seconds is None:
                del self.kept[key]
            else:
                self.kept[key].fresh_until = time.monotonic() + seconds
            return
        if (
            status not in (200, 206)
            or seconds is None
            or (seconds <= 0 and not etag and not modified)
        ):
            self.kept.pop(key, None)
            return
        vary = [h.strip() for h in answer.get("Vary", "").split(",") if h.strip()]
        self.kept[key] = Kept(
            status=status,
            body=body,
            fresh_until=time.monotonic() + seconds,
            etag=etag,
            last_modified=modified,
            vary={h: headers.get(h, "") for h in vary},
        )


class Visitor(threading.Thread):
    def __init__(
        self, port: int, urls: dict, tally: Tally, until: list[float], session: str | None
    ) -> None:
        super().__init__(daemon=True)
        self.port, self.urls, self.tally, self.until = port, urls, tally, until
        self.session = session
        self.browser = Browser({"sessionid": session} if session else None)
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.random = random.Random()

    def new_device(self) -> None:
        """Another visitor arrives: an empty cache and cookie jar, a connection of its own."""
        self.conn.close()
        self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        self.browser = Browser({"sessionid": self.session} if self.session else None)

    def get(self, kind: str, path: str, headers: dict[str, str] | None = None) -> bytes:
        recording = self.until[0] > 0
        sent = self.browser.request_headers({**(headers or {})})
        kept, fresh = self.browser.lookup(path, sent)
        if kept is not None and fresh:
            if recording:
                with self.tally.lock:
                    self.tally.saved[kind] += 1
            return kept.body
        started = time.perf_counter()
        try:
            status, answer, body = fetch(self.conn, path, self.browser.conditional(kept, sent))
        except (OSError, http.client.HTTPException) as exc:
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            status, answer, body = 0, http.client.HTTPMessage(), repr(exc).encode()
        elapsed = (time.perf_counter() - started) * 1000
        if status:
            self.browser.remember(path, sent, status, answer, body)
        if recording:
            with self.tally.lock:
                self.tally.times[kind].append(elapsed)
                if status == 304:
                    self.tally.not_modified[kind] += 1
                elif not 200 <= status < 300:
                    self.tally.errors[kind] += 1
                    if len(self.tally.error_samples) < 10:
                        self.tally.error_samples.append(f"{status} {path} {body[:120]!r}")
        if status == 304 and kept is not None:
            return kept.body
        return body if 200 <= status < 300 else b""

    def running(self) -> bool:
        return time.monotonic() < self.until[1]


class Pupil(Visitor):
    def run(self) -> None:
        while self.running():
            self.new_device()
            self.get("exhibitions", self.urls["index"])
            self.get("landing", self.urls["landing"])
            for chapter in self.urls["chapters"]:
                if not self.running():
                    return
                html = self.get("chapter", chapter).decode("utf-8", "replace")
                self.assets(html)
            if self.until[0] > 0 and self.running():
                with self.tally.lock:
                    self.tally.pupils_done += 1

    def assets(self, html: str) -> None:
        seen: set[str] = set()
        for found in PAGE_ASSETS.findall(html.replace("&amp;", "&")):
            path = found.split("#", 1)[0]  # a clip's #t=start,end is for the player
            if path in seen or not self.running():
                continue
            seen.add(path)
            if path.startswith("/iiif/") and path.endswith("info.json"):
                self.get("iiif_info", path)
                base = path.removesuffix("/info.json")
                self.get("iiif_tile", f"{base}/full/max/0/default.jpg")
            elif path.startswith("/iiif/"):
                self.get("iiif_tile", path)
            elif path.endswith((".mp4", ".m4a", ".mp3", ".wav", ".webm")):
                self.get("clip", path, {"Range": "bytes=0-262143"})
            elif "/files/" in path:
                self.get("image", path)


class Researcher(Visitor):
    def run(self) -> None:
        while self.running():
            term = self.random.choice(SEARCH_TERMS)
            self.get("search_page", f"/search/?q={quote(term)}")
            self.get("search_json", f"/api/search/?q={quote(term)}")
            item = self.random.choice(self.urls["items"])
            self.get("item_signed_in", f"/archive/items/{item}/")


def phase(
    name: str,
    port: int,
    pids: tuple[int, ...],
    urls: dict,
    users: int,
    seconds: float,
    warmup: float,
) -> dict:
    tally = Tally()
    until = [0.0, time.monotonic() + warmup + seconds]  # [recording?, end]
    researchers = max(1, users // 5)
    visitors: list[Visitor] = [
        Researcher(port, urls, tally, until, urls["sessions"][n % len(urls["sessions"])])
        for n in range(researchers)
    ]
    visitors += [Pupil(port, urls, tally, until, None) for _ in range(users - researchers)]
    load_before = os.getloadavg()
    for visitor in visitors:
        visitor.start()
    time.sleep(warmup)
    until[0] = 1.0
    started = time.perf_counter()
    driver_cpu, server_cpu = time.process_time(), cpu_seconds(pids)
    front_cpu = cpu_seconds(pids[1:])
    for visitor in visitors:
        visitor.join()
    wall = time.perf_counter() - started
    result = summarise(name, tally, wall, load_before)
    result["server_cpu_s"] = round(cpu_seconds(pids) - server_cpu, 1)
    # Of which nginx's (master and workers), when the phase goes through the front cache.
    result["nginx_cpu_s"] = round(cpu_seconds(pids[1:]) - front_cpu, 1)
    result["server_cpu_s_per_request"] = round(
        result["server_cpu_s"] / max(result["requests"], 1), 5
    )
    # The visitors run on the same two cores as gunicorn: what they took from it.
    result["driver_cpu_s"] = round(time.process_time() - driver_cpu, 1)
    return result


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def summarise(name: str, tally: Tally, wall: float, load_before) -> dict:
    kinds = {}
    for kind in sorted(set(tally.times) | set(tally.saved)):
        times = tally.times.get(kind, [])
        kinds[kind] = {
            "requests": len(times),
            "not_modified": tally.not_modified.get(kind, 0),
            "errors": tally.errors.get(kind, 0),
            "p50_ms": round(statistics.median(times), 1) if times else None,
            "p95_ms": round(percentile(times, 0.95), 1) if times else None,
            "saved_by_browser_cache": tally.saved.get(kind, 0),
        }
    total = sum(len(t) for t in tally.times.values())
    exhibit = [t for kind in EXHIBIT_KINDS for t in tally.times.get(kind, [])]
    return {
        "phase": name,
        "seconds": round(wall, 1),
        "requests": total,
        "requests_per_s": round(total / wall, 1),
        "errors": sum(tally.errors.values()),
        "not_modified": sum(tally.not_modified.values()),
        "saved_by_browser_caches": sum(tally.saved.values()),
        "pupils_finished": tally.pupils_done,
        "error_samples": tally.error_samples,
        "exhibit_pages_p95_ms": round(percentile(exhibit, 0.95), 1) if exhibit else None,
        "exhibit_pages_p50_ms": round(statistics.median(exhibit), 1) if exhibit else None,
        "endpoints": kinds,
        "load_average_before": [round(v, 2) for v in load_before],
        "load_average_after": [round(v, 2) for v in os.getloadavg()],
    }


_ACCESS_LINE = re.compile(r'"GET (\S+) [^"]*" (\d+) \S+ (\d+)ms cache=(\S+)')


def server_side(log: Path) -> dict:
    """Time inside gunicorn (accepted to answered: no queueing) of pages by the cache's verdict,
    from the access log (gunicorn.conf.py's format)."""
    times: dict[str, list[float]] = defaultdict(list)
    for path, _status, ms, verdict in _ACCESS_LINE.findall(log.read_text()):
        if verdict in ("hit", "miss"):
            times[f"page_{verdict}"].append(float(ms))
        elif path.startswith(("/files/", "/iiif/")):
            times["files_and_iiif"].append(float(ms))
    return {
        kind: {
            "requests": len(values),
            "p50_ms": statistics.median(values),
            "p95_ms": percentile(values, 0.95),
        }
        for kind, values in sorted(times.items())
    }


def cost_alone(port: int, pids: tuple[int, ...], urls: dict, repeats: int = 20) -> dict:
    """gunicorn's CPU milliseconds for one request of each kind, sent one at a time after the
    phase (warm: the phase has rendered and cached what it will): where the phase's CPU went."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    signed_in = {"Cookie": f"sessionid={urls['sessions'][0]}"}
    assets = []
    for chapter in urls["chapters"]:
        html = fetch(conn, chapter)[2].decode("utf-8", "replace").replace("&amp;", "&")
        assets += [found.split("#", 1)[0] for found in PAGE_ASSETS.findall(html)]
    probes: dict[str, tuple[str, dict[str, str]]] = {"chapter": (urls["chapters"][0], {})}
    image = next((a for a in assets if a.startswith("/files/") and a.endswith(".jpg")), None)
    tile = next((a for a in assets if a.startswith("/iiif/") and a.endswith(".jpg")), None)
    clip = next((a for a in assets if a.endswith((".mp4", ".m4a", ".mp3"))), None)
    if image:
        probes["image"] = (image, {})
    if tile:
        probes["iiif_tile"] = (tile, {})
    if clip:
        probes["clip"] = (clip, {"Range": "bytes=0-262143"})
    term = quote(SEARCH_TERMS[0])
    probes["search_page"] = (f"/search/?q={term}", signed_in)
    probes["search_json"] = (f"/api/search/?q={term}", signed_in)
    probes["item_signed_in"] = (f"/archive/items/{urls['items'][0]}/", signed_in)
    costs = {}
    for kind, (path, headers) in probes.items():
        fetch(conn, path, headers)
        before = cpu_seconds(pids)
        for _ in range(repeats):
            fetch(conn, path, headers)
        costs[kind] = round((cpu_seconds(pids) - before) * 1000 / repeats, 1)
    conn.close()
    return costs


def run_phase(name, env, folder, urls, args, cache_seconds, front: bool = False) -> dict:
    port = free_port()
    server = start_gunicorn({**env, "PAGE_CACHE_SECONDS": str(cache_seconds)}, folder, port)
    pids: tuple[int, ...] = (server.pid,)
    visited = port
    try:
        if front:
            visited = free_port()
            pids += (start_nginx(folder, visited, port),)
        result = phase(name, visited, pids, urls, args.users, args.seconds, args.warmup)
        result["cpu_ms_per_request_alone"] = cost_alone(visited, pids, urls)
    finally:
        if front:
            stop_nginx(folder, visited)
        stop(server)
    result["server_side_ms_incl_warmup"] = server_side(folder / f"gunicorn-{port}.log")
    return result


def show(result: dict) -> None:
    print(
        f"\n{result['phase']}: {result['requests']} requests in {result['seconds']} s = "
        f"{result['requests_per_s']}/s, {result['errors']} errors, exhibition pages p50 "
        f"{result['exhibit_pages_p50_ms']} ms p95 {result['exhibit_pages_p95_ms']} ms, "
        f"{result['server_cpu_s_per_request']} CPU s/request; load "
        f"{result['load_average_before']} -> {result['load_average_after']}"
    )
    print(
        f"  server CPU {result['server_cpu_s']} s (of which nginx {result['nginx_cpu_s']} s), "
        f"the visitors' own (this process) {result['driver_cpu_s']} s over the phase"
    )
    print(
        f"  browser caches saved {result['saved_by_browser_caches']} requests; "
        f"{result['not_modified']} answered 304; {result['pupils_finished']} pupils saw "
        "the whole exhibition"
    )
    print(
        f"  {'endpoint':<16}{'requests':>9}{'304':>6}{'errors':>7}{'p50 ms':>9}{'p95 ms':>9}"
        f"{'saved':>7}"
    )
    for kind, row in result["endpoints"].items():
        print(
            f"  {kind:<16}{row['requests']:>9}{row['not_modified']:>6}{row['errors']:>7}"
            f"{row['p50_ms']!s:>9}{row['p95_ms']!s:>9}{row['saved_by_browser_cache']:>7}"
        )
    for kind, row in result["server_side_ms_incl_warmup"].items():
        print(
            f"  inside gunicorn, {kind}: {row['requests']} requests, p50 {row['p50_ms']} ms "
            f"p95 {row['p95_ms']} ms (warm-up included)"
        )
    print(
        "  server CPU ms per request, each kind alone after the phase: "
        + ", ".join(f"{k} {v}" for k, v in result["cpu_ms_per_request_alone"].items())
    )
    for sample in result["error_samples"]:
        print(f"  error: {sample}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--warmup", type=float, default=10)
    parser.add_argument("--smoke", action="store_true", help="5 users, 5 seconds, 2 s warm-up")
    parser.add_argument(
        "--front-cache",
        action="store_true",
        help="a third phase: the cache on with nginx's front cache (deploy/nginx) in front",
    )
    parser.add_argument(
        "--data",
        type=Path,
        help="a folder to load the archive into once and reuse (default: a temporary one)",
    )
    args = parser.parse_args()
    if args.smoke:
        args.users, args.seconds, args.warmup = 5, 5.0, 2.0
    folder = args.data or Path(tempfile.mkdtemp(prefix="load-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        env = bench_env(folder, 0)
        load_archive(folder, env)
        urls = plan(env, max(1, args.users // 5))
        print(
            f"{len(urls['chapters'])} chapters, {args.users} users, {args.seconds:.0f} s each "
            f"phase, {os.cpu_count()} cores"
        )
        off = run_phase("cache off", env, folder, urls, args, 0)
        show(off)
        on = run_phase("cache on", env, folder, urls, args, 600)
        show(on)
        front = None
        if args.front_cache:
            front = run_phase(
                "cache on, through nginx's front cache", env, folder, urls, args, 600, front=True
            )
            show(front)
    finally:
        if args.data is None:
            shutil.rmtree(folder, ignore_errors=True)
    ratio = on["requests_per_s"] / max(off["requests_per_s"], 0.001)
    print(f"\nratio vs baseline (requests/s, cache on / off): {ratio:.1f}x")
    judged = on
    if front is not None:
        front_ratio = front["requests_per_s"] / max(off["requests_per_s"], 0.001)
        print(f"ratio vs baseline (requests/s, front cache / off): {front_ratio:.1f}x")
        for row in (off, on, front):
            print(
                f"  {row['phase']}: {row['server_cpu_s_per_request'] * 1000:.2f} server CPU ms "
                f"per request; load {row['load_average_before']} -> {row['load_average_after']}"
            )
        judged, ratio = front, front_ratio
    goals = {
        "no_errors": judged["errors"] == 0 and off["errors"] == 0,
        "exhibit_p95_ms_le_200_cache_on": (judged["exhibit_pages_p95_ms"] or 1e9) <= GOAL_P95_MS,
        "requests_per_s_ratio_ge_10": ratio >= GOAL_RATIO,
    }
    print(
        f"goals ({judged['phase']}): "
        + ", ".join(f"{k}={'met' if v else 'MISSED'}" for k, v in goals.items())
    )
    results = {
        "users": args.users,
        "seconds": args.seconds,
        "cpus": os.cpu_count(),
        "cache_off": off,
        "cache_on": on,
        "front_cache": front,
        "ratio_requests_per_s": round(ratio, 2),
        "goals": goals,
    }
    if not args.smoke:
        out = ROOT / "bench" / "results" / "load_bench.json"
        out.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n")
        print(f"written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
