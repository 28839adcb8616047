"""Render 60-second micro-videos from a 3-hour interview, against a plain ffmpeg cut of the
same span measured in the same run.

    .venv/bin/python bench/microvideo_bench.py [--seconds 60]

The 3-hour recordings are made once with ffmpeg's lavfi sources at a low bitrate and kept in
~/.cache/archive-bench/: a video (320×180, 10 fps, a key frame every 10 s, noise for sound) and
an audio-only one (16 kHz mono AAC). Both carry a 1 kHz tone that starts exactly at 1:30:00, so
the rendered video shows where its cut began: the in-point is 0.5 s before the tone.

Cases, each in its own process so its peak RSS is its own:
- baseline: `ffmpeg -ss … -t 60 -i interview` scaled to 1080×1920, H.264/AAC, no filters;
- vertical: the micro-video renderer (media_pipeline/microvideo/render.py) at 1080×1920 with
  subtitles (a transcript segment every 4 s) and title/end cards, from the video interview;
- pan: the same from the audio-only interview, a photograph panning under the subtitles.

Prints seconds per rendered second, CPU seconds per rendered second, peak RSS, the ratio to the
baseline, the cut's error, and the load average. Goal: ≤ 1.5 s per rendered second on two
cores, RSS ≤ 500 MB, the cut within 50 ms. Writes bench/results/microvideo_bench.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "bench" / "results" / "microvideo_bench.json"
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "archive-bench"
HOURS = 3
TONE_AT = 5400.0
LEAD = 0.5
GOAL_RATIO_TO_REALTIME = 1.5
GOAL_RSS_MB = 500
GOAL_CUT_MS = 50
PHRASES = [
    "我一九三五年去美国留学，在加州理工学院跟冯·卡门读博士。",
    "那时候条件很艰苦，但是大家都想着要为国家做事情。",
    "回国以后先在力学研究所工作，后来参加了导弹的研制。",
    "我们白天做实验，晚上就在灯下算数据，一算就是一个通宵。",
]


def _ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", *args], check=True)


def recordings() -> dict[str, Path]:
    """The two 3-hour recordings, made on first use."""
    CACHE.mkdir(parents=True, exist_ok=True)
    seconds = HOURS * 3600
    tone = (
        f"sine=frequency=1000:sample_rate=16000:duration={seconds},"
        f"volume=volume='if(gte(t,{TONE_AT}),0.5,0)':eval=frame"
    )
    noise = f"anoisesrc=color=pink:amplitude=0.01:sample_rate=16000:duration={seconds}"
    audio = ["-f", "lavfi", "-i", tone, "-f", "lavfi", "-i", noise]
    mix = "amix=inputs=2:normalize=0"
    paths = {"video": CACHE / "interview-3h.mp4", "audio": CACHE / "interview-3h.m4a"}
    if not paths["audio"].exists():
        part = paths["audio"].with_suffix(".part.m4a")
        _ffmpeg(*audio, "-filter_complex", mix, "-ac", "1", "-c:a", "aac", "-b:a", "24k", str(part))
        part.rename(paths["audio"])
    if not paths["video"].exists():
        part = paths["video"].with_suffix(".part.mp4")
        video = f"testsrc=size=320x180:rate=10:duration={seconds}"
        _ffmpeg(
            "-f",
            "lavfi",
            "-i",
            video,
            *audio,
            "-filter_complex",
            f"[1:a][2:a]{mix}[a]",
            "-map",
            "0:v",
            "-map",
            "[a]",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-g",
            "100",
            "-b:v",
            "60k",
            "-ac",
            "1",
            "-c:a",
            "aac",
            "-b:a",
            "24k",
            str(part),
        )
        part.rename(paths["video"])
    return paths


def photograph(path: Path) -> Path:
    from PIL import Image, ImageDraw

    if not path.exists():
        image = Image.new("RGB", (2400, 3000), (120, 110, 96))
        draw = ImageDraw.Draw(image)
        for n in range(0, 3000, 60):
            draw.line([(0, n), (2400, n + 600)], fill=(150 + n % 80, 140, 120), width=18)
        image.save(path, quality=90)
    return path


def inputs(kind: str, recording: Path, clip_seconds: float, background: Path | None):
    from media_pipeline.microvideo import cards, render

    start_ms = round((TONE_AT - LEAD) * 1000)
    end_ms = start_ms + round(clip_seconds * 1000)
    segments = [
        (t, t + 3900, PHRASES[(t // 4000) % len(PHRASES)])
        for t in range(0, HOURS * 3600 * 1000, 4000)
    ]
    return render.RenderInputs(
        variant="vertical",
        start_ms=start_ms,
        end_ms=end_ms,
        recording_sha256=kind,
        has_video=kind == "vertical",
        segments=segments,
        card=cards.CardText(
            "钱学森谈留学", "钱学森", "1911—2009", "OH-BENCH-01", "受版权保护", "archive.example.cn"
        ),
        size=render.frame_size("vertical"),
        cards=render.card_seconds(),
        recording_path=recording,
        background_path=background,
    )


def tone_onset(path: Path, after: float) -> float:
    raw = subprocess.run(
        [
            "ffmpeg",
            "-v",
            "error",
            "-ss",
            f"{max(0.0, after - 0.3):.3f}",
            "-t",
            "3",
            "-i",
            str(path),
            "-ac",
            "1",
            "-ar",
            "16000",
            "-f",
            "s16le",
            "-",
        ],
        capture_output=True,
        check=True,
    ).stdout
    samples = memoryview(raw).cast("h")
    first = next(n for n, s in enumerate(samples) if abs(s) > 1200)
    return max(0.0, after - 0.3) + first / 16000


def run_one(kind: str, clip_seconds: float) -> dict:
    """One case in this process; the parent reads its JSON line."""
    from django.conf import settings

    settings.configure(USE_I18N=False)
    from media_pipeline.microvideo import render

    paths = recordings()
    with tempfile.TemporaryDirectory(prefix="microvideo-bench-") as tmp:
        workdir = Path(tmp)
        started = time.perf_counter()
        if kind == "baseline":
            out = workdir / "cut.mp4"
            width, height = render.frame_size("vertical")
            _ffmpeg(
                "-ss",
                f"{TONE_AT - LEAD:.3f}",
                "-t",
                f"{clip_seconds:.3f}",
                "-i",
                str(paths["video"]),
                "-vf",
                f"scale={width}:{height}",
                "-c:v",
                "libx264",
                "-preset",
                "veryfast",
                "-crf",
                "23",
                "-pix_fmt",
                "yuv420p",
                "-c:a",
                "aac",
                "-b:a",
                "128k",
                str(out),
            )
            title = 0.0
            rendered_seconds = clip_seconds
        else:
            background = photograph(CACHE / "portrait.jpg") if kind == "pan" else None
            source = paths["video"] if kind == "vertical" else paths["audio"]
            result = render.render(inputs(kind, source, clip_seconds, background), workdir)
            out, title, rendered_seconds = result.video, render.card_seconds()[0], result.seconds
        wall = time.perf_counter() - started
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        onset = tone_onset(out, title + LEAD)
        return {
            "case": kind,
            "rendered_seconds": round(rendered_seconds, 3),
            "wall_seconds": round(wall, 2),
            "seconds_per_rendered_second": round(wall / rendered_seconds, 3),
            "cpu_seconds_per_rendered_second": round(
                (usage.ru_utime + usage.ru_stime) / rendered_seconds, 3
            ),
            "peak_rss_mb": round(
                max(usage.ru_maxrss, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) / 1024, 1
            ),
            "cut_error_ms": round((onset - title - LEAD) * 1000, 1),
            "bytes": out.stat().st_size,
        }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one, args.seconds)))
        return
    started = time.perf_counter()
    recordings()
    made = round(time.perf_counter() - started, 1)
    cases = {}
    for kind in ("baseline", "vertical", "pan"):
        answer = subprocess.run(
            [sys.executable, __file__, "--one", kind, "--seconds", str(args.seconds)],
            capture_output=True,
            text=True,
            check=True,
        )
        cases[kind] = json.loads(answer.stdout.strip().splitlines()[-1])
        print(json.dumps(cases[kind], ensure_ascii=False))
    base = cases["baseline"]["seconds_per_rendered_second"]
    for kind in ("vertical", "pan"):
        case = cases[kind]
        case["ratio_to_plain_cut"] = round(case["seconds_per_rendered_second"] / base, 2)
        case["meets_goal"] = (
            case["seconds_per_rendered_second"] <= GOAL_RATIO_TO_REALTIME
            and case["peak_rss_mb"] <= GOAL_RSS_MB
            and abs(case["cut_error_ms"]) <= GOAL_CUT_MS
        )
    result = {
        "cases": cases,
        "recordings_made_seconds": made,
        "goal": {
            "seconds_per_rendered_second": GOAL_RATIO_TO_REALTIME,
            "peak_rss_mb": GOAL_RSS_MB,
            "cut_error_ms": GOAL_CUT_MS,
        },
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
    }
    for kind in ("vertical", "pan"):
        case = cases[kind]
        print(
            f"{kind}: {case['seconds_per_rendered_second']} s per rendered second "
            f"({case['ratio_to_plain_cut']}× the plain cut's {base}), "
            f"{case['cpu_seconds_per_rendered_second']} CPU-s per rendered second, "
            f"peak RSS {case['peak_rss_mb']} MB, cut {case['cut_error_ms']} ms off"
        )
    print(f"load average {result['load_average']}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
