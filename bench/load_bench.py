"""Fifty visitors at once against gunicorn on loopback, with the page cache on and off in one run.

    .venv/bin/python bench/load_bench.py [--users 50] [--seconds 60] [--smoke] [--data DIR]

The demo archive is loaded (`manage.py load_demo`: the importer, the pipeline's derivatives and
IIIF tiles, the theme exhibition, the search index) into a temporary folder, static files are
collected (hashed names), and gunicorn is started with gunicorn.conf.py and production settings
(bench/load_settings.py) twice: PAGE_CACHE_SECONDS=0 (the baseline: every page rendered) and
the page cache on. Each time `--users` threads, each with its own keep-alive connection and no
think time, run for `--seconds` after a 10-second unrecorded warm-up (templates, the search
analyser and, with the cache on, each worker's first render of each page):

- pupils (four in five) visit the exhibition as a class does: the exhibitions index, the
  exhibition's landing page, then each chapter in turn with the images, IIIF info.json and
  tiles and the start of the audio/video clips (a Range request, as a player makes) that the
  chapter's HTML names;
- researchers (one in five), signed in, search the page and the JSON endpoint and open items.

Printed and written to bench/results/load_bench.json: per endpoint kind p50/p95 in ms, requests,
errors (anything but 2xx/304, and failed connections), requests/s, gunicorn's CPU seconds per
request, and the load average before and after each phase (the machine is shared; read the
timings with it). Goals: 0 errors; exhibition pages p95 <= 200 ms with the cache on; >= 10x the
requests/s of the cache off. `--smoke` runs 5 users for 5 seconds to check the harness.
"""

from __future__ import annotations

import argparse
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
            status, _ = fetch(http.client.HTTPConnection("127.0.0.1", port, timeout=5), "/")
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
) -> tuple[int, bytes]:
    conn.request("GET", path, headers=headers or {})
    response = conn.getresponse()
    return response.status, response.read()


@dataclass
class Tally:
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    error_samples: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


class Visitor(threading.Thread):
    def __init__(
        self, port: int, urls: dict, tally: Tally, until: list[float], session: str | None
    ) -> None:
        super().__init__(daemon=True)
        self.port, self.urls, self.tally, self.until = port, urls, tally, until
        self.headers = {"Cookie": f"sessionid={session}"} if session else {}
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.random = random.Random()

    def get(self, kind: str, path: str, headers: dict[str, str] | None = None) -> bytes:
        recording = self.until[0] > 0
        started = time.perf_counter()
        try:
            status, body = fetch(self.conn, path, {**self.headers, **(headers or {})})
        except (OSError, http.client.HTTPException) as exc:
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            status, body = 0, repr(exc).encode()
        elapsed = (time.perf_counter() - started) * 1000
        if recording:
            with self.tally.lock:
                self.tally.times[kind].append(elapsed)
                if not (200 <= status < 300 or status == 304):
                    self.tally.errors[kind] += 1
                    if len(self.tally.error_samples) < 10:
                        self.tally.error_samples.append(f"{status} {path} {body[:120]!r}")
        return body if 200 <= status < 300 else b""

    def running(self) -> bool:
        return time.monotonic() < self.until[1]


class Pupil(Visitor):
    def run(self) -> None:
        while self.running():
            self.get("exhibitions", self.urls["index"])
            self.get("landing", self.urls["landing"])
            for chapter in self.urls["chapters"]:
                if not self.running():
                    return
                html = self.get("chapter", chapter).decode("utf-8", "replace")
                self.assets(html)

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


def phase(name: str, port: int, urls: dict, users: int, seconds: float, warmup: float) -> dict:
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
    for visitor in visitors:
        visitor.join()
    wall = time.perf_counter() - started
    return summarise(name, tally, wall, load_before)


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def summarise(name: str, tally: Tally, wall: float, load_before) -> dict:
    kinds = {}
    for kind, times in sorted(tally.times.items()):
        kinds[kind] = {
            "requests": len(times),
            "errors": tally.errors.get(kind, 0),
            "p50_ms": round(statistics.median(times), 1),
            "p95_ms": round(percentile(times, 0.95), 1),
        }
    total = sum(len(t) for t in tally.times.values())
    exhibit = [t for kind in EXHIBIT_KINDS for t in tally.times.get(kind, [])]
    return {
        "phase": name,
        "seconds": round(wall, 1),
        "requests": total,
        "requests_per_s": round(total / wall, 1),
        "errors": sum(tally.errors.values()),
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


def run_phase(name, env, folder, urls, args, cache_seconds) -> dict:
    port = free_port()
    server = start_gunicorn({**env, "PAGE_CACHE_SECONDS": str(cache_seconds)}, folder, port)
    try:
        cpu = tree_cpu_seconds(server.pid)
        result = phase(name, port, urls, args.users, args.seconds, args.warmup)
        result["server_cpu_s_per_request"] = round(
            (tree_cpu_seconds(server.pid) - cpu) / max(result["requests"], 1), 5
        )
    finally:
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
    print(f"  {'endpoint':<16}{'requests':>9}{'errors':>7}{'p50 ms':>9}{'p95 ms':>9}")
    for kind, row in result["endpoints"].items():
        print(
            f"  {kind:<16}{row['requests']:>9}{row['errors']:>7}"
            f"{row['p50_ms']:>9}{row['p95_ms']:>9}"
        )
    for kind, row in result["server_side_ms_incl_warmup"].items():
        print(
            f"  inside gunicorn, {kind}: {row['requests']} requests, p50 {row['p50_ms']} ms "
            f"p95 {row['p95_ms']} ms (warm-up included)"
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
    finally:
        if args.data is None:
            shutil.rmtree(folder, ignore_errors=True)
    ratio = on["requests_per_s"] / max(off["requests_per_s"], 0.001)
    goals = {
        "no_errors": on["errors"] == 0 and off["errors"] == 0,
        "exhibit_p95_ms_le_200_cache_on": (on["exhibit_pages_p95_ms"] or 1e9) <= GOAL_P95_MS,
        "requests_per_s_ratio_ge_10": ratio >= GOAL_RATIO,
    }
    print(f"\nratio vs baseline (requests/s, cache on / off): {ratio:.1f}x")
    print("goals: " + ", ".join(f"{k}={'met' if v else 'MISSED'}" for k, v in goals.items()))
    results = {
        "users": args.users,
        "seconds": args.seconds,
        "cpus": os.cpu_count(),
        "cache_off": off,
        "cache_on": on,
        "ratio_requests_per_s": round(ratio, 2),
        "goals": goals,
    }
    if not args.smoke:
        out = ROOT / "bench" / "results" / "load_bench.json"
        out.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n")
        print(f"written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
