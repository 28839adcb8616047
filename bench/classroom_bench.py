"""Classroom mode against the normal chapter page, in one run: bytes and time to the first slide.

    .venv/bin/python bench/classroom_bench.py [--runs 10]

A chapter like the theme exhibition's (a long text, three record embeds with real scans, a
gallery of four records, a Wagtail image, a deep-zoom detail, an oral-history clip and a pull
quote; the scans go through the pipeline: derivatives and IIIF tiles) is built in a throwaway
test database and served by Django's live-server thread (static files by the staticfiles
handler). Chromium (Debian's, /usr/bin/chromium, launched as tests/browser/conftest.py does) opens
the normal chapter page and its classroom mode alternately, each time in a new browser context
(empty cache, no cookies: a pupil's or teacher's first visit) at 1920×1080, and waits until the
network is idle. Measured per view:

- transfer size: the navigation's and every resource's `transferSize` from the Resource Timing
  API (same origin: real bytes on the wire), split into HTML, CSS, JS, images and other: only what
  the page actually requested (lazy images below the fold, hidden slides' lazy images, are not);
- time to first slide: in classroom mode the `classroom:first-slide` mark classroom.js sets when
  the first slide is shown; for the normal page its first contentful paint (when the reader first
  sees the chapter); both pages' first contentful paint and load event too;
- CPU seconds: this process (the server thread and the Playwright driver) and Chromium's
  processes (everything under this process), per view.

Printed and written to bench/results/classroom_bench.json: per page the median and p95 of each
figure, the classroom/normal ratios (the normal chapter page is the baseline), CPU seconds per
view, and the load average before and after (the machine is shared; read the timings with it).
"""

from __future__ import annotations

import argparse
import io
import json
import logging
import os
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive_site.settings.test")
CHROMIUM = os.environ.get("BROWSER_EXECUTABLE", "/usr/bin/chromium")

# Sums what the page requested, by kind, once the network is idle.
_COLLECT = """() => {
    const kinds = {html: 0, css: 0, js: 0, image: 0, other: 0};
    const count = {html: 0, css: 0, js: 0, image: 0, other: 0};
    const nav = performance.getEntriesByType("navigation")[0];
    kinds.html += nav.transferSize; count.html += 1;
    for (const entry of performance.getEntriesByType("resource")) {
        const path = new URL(entry.name).pathname;
        let kind = "other";
        if (entry.initiatorType === "img" || /\\.(jpe?g|png|webp|gif|svg)$/.test(path)
            || path.includes("/iiif/")) kind = "image";
        else if (path.endsWith(".css")) kind = "css";
        else if (path.endsWith(".js")) kind = "js";
        kinds[kind] += entry.transferSize; count[kind] += 1;
    }
    const paint = performance.getEntriesByName("first-contentful-paint")[0];
    const slide = performance.getEntriesByName("classroom:first-slide")[0];
    return {
        bytes: kinds, requests: count,
        fcp_ms: paint ? paint.startTime : null,
        first_slide_ms: slide ? slide.startTime : null,
        load_ms: nav.loadEventEnd,
    };
}"""


def _cpu_seconds_tree() -> float:
    """CPU seconds (user + system) of this process and every process below it (Chromium)."""
    ticks = os.sysconf("SC_CLK_TCK")
    children: dict[int, list[int]] = {}
    stats: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            raw = (entry / "stat").read_text()
        except OSError:
            continue
        fields = raw[raw.rindex(")") + 2 :].split()
        pid, ppid = int(entry.name), int(fields[1])
        children.setdefault(ppid, []).append(pid)
        stats[pid] = (int(fields[11]) + int(fields[12])) / ticks
    total, stack = 0.0, [os.getpid()]
    while stack:
        pid = stack.pop()
        total += stats.get(pid, 0.0)
        stack.extend(children.get(pid, []))
    return total


def _scan(seed: int) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (2400, 1700), (236 - seed * 7, 226 - seed * 4, 204))
    draw = ImageDraw.Draw(image)
    for y in range(160, 1560, 70):
        width = 300 + (y * 7 + seed * 131) % 1700
        draw.rectangle([(180, y - 40), (180 + width, y - 12)], fill=(60, 52, 48))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=88)
    return buffer.getvalue()


def build_chapter():
    """The chapter: every kind of block a theme chapter uses, scans processed by the pipeline."""
    from django.core.files.images import ImageFile
    from PIL import Image
    from wagtail.images import get_image_model

    from media_pipeline.ingest import ingest_fileobj
    from tests.factories import InterviewFactory, ItemFactory, TranscriptSegmentFactory
    from tests.pages import (
        clip_block,
        deep_zoom_block,
        ensure_site,
        exhibition_tree,
        item_block,
        stream,
    )

    ensure_site()
    items = []
    for n in range(6):
        item = ItemFactory(title=f"手稿第{n + 1}号", date_text=f"195{n}年")
        ingest_fileobj(item, io.BytesIO(_scan(n)), f"scan-{n}.jpg")
        items.append(item)
    interview = InterviewFactory()
    for n in range(6):
        TranscriptSegmentFactory(
            interview=interview, start_ms=n * 3000, end_ms=n * 3000 + 2500, text="回国以后的工作"
        )
    buffer = io.BytesIO()
    Image.new("RGB", (1600, 1000), (52, 86, 120)).save(buffer, format="JPEG")
    image = get_image_model().objects.create(
        title="旧址", file=ImageFile(io.BytesIO(buffer.getvalue()), name="site.jpg")
    )
    text = "".join(
        "<p>" + "一九五五年，科学家冲破阻挠回到祖国，投入研究所的筹建。" * 4 + "</p>"
        for _ in range(4)
    )
    body = stream(
        {"type": "text", "value": "<h2>归国</h2>" + text},
        *[item_block(item, "手稿说明") for item in items[:3]],
        {"type": "gallery", "value": {"heading": "手稿一组", "items": [i.pk for i in items[2:]]}},
        {"type": "image", "value": {"image": image.pk, "alt": "研究所大楼", "caption": "旧址"}},
        deep_zoom_block(items[0]),
        clip_block(interview, "00:01", "00:12"),
        {
            "type": "pull_quote",
            "value": {"quote": "我的事业在中国。", "speaker": "钱学森", "item": items[0].pk},
        },
        {"type": "text", "value": text},
    )
    _index, _exhibition, (chapter,) = exhibition_tree([body])
    return chapter


def _view(browser, url: str, ready: str | None) -> dict:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1920, "height": 1080})
    page = context.new_page()
    cpu = _cpu_seconds_tree()
    page.goto(url, wait_until="load")
    if ready:
        page.wait_for_selector(ready)
    page.wait_for_load_state("networkidle")
    result = page.evaluate(_COLLECT)
    result["cpu_s"] = _cpu_seconds_tree() - cpu
    result["bytes"]["total"] = sum(result["bytes"].values())
    context.close()
    return result


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) > 1 else values[0]


def _summary(views: list[dict], first: str) -> dict:
    def stat(values):
        values = [v for v in values if v is not None]
        return {"median": round(statistics.median(values), 1), "p95": round(_p95(values), 1)}

    return {
        "views": len(views),
        "bytes": {
            k: int(statistics.median(v["bytes"][k] for v in views)) for k in views[0]["bytes"]
        },
        "requests": {
            k: int(statistics.median(v["requests"][k] for v in views)) for k in views[0]["requests"]
        },
        "time_to_first_slide_ms": stat([v[first] for v in views]),
        "fcp_ms": stat([v["fcp_ms"] for v in views]),
        "load_ms": stat([v["load_ms"] for v in views]),
        "cpu_s_per_view": round(statistics.mean(v["cpu_s"] for v in views), 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()

    import django

    django.setup()
    logging.disable(logging.INFO)  # every task the pipeline runs would log two lines
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.db import connections
    from django.test.testcases import LiveServerThread
    from django.test.utils import setup_test_environment
    from playwright.sync_api import sync_playwright

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's loop in this thread
    setup_test_environment()
    connection = connections["default"]
    old_name = connection.creation.create_test_db(verbosity=0)
    server = None
    try:
        chapter = build_chapter()
        shared = {
            c.alias: c for c in connections.all() if c.vendor == "sqlite" and c.is_in_memory_db()
        }
        for conn in shared.values():
            conn.inc_thread_sharing()
        server = LiveServerThread(
            "localhost", StaticFilesHandler, connections_override=shared, port=0
        )
        server.daemon = True
        server.start()
        server.is_ready.wait()
        if server.error:
            raise server.error
        base = f"http://localhost:{server.port}"
        normal_url, classroom_url = base + chapter.url, base + chapter.url + "classroom/"
        load_before = os.getloadavg()
        views: dict[str, list[dict]] = {"normal": [], "classroom": []}
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM,
                headless=True,
                args=[
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--no-first-run",
                    "--disable-quic",
                ],
            )
            _view(browser, normal_url, None)  # warm: templates, renditions, IIIF region renders
            _view(browser, classroom_url, "[data-ready=true]")
            for _ in range(args.runs):
                views["normal"].append(_view(browser, normal_url, None))
                views["classroom"].append(_view(browser, classroom_url, "[data-ready=true]"))
            browser.close()
        load_after = os.getloadavg()
    finally:
        if server is not None:
            server.terminate()
        connection.creation.destroy_test_db(old_name, verbosity=0)

    normal = _summary(views["normal"], "fcp_ms")
    classroom = _summary(views["classroom"], "first_slide_ms")
    result = {
        "benchmark": "classroom_mode_vs_chapter_page",
        "runs": args.runs,
        "viewport": "1920x1080",
        "baseline_normal_chapter": normal,
        "classroom_mode": classroom,
        "ratio_vs_baseline": {
            "transfer_bytes": round(classroom["bytes"]["total"] / normal["bytes"]["total"], 3),
            "time_to_first_slide_median": round(
                classroom["time_to_first_slide_ms"]["median"]
                / normal["time_to_first_slide_ms"]["median"],
                3,
            ),
            "cpu_s_per_view": round(classroom["cpu_s_per_view"] / normal["cpu_s_per_view"], 3),
        },
        "load_average_before": [round(v, 2) for v in load_before],
        "load_average_after": [round(v, 2) for v in load_after],
    }
    for name, summary in (("normal chapter", normal), ("classroom mode", classroom)):
        size, first = summary["bytes"], summary["time_to_first_slide_ms"]
        print(
            f"{name:15} {size['total'] / 1024:8.1f} KiB (html {size['html'] / 1024:.1f}, "
            f"css {size['css'] / 1024:.1f}, js {size['js'] / 1024:.1f}, "
            f"images {size['image'] / 1024:.1f}; {sum(summary['requests'].values())} requests)  "
            f"first slide/content median {first['median']} ms p95 {first['p95']} ms  "
            f"CPU {summary['cpu_s_per_view']} s/view"
        )
    ratio = result["ratio_vs_baseline"]
    print(
        f"ratio vs baseline: bytes {ratio['transfer_bytes']}, time to first slide "
        f"{ratio['time_to_first_slide_median']}, CPU {ratio['cpu_s_per_view']}"
    )
    print(
        f"load average before {result['load_average_before']} after {result['load_average_after']}"
    )
    out = ROOT / "bench" / "results" / "classroom_bench.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
