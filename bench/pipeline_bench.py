"""Benchmark the media pipeline on generated A4 300-dpi page scans with Chinese text.

    .venv/bin/python bench/pipeline_bench.py [--section ocr|tiles] [--pages 7] [--vertical 2]
                                             [--per-kind 5] [--kinds all|k1,k2] [--scans 20]
                                             [--workers N]

Sections (each measures its own baseline in the same run and prints `ratio vs baseline`):

- ocr: the archive's OCR (media_pipeline.ocr, RapidOCR with PP-OCRv6 small on onnxruntime) vs
  tesseract chi_sim with its orientation detection (`--psm 1`; Debian, `scripts/system-deps.sh
  ocr-bench`) on the same pages: degraded single-column pages (blur, noise, skew, low contrast,
  JPEG artefacts), vertical columns, and the archival kinds bench/ocr_pages.py renders (two
  columns with a ruled table, rotated clean and degraded, 楷书 on a grid, a letter under a red
  seal, mimeograph, pages without text). It prints character error rate per kind for both
  engines, pages per CPU-minute for both, and peak memory. Both engines run as the pipeline is
  deployed: N worker processes (default: one per core) with one thread each, sharing the pages;
  pages/min is every page of the run over the busiest worker's time (engine start-up excluded,
  as a long-running worker pays it once).

- tiles: derivatives (web JPEG + WebP, thumbnail) and IIIF level-0 tiles + sizes of JPEG scans
  with the pipeline's pyvips code vs a Pillow baseline (resize per level, crop 256 px tiles), for
  pages/min and peak RSS.

Each engine runs in its own process, so its peak RSS (ru_maxrss) is its own. Results are merged
into bench/results/pipeline_bench.json under the section's name.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "bench" / "results" / "pipeline_bench.json"

# ---------------------------------------------------------------------------------------------
# OCR section
# ---------------------------------------------------------------------------------------------

OCR_GOAL_CER = 0.03  # on every kind of page (issue #18)
TESSERACT_TIMEOUT_SECONDS = 600


def make_ocr_pages(folder: Path, count: int, vertical: int, kinds=(), per_kind: int = 0):
    """Write the pages as PNG (lossless, so every engine reads the same pixels): `count` degraded
    single-column pages, `vertical` pages of vertical columns, and `per_kind` pages of each
    archival kind of bench/ocr_pages.py."""
    from bench import ocr_pages
    from tests.media_pipeline import pages

    made = []
    for number in range(count):
        degradation = pages.DEGRADATIONS[number % len(pages.DEGRADATIONS)]
        image, truth = pages.a4_page(seed=number)
        path = folder / f"page-{number:03d}-{degradation}.png"
        pages.degrade(image, degradation, seed=number).save(path)
        made.append(
            {"path": str(path), "kind": "single", "degradation": degradation, "truth": truth}
        )
    for number in range(vertical):
        image, truth = pages.a4_vertical_page(seed=100 + number)
        path = folder / f"vertical-{number:03d}.png"
        image.save(path)
        made.append({"path": str(path), "kind": "vertical", "truth": truth})
    for kind in kinds:
        for number in range(per_kind):
            image, truth = ocr_pages.page(kind, seed=number)
            path = folder / f"{kind}-{number:03d}.png"
            image.save(path)
            made.append({"path": str(path), "kind": kind, "truth": truth})
    return made


def run_ours(page_list: list[dict]) -> dict:
    """Child process: load the engine once (timed apart), then OCR every page.

    The OCR modules read only settings, so Django's apps are not set up: the run measures the
    OCR alone and does not depend on the rest of the project importing cleanly."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive_site.settings.test")
    from PIL import Image

    from media_pipeline.ocr.engine import engine_version, get_engine
    from media_pipeline.ocr.recognise import recognise

    started = time.perf_counter()
    get_engine()
    load_seconds = time.perf_counter() - started
    results = []
    for page in page_list:
        with Image.open(page["path"]) as image:
            image.load()
            started, cpu_started = time.perf_counter(), time.process_time()
            text = recognise(image).text
        results.append(
            {
                "text": text,
                "seconds": time.perf_counter() - started,
                "cpu_seconds": time.process_time() - cpu_started,
            }
        )
    return {
        "engine": f"rapidocr {engine_version()}",
        "load_seconds": load_seconds,
        "pages": results,
        "peak_rss_mb": _peak_rss_mb(resource.RUSAGE_SELF),
    }


def run_tesseract(page_list: list[dict]) -> dict:
    """Tesseract as it is used: one `tesseract` process per page, segmentation and orientation
    automatic."""
    binary = shutil.which("tesseract")
    version = subprocess.run([binary, "--version"], capture_output=True, text=True, check=True)
    results = []
    for page in page_list:
        started, cpu_started = time.perf_counter(), _children_cpu_seconds()
        done = subprocess.run(
            # --psm 1: automatic segmentation with orientation and script detection (osd), so
            # tesseract turns sideways and upside-down pages itself.
            [binary, page["path"], "stdout", "-l", "chi_sim", "--psm", "1"],
            capture_output=True,
            text=True,
            check=True,
            timeout=TESSERACT_TIMEOUT_SECONDS,
        )
        results.append(
            {
                "text": done.stdout,
                "seconds": time.perf_counter() - started,
                "cpu_seconds": _children_cpu_seconds() - cpu_started,
            }
        )
    return {
        "engine": "tesseract " + version.stdout.split()[1] + " chi_sim",
        "load_seconds": 0.0,
        "pages": results,
        "peak_rss_mb": _peak_rss_mb(resource.RUSAGE_CHILDREN),
    }


def _children_cpu_seconds() -> float:
    """User + system CPU of the finished child processes (each tesseract run), in seconds."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _peak_rss_mb(who: int) -> float:
    return round(resource.getrusage(who).ru_maxrss / 1024, 1)  # Linux reports KiB


def _in_child(function: str, page_list: list[dict]) -> dict:
    """Run `function` of this module in a fresh interpreter; exchange JSON through files."""
    with tempfile.TemporaryDirectory() as scratch:
        request, answer = Path(scratch) / "in.json", Path(scratch) / "out.json"
        request.write_text(json.dumps(page_list, ensure_ascii=False))
        subprocess.run(
            [sys.executable, __file__, "--child", function, str(request), str(answer)], check=True
        )
        return json.loads(answer.read_text())


def _in_children(function: str, page_list: list[dict], workers: int, env: dict | None) -> dict:
    """Run `function` in `workers` interpreters at once, each taking every workers-th page.

    The answers are merged back into page order; `busy_seconds` is the busiest worker's page
    time, which is the wall time the whole list takes once the workers are running.
    """
    with tempfile.TemporaryDirectory() as scratch:
        shares = [page_list[index::workers] for index in range(workers)]
        running = []
        for index, share in enumerate(shares):
            request = Path(scratch) / f"in-{index}.json"
            answer = Path(scratch) / f"out-{index}.json"
            request.write_text(json.dumps(share, ensure_ascii=False))
            command = [sys.executable, __file__, "--child", function, str(request), str(answer)]
            running.append((subprocess.Popen(command, env={**os.environ, **(env or {})}), answer))
        for process, _ in running:
            if process.wait() != 0:
                raise SystemExit(f"{function} worker failed with exit status {process.returncode}")
        answers = [json.loads(answer.read_text()) for _, answer in running]
    merged = dict(answers[0])
    merged["pages"] = [None] * len(page_list)
    for index, answer in enumerate(answers):
        merged["pages"][index::workers] = answer["pages"]
    merged["workers"] = workers
    merged["busy_seconds"] = max(sum(page["seconds"] for page in a["pages"]) for a in answers)
    merged["load_seconds"] = max(answer["load_seconds"] for answer in answers)
    merged["peak_rss_mb"] = max(answer["peak_rss_mb"] for answer in answers)
    return merged


def summarise(engine: dict, page_list: list[dict]) -> dict:
    from tests.media_pipeline import pages

    rows = []
    for page, result in zip(page_list, engine["pages"], strict=True):
        rows.append(
            {
                "kind": page["kind"],
                "degradation": page.get("degradation"),
                "seconds": result["seconds"],
                "cpu_seconds": result["cpu_seconds"],
                "cer": pages.cer(result["text"], page["truth"]),
            }
        )
    kinds = dict.fromkeys(row["kind"] for row in rows)
    single = [row for row in rows if row["kind"] == "single"]
    by_degradation: dict[str, list[float]] = {}
    for row in single:
        by_degradation.setdefault(row["degradation"], []).append(row["cer"])
    seconds = sum(row["seconds"] for row in rows)
    # CPU time holds under load where wall time does not: a page costs the same CPU whether the
    # other core is idle or busy, so pages per CPU-minute compares engines on a noisy machine.
    cpu_seconds = sum(row["cpu_seconds"] for row in rows)
    return {
        "engine": engine["engine"],
        "workers": engine["workers"],
        "load_seconds": round(engine["load_seconds"], 2),
        "pages": len(rows),
        "seconds_per_page": round(seconds / len(rows), 2),
        "pages_per_minute": round(60 * len(rows) / engine["busy_seconds"], 2),
        "cpu_seconds_per_page": round(cpu_seconds / len(rows), 2),
        "pages_per_cpu_minute": round(60 * len(rows) / cpu_seconds, 2),
        "cer": round(_mean(row["cer"] for row in rows), 4),
        "cer_by_kind": {
            kind: round(_mean(row["cer"] for row in rows if row["kind"] == kind), 4)
            for kind in kinds
        },
        "worst_cer_by_kind": {
            kind: round(max(row["cer"] for row in rows if row["kind"] == kind), 4) for kind in kinds
        },
        "cer_by_degradation": {
            kind: round(_mean(values), 4) for kind, values in by_degradation.items()
        },
        "cpu_seconds_by_kind": {
            kind: round(_mean(row["cpu_seconds"] for row in rows if row["kind"] == kind), 2)
            for kind in kinds
        },
        "peak_rss_mb": engine["peak_rss_mb"],
    }


def _mean(values) -> float:
    values = list(values)
    return sum(values) / len(values) if values else 0.0


def ocr_section(args) -> dict:
    from bench import ocr_pages

    if shutil.which("tesseract") is None:
        sys.exit("tesseract is missing: run scripts/system-deps.sh ocr-bench")
    kinds = ocr_pages.KINDS if args.kinds == "all" else tuple(args.kinds.split(","))
    with tempfile.TemporaryDirectory(prefix="ocr-bench-") as folder:
        page_list = make_ocr_pages(Path(folder), args.pages, args.vertical, kinds, args.per_kind)
        print(
            f"ocr: {args.pages} degraded single-column A4 pages at 300 dpi, {args.vertical} "
            f"vertical, {args.per_kind} of each kind: {', '.join(kinds)}",
            flush=True,
        )
        workers = args.workers
        print(f"  {workers} worker process(es), one thread each", flush=True)
        ours = summarise(
            _in_children("run_ours", page_list, workers, {"OCR_THREADS": "1"}), page_list
        )
        print(f"  ours done: {ours['pages_per_minute']} pages/min, CER {ours['cer']}", flush=True)
        baseline = summarise(
            _in_children("run_tesseract", page_list, workers, {"OMP_THREAD_LIMIT": "1"}),
            page_list,
        )
    cer_ratio = ours["cer"] / baseline["cer"] if baseline["cer"] else None
    speed_ratio = ours["pages_per_minute"] / baseline["pages_per_minute"]
    cpu_ratio = ours["pages_per_cpu_minute"] / baseline["pages_per_cpu_minute"]
    missed = [kind for kind, cer in ours["cer_by_kind"].items() if cer > OCR_GOAL_CER]
    result = {
        "ours": ours,
        "baseline": baseline,
        "ratio_vs_baseline": {
            "speed": round(speed_ratio, 3),
            "pages_per_cpu_minute": round(cpu_ratio, 3),
            "cer": round(cer_ratio, 3) if cer_ratio is not None else None,
        },
        "goals": {
            "cer_per_kind": {"goal": OCR_GOAL_CER, "met": not missed, "missed": missed},
            "pages_per_cpu_minute": {
                "goal": "at least tesseract's",
                "met": cpu_ratio >= 1.0,
            },
        },
    }
    _print_ocr(result)
    return result


def _print_ocr(result: dict) -> None:
    print(
        f"{'engine':40} {'pages/min':>9} {'s/page':>7} {'CPU s/pg':>8} {'pg/CPU-min':>10} "
        f"{'CER':>7} {'RSS MB':>7}"
    )
    print(f"{'':40} {'(all)':>9} {'(1 wkr)':>7}")
    for row in (result["ours"], result["baseline"]):
        print(
            f"{row['engine'][:40]:40} {row['pages_per_minute']:9.2f} "
            f"{row['seconds_per_page']:7.2f} {row['cpu_seconds_per_page']:8.2f} "
            f"{row['pages_per_cpu_minute']:10.2f} {row['cer']:7.3f} {row['peak_rss_mb']:7.0f}"
        )
    ours, baseline = result["ours"], result["baseline"]
    print("kind               CER ours (worst) / tesseract (worst)    CPU s per page ours / tess.")
    for kind, cer in ours["cer_by_kind"].items():
        mark = "" if cer <= OCR_GOAL_CER else "  > goal"
        print(
            f"  {kind:17} {cer:6.3f} ({ours['worst_cer_by_kind'][kind]:5.3f}) / "
            f"{baseline['cer_by_kind'][kind]:6.3f} ({baseline['worst_cer_by_kind'][kind]:5.3f})"
            f"   {ours['cpu_seconds_by_kind'][kind]:6.2f} / "
            f"{baseline['cpu_seconds_by_kind'][kind]:6.2f}{mark}"
        )
    if ours["cer_by_degradation"]:
        print(
            "  single-column by degradation (ours / tesseract): "
            + ", ".join(
                f"{kind} {cer:.3f}/{baseline['cer_by_degradation'][kind]:.3f}"
                for kind, cer in ours["cer_by_degradation"].items()
            )
        )
    ratios, goals = result["ratio_vs_baseline"], result["goals"]
    missed = goals["cer_per_kind"]["missed"]
    print(
        f"ratio vs baseline: speed ×{ratios['speed']}, pages per CPU-minute "
        f"×{ratios['pages_per_cpu_minute']}, CER ×{ratios['cer']} (goals: CER ≤ {OCR_GOAL_CER:g} "
        f"on every kind {'met' if goals['cer_per_kind']['met'] else 'NOT met'}"
        f"{' — ' + ', '.join(missed) if missed else ''}"
        f"; pages per CPU-minute ≥ tesseract's "
        f"{'met' if goals['pages_per_cpu_minute']['met'] else 'NOT met'})"
    )


# ---------------------------------------------------------------------------------------------
# Derivatives + tiles section
# ---------------------------------------------------------------------------------------------

TILES_GOAL_PAGES_PER_MINUTE = 60.0
TILES_GOAL_PEAK_RSS_MB = 1536.0
SCAN_JPEG_QUALITY = 90  # what a scanning service delivers as masters
BASELINE_TILE = 256
BASELINE_QUALITY = 85


def make_scans(folder: Path, count: int) -> list[dict]:
    """A4 pages at 300 dpi with Chinese text, saved as JPEG masters (2480×3508 px), with a
    paper tone and grain so they compress like real scans rather than flat white."""
    from PIL import Image, ImageChops

    from tests.media_pipeline import pages

    made = []
    for number in range(count):
        image, _truth = pages.a4_page(seed=number)
        grain = Image.effect_noise(image.size, 12).convert("L")
        paper = ImageChops.multiply(image.convert("L"), Image.new("L", image.size, 238))
        scan = Image.merge("RGB", [ImageChops.add(paper, grain, scale=1.0, offset=-6)] * 3)
        path = folder / f"scan-{number:03d}.jpg"
        scan.save(path, quality=SCAN_JPEG_QUALITY)
        made.append({"path": str(path), "width": scan.width, "height": scan.height})
    return made


def run_pyvips_pages(page_list: list[dict]) -> dict:
    """Child process: the pipeline's own code (derivatives step + IIIF tiles step) per page."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive_site.settings.test")
    import django

    django.setup()
    from media_pipeline import imaging
    from media_pipeline.derivatives import render_derivatives
    from media_pipeline.iiif.tiles import tile_page

    timings = []
    with tempfile.TemporaryDirectory(prefix="bench-vips-") as scratch:
        for number, scan in enumerate(page_list):
            started = time.perf_counter()
            page = imaging.Page(0, 1, scan["width"], scan["height"])
            made = render_derivatives(Path(scan["path"]), "jpegload", page)
            out = Path(scratch) / str(number)
            record = tile_page(Path(scan["path"]), "jpegload", page, out)
            timings.append(time.perf_counter() - started)
            files = sum(1 for p in out.rglob("*.jpg"))
            shutil.rmtree(out)  # keep the disk footprint flat; writing them is what counts
        detail = {
            "derivatives": sorted(made),
            "tiles_per_page": files,
            "scale_factors": record["scale_factors"],
        }
    return {
        "engine": f"pyvips {_pyvips_version()}",
        "seconds": timings,
        "detail": detail,
        "peak_rss_mb": _peak_rss_mb(resource.RUSAGE_SELF),
    }


def _pyvips_version() -> str:
    import pyvips

    return f"{pyvips.__version__} on libvips {'.'.join(str(pyvips.version(i)) for i in range(3))}"


def run_pillow_pages(page_list: list[dict]) -> dict:
    """Child process: the same outputs with Pillow — resize per pyramid level, crop 256 px tiles.

    Django is set up here too, so both peak RSS figures include the same framework baseline."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive_site.settings.test")
    import django

    django.setup()
    import PIL
    from PIL import Image, ImageOps

    timings = []
    with tempfile.TemporaryDirectory(prefix="bench-pillow-") as scratch:
        for number, scan in enumerate(page_list):
            started = time.perf_counter()
            out = Path(scratch) / str(number)
            with Image.open(scan["path"]) as opened:
                full = ImageOps.exif_transpose(opened).convert("RGB")
            web = full.copy()
            web.thumbnail((2000, 2000), Image.Resampling.LANCZOS)
            out.mkdir(parents=True)
            web.save(out / "web.jpg", quality=BASELINE_QUALITY, optimize=True, progressive=True)
            web.save(out / "web.webp", quality=80, method=2)
            thumb = web.copy()
            thumb.thumbnail((400, 400), Image.Resampling.LANCZOS)
            thumb.save(out / "thumb.jpg", quality=BASELINE_QUALITY)
            files = _pillow_tiles(full, out)
            timings.append(time.perf_counter() - started)
            shutil.rmtree(out)
    return {
        "engine": f"Pillow {PIL.__version__}",
        "seconds": timings,
        "detail": {"tiles_per_page": files},
        "peak_rss_mb": _peak_rss_mb(resource.RUSAGE_SELF),
    }


def _pillow_tiles(full, out: Path) -> int:
    """IIIF level-0 tiles by halving the image per level and cropping each 256 px square."""
    from PIL import Image

    width, height = full.size
    level, factor, written = full, 1, 0
    while True:
        step = BASELINE_TILE * factor
        for y in range(0, height, step):
            for x in range(0, width, step):
                right = min(level.width, (x + step) // factor)
                box = (x // factor, y // factor, right, min(level.height, (y + step) // factor))
                tile = level.crop(box)
                folder = out / f"{x},{y},{min(step, width - x)},{min(step, height - y)}"
                folder = folder / f"{tile.width},{tile.height}" / "0"
                folder.mkdir(parents=True, exist_ok=True)
                tile.save(folder / "default.jpg", quality=BASELINE_QUALITY)
                written += 1
        if level.width <= BASELINE_TILE and level.height <= BASELINE_TILE:
            return written
        factor *= 2
        level = full.resize((-(-width // factor), -(-height // factor)), Image.Resampling.BOX)


def _tiles_summary(engine: dict) -> dict:
    seconds = engine["seconds"]
    total = sum(seconds)
    return {
        "engine": engine["engine"],
        "pages": len(seconds),
        "seconds_per_page": round(total / len(seconds), 3),
        "pages_per_minute": round(60 * len(seconds) / total, 2),
        "peak_rss_mb": engine["peak_rss_mb"],
        **engine["detail"],
    }


def tiles_section(args) -> dict:
    with tempfile.TemporaryDirectory(prefix="tiles-bench-") as folder:
        page_list = make_scans(Path(folder), args.scans)
        first = page_list[0]
        print(
            f"derivatives+tiles: {len(page_list)} A4 scans at 300 dpi "
            f"({first['width']}×{first['height']} JPEG)",
            flush=True,
        )
        ours = _tiles_summary(_in_child("run_pyvips_pages", page_list))
        print(f"  pyvips done: {ours['pages_per_minute']} pages/min", flush=True)
        baseline = _tiles_summary(_in_child("run_pillow_pages", page_list))
    ratio = ours["pages_per_minute"] / baseline["pages_per_minute"]
    result = {
        "ours": ours,
        "baseline": baseline,
        "ratio_vs_baseline": {
            "speed": round(ratio, 3),
            "peak_rss": round(ours["peak_rss_mb"] / baseline["peak_rss_mb"], 3),
        },
        "goals": {
            "pages_per_minute": {
                "goal": TILES_GOAL_PAGES_PER_MINUTE,
                "met": ours["pages_per_minute"] >= TILES_GOAL_PAGES_PER_MINUTE,
            },
            "peak_rss_mb": {
                "goal": TILES_GOAL_PEAK_RSS_MB,
                "met": ours["peak_rss_mb"] <= TILES_GOAL_PEAK_RSS_MB,
            },
        },
    }
    print(f"{'engine':44} {'pages/min':>9} {'s/page':>7} {'RSS MB':>7} {'tiles':>6}")
    for row in (ours, baseline):
        print(
            f"{row['engine'][:44]:44} {row['pages_per_minute']:9.2f} "
            f"{row['seconds_per_page']:7.3f} {row['peak_rss_mb']:7.0f} {row['tiles_per_page']:6}"
        )
    goals = result["goals"]
    print(
        f"ratio vs baseline: speed ×{result['ratio_vs_baseline']['speed']}, peak RSS "
        f"×{result['ratio_vs_baseline']['peak_rss']} (goals: ≥ {TILES_GOAL_PAGES_PER_MINUTE:g} "
        f"pages/min {'met' if goals['pages_per_minute']['met'] else 'NOT met'}; RSS ≤ "
        f"{TILES_GOAL_PEAK_RSS_MB:g} MB {'met' if goals['peak_rss_mb']['met'] else 'NOT met'})"
    )
    return result


# ---------------------------------------------------------------------------------------------
# Driver
# ---------------------------------------------------------------------------------------------

SECTIONS = {"ocr": ocr_section, "tiles": tiles_section}
CHILD_FUNCTIONS = {
    "run_ours": run_ours,
    "run_tesseract": run_tesseract,
    "run_pyvips_pages": run_pyvips_pages,
    "run_pillow_pages": run_pillow_pages,
}


def write_results(section_results: dict) -> None:
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    merged = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    for name, result in section_results.items():
        merged[name] = {
            **result,
            "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "machine": {
                "cpus": os.cpu_count(),
                "python": platform.python_version(),
                "load_average": os.getloadavg(),
            },
        }
    RESULTS.write_text(json.dumps(merged, ensure_ascii=False, indent=2) + "\n")
    print(f"wrote {RESULTS.relative_to(ROOT)}")


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        _, _, function, request, answer = sys.argv
        page_list = json.loads(Path(request).read_text())
        Path(answer).write_text(json.dumps(CHILD_FUNCTIONS[function](page_list)))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--section", choices=[*SECTIONS, "all"], default="all")
    parser.add_argument(
        "--pages",
        type=int,
        default=7,
        help="degraded single-column A4 pages for OCR (cycling through the degradations)",
    )
    parser.add_argument(
        "--per-kind", type=int, default=5, help="OCR pages of each archival kind (ocr_pages.py)"
    )
    parser.add_argument(
        "--kinds", default="all", help="comma-separated archival kinds for OCR (default: all)"
    )
    parser.add_argument("--vertical", type=int, default=2, help="vertical A4 pages for OCR")
    parser.add_argument(
        "--scans", type=int, default=20, help="A4 300-dpi JPEG scans for derivatives+tiles"
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=os.cpu_count() or 1,
        help="OCR worker processes, one thread each (default: one per core)",
    )
    args = parser.parse_args()
    chosen = SECTIONS if args.section == "all" else {args.section: SECTIONS[args.section]}
    results = {}
    for name, run in chosen.items():
        before = os.getloadavg()
        print(f"{name}: load average at start {_load(before)}", flush=True)
        results[name] = {**run(args), "load_average_at_start": before}
        print(f"{name}: load average at end {_load(os.getloadavg())}", flush=True)
    write_results(results)


def _load(averages: tuple[float, float, float]) -> str:
    return " ".join(f"{value:.2f}" for value in averages)


if __name__ == "__main__":
    main()
