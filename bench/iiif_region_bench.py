"""IIIF region rendering (media_pipeline/iiif/render.py) vs decoding the whole scan, same run.

Scans made in code: a 300-dpi A4 page as JPEG and as LZW TIFF, and a 600-dpi A3 JPEG
(7016×9921, 70 megapixels). Each case asks for what an exhibit's detail block or a viewer asks
for — a small region at 640 px, a region at full resolution, the whole page at 640 px — and is
rendered in a fresh process twice: by render.render_image_file (libvips, sequential reads,
JPEG shrink-on-load) and by the baseline a plain implementation would write (Pillow: open,
crop, resize, save — the whole page decoded). Peak memory is the process's maximum RSS above
its RSS after imports. Prints `ratio vs baseline` (ours / baseline: below 1 is better) and
writes bench/results/iiif_region_bench.json.

    .venv/bin/python bench/iiif_region_bench.py [--runs 3]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive_site.settings.test")

SCANS = {
    "a4-300dpi.jpg": (2480, 3508, "jpeg"),
    "a4-300dpi.tif": (2480, 3508, "tiff"),
    "a3-600dpi.jpg": (7016, 9921, "jpeg"),
}
# (label, region as fractions of the page, output width or None for the region's own width)
REQUESTS = (
    ("detail 10% at 640 px", (0.55, 0.60, 0.10, 0.08), 640),
    ("detail 5% at full resolution", (0.40, 0.70, 0.05, 0.04), None),
    ("whole page at 640 px", (0.0, 0.0, 1.0, 1.0), 640),
)


def make_scans(folder: Path) -> None:
    import pyvips

    for name, (width, height, kind) in SCANS.items():
        # Paper tone with fine structure (so JPEG has real work to do), written as a stream.
        x = pyvips.Image.xyz(width, height)
        pattern = ((x[0] * 7 + x[1] * 3) % 97) * 0.6 + ((x[0] // 13 + x[1] // 17) % 5) * 20 + 120
        image = pattern.bandjoin([pattern * 0.95, pattern * 0.85]).cast("uchar")
        image = image.copy(interpretation="srgb", xres=width / 210 * 1.0, yres=height / 297)
        path = folder / name
        if kind == "jpeg":
            image.jpegsave(str(path), Q=90)
        else:
            image.tiffsave(str(path), compression="lzw")


def box_and_size(name: str, fractions, out_width):
    width, height, _ = SCANS[name]
    fx, fy, fw, fh = fractions
    box = (round(fx * width), round(fy * height), round(fw * width), round(fh * height))
    out_width = out_width or box[2]
    return box, (out_width, round(box[3] * out_width / box[2]))


def child(mode: str, path: str, box, size) -> None:
    """Runs in a fresh process: render once, print seconds, peak RSS growth and bytes."""
    import resource

    import django

    django.setup()
    from PIL import Image

    from media_pipeline import imaging
    from media_pipeline.iiif import render
    from media_pipeline.iiif.image_api import ImageRequest

    Image.MAX_IMAGE_PIXELS = None
    rss_before = _current_rss_kb()
    start = time.perf_counter()
    if mode == "ours":
        loader = imaging.LOADERS["image/jpeg" if path.endswith(".jpg") else "image/tiff"]
        first = imaging.load(Path(path), loader)
        page = imaging.Page(0, 1, first.width, first.height)
        data = render.render_image_file(Path(path), loader, page, ImageRequest(box, size))
    else:
        import io

        x, y, w, h = box
        with Image.open(path) as image:
            region = image.convert("RGB").crop((x, y, x + w, y + h)).resize(size, Image.LANCZOS)
        buffer = io.BytesIO()
        region.save(buffer, "JPEG", quality=85)
        data = buffer.getvalue()
    seconds = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {"seconds": seconds, "peak_mb": (peak_kb - rss_before) / 1024, "bytes": len(data)}
        )
    )


def _current_rss_kb() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def run_child(mode: str, path: Path, box, size) -> dict:
    output = subprocess.run(
        [sys.executable, __file__, "--child", mode, str(path), json.dumps([box, size])],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        mode, path, shape = args.child
        box, size = json.loads(shape)
        child(mode, path, tuple(box), tuple(size))
        return
    results = []
    with tempfile.TemporaryDirectory(prefix="iiif-bench-") as work:
        folder = Path(work)
        make_scans(folder)
        for name in SCANS:
            for label, fractions, out_width in REQUESTS:
                box, size = box_and_size(name, fractions, out_width)
                row = {"scan": name, "request": label, "region": box, "size": size}
                for mode in ("ours", "baseline"):
                    runs = [run_child(mode, folder / name, box, size) for _ in range(args.runs)]
                    row[mode] = {
                        "median_seconds": round(statistics.median(r["seconds"] for r in runs), 4),
                        "peak_mb": round(max(r["peak_mb"] for r in runs), 1),
                    }
                row["ratio_vs_baseline"] = {
                    "seconds": round(
                        row["ours"]["median_seconds"] / row["baseline"]["median_seconds"], 3
                    ),
                    "peak_mb": round(
                        max(row["ours"]["peak_mb"], 0.1) / max(row["baseline"]["peak_mb"], 0.1), 3
                    ),
                }
                results.append(row)
                print(
                    f"{name:15} {label:30} ours {row['ours']['median_seconds']:.3f}s "
                    f"{row['ours']['peak_mb']:6.1f} MB | baseline "
                    f"{row['baseline']['median_seconds']:.3f}s {row['baseline']['peak_mb']:6.1f} MB"
                    f" | ratio vs baseline: time {row['ratio_vs_baseline']['seconds']}, "
                    f"memory {row['ratio_vs_baseline']['peak_mb']}"
                )
    out = ROOT / "bench" / "results" / "iiif_region_bench.json"
    out.write_text(json.dumps({"runs": args.runs, "results": results}, indent=1) + "\n")
    print(f"wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
