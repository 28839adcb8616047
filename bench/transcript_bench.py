"""Import and render a 3-hour interview (~2,000 segments, ~60k Chinese characters) against a
10-minute baseline measured in the same run.

    .venv/bin/python bench/transcript_bench.py

Runs on a fresh temporary SQLite database (settings archive_site.settings.test + migrate).
Measures: WebVTT import time, server render time of the interview page (median of 7), page
payload size, and the ratio of each against the baseline. Goal: growth no worse than linear
in segments, and the 3-hour page rendered in ≤ 300 ms. Writes bench/results/transcript_bench.json.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "transcript_bench.json"
GOAL_RENDER_MS = 300.0
PHRASES = [
    "我一九三五年去美国留学，",
    "在加州理工学院跟冯·卡门读博士。",
    "那时候条件很艰苦，",
    "但是大家都想着要为国家做事情。",
    "回国以后先在力学研究所工作，",
    "后来参加了导弹的研制。",
]


def make_vtt(segments: int, seconds: int) -> str:
    from archive_collections.oral_history.document import Line
    from archive_collections.oral_history.webvtt import write_webvtt

    step = seconds * 1000 // segments
    lines = []
    for n in range(segments):
        text = "".join(PHRASES[(n + k) % len(PHRASES)] for k in range(2))[:30]
        lines.append(Line(n * step, n * step + step - 100, "钱学森" if n % 3 else "采访人", text))
    return write_webvtt(lines)


def run_case(name: str, segments: int, seconds: int) -> dict:
    from django.test import Client

    from archive_collections.oral_history.formats import read_file
    from archive_collections.oral_history.importing import import_document
    from tests.factories import IndexSegmentFactory, InterviewFactory

    interview = InterviewFactory(item__identifier=f"BENCH-{name}", duration_ms=seconds * 1000)
    for n in range(max(1, seconds // 300)):
        IndexSegmentFactory(interview=interview, start_ms=n * 300_000, title=f"第{n + 1}节")
    data = make_vtt(segments, seconds).encode()
    started = time.perf_counter()
    document = read_file(data, "bench.vtt")
    import_document(interview, document, index=False)
    import_ms = (time.perf_counter() - started) * 1000
    client = Client()
    url = f"/archive/items/BENCH-{name}/interview/"
    client.get(url)  # warm caches (templates, URL resolver)
    timings, size = [], 0
    for _ in range(7):
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        size = len(response.content)
        assert response.status_code == 200
    chars = sum(len(line.text) for line in document.transcript)
    return {
        "segments": segments,
        "seconds": seconds,
        "characters": chars,
        "file_bytes": len(data),
        "import_ms": round(import_ms, 1),
        "render_ms": round(statistics.median(timings), 1),
        "payload_bytes": size,
    }


def main() -> int:
    sys.path.insert(0, str(ROOT))
    tmp = tempfile.mkdtemp(prefix="transcript-bench-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive_site.settings.test")
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.DATABASES["default"]["NAME"] = f"{tmp}/bench.sqlite3"
    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)
    baseline = run_case("10min", 110, 600)
    large = run_case("3h", 2000, 3 * 3600)
    scale = large["segments"] / baseline["segments"]
    ratios = {
        key: round(large[key] / baseline[key], 2)
        for key in ("import_ms", "render_ms", "payload_bytes")
    }
    result = {
        "machine": platform.platform(),
        "python": platform.python_version(),
        "baseline_10min": baseline,
        "interview_3h": large,
        "segment_ratio": round(scale, 2),
        "ratio_vs_baseline": ratios,
        "per_segment_ratio": {k: round(v / scale, 2) for k, v in ratios.items()},
        "goal_render_ms": GOAL_RENDER_MS,
        "render_goal_met": large["render_ms"] <= GOAL_RENDER_MS,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    print(f"baseline 10 min: {baseline}")
    print(f"3-hour interview: {large}")
    for key, ratio in ratios.items():
        print(
            f"{key}: ratio vs baseline {ratio} for {scale:.1f}x the segments "
            f"({ratio / scale:.2f} per segment; ≤ 1 is linear or better)"
        )
    print(
        f"3-hour render {large['render_ms']} ms (goal ≤ {GOAL_RENDER_MS:.0f} ms): "
        f"{'met' if result['render_goal_met'] else 'NOT met'}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
