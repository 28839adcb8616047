"""A printed worksheet has its answer lines: Chromium prints the teacher resource to PDF, poppler's
pdftoppm rasterises it, and the pixel rows of the worksheet page are read back.

Each answer area must come out as as many separate, dark, thin horizontal rules as the question
asks for, at 100 % and at a reduced print scale (the "fit" a print dialog applies); a CSS gradient
printed as nothing, a grey blur or one merged band (issue #16.7).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from exhibits.models import TeacherResourcePage
from tests.browser.conftest import SCREENSHOTS
from tests.browser.shots import keep
from tests.pages import publish, stream

pytestmark = pytest.mark.browser

SHOTS = "A11Y_SHOTS_DIR"  # a folder to copy the printed page's PNG to for a closing note

QUESTIONS = [("写出钱学森回国的年份。", 3), ("他回国后做了哪些工作？", 5), ("你想问他什么？", 1)]
DARK = 110  # grey level (0 black, 255 white) below which a pixel counts as ink
RULE_SHARE = 0.5  # a rule row has one dark run over at least this share of the text width


def read_pgm(path: Path) -> tuple[int, int, bytes]:
    """Width, height and the grey bytes of a binary PGM (P5, 8 bit) as pdftoppm -gray writes it."""
    data = path.read_bytes()
    fields: list[bytes] = []
    position = 0
    while len(fields) < 4:
        while data[position : position + 1].isspace():
            position += 1
        if data[position : position + 1] == b"#":
            position = data.index(b"\n", position) + 1
            continue
        end = position
        while not data[end : end + 1].isspace():
            end += 1
        fields.append(data[position:end])
        position = end
    assert fields[0] == b"P5" and fields[3] == b"255", fields
    width, height = int(fields[1]), int(fields[2])
    pixels = data[position + 1 : position + 1 + width * height]
    assert len(pixels) == width * height
    return width, height, pixels


INK = bytes.maketrans(bytes(range(256)), bytes(49 if v < DARK else 48 for v in range(256)))


def longest_dark_run(row: bytes) -> int:
    return max(len(run) for run in row.translate(INK).split(b"0"))


def answer_areas(width: int, height: int, pixels: bytes) -> list[list[tuple[int, int]]]:
    """Rules (first row, thickness in rows) grouped into areas: rules with no text between them.

    A row is a rule row when one dark run crosses at least RULE_SHARE of the page width's printed
    part; a row with ink but no such run is text (a question), which closes the current area."""
    rows = [pixels[y * width : (y + 1) * width] for y in range(height)]
    ink = [row.translate(INK) for row in rows]
    lefts = [row.find(b"1") for row in ink if b"1" in row]
    rights = [row.rfind(b"1") for row in ink if b"1" in row]
    text_width = (max(rights) - min(lefts)) if lefts else width
    areas: list[list[tuple[int, int]]] = []
    current: list[tuple[int, int]] = []
    y = 0
    while y < height:
        if longest_dark_run(rows[y]) >= RULE_SHARE * text_width:
            start = y
            while y < height and longest_dark_run(rows[y]) >= RULE_SHARE * text_width:
                y += 1
            current.append((start, y - start))
            continue
        if b"1" in ink[y] and current:  # text after rules: the area is over
            areas.append(current)
            current = []
        y += 1
    if current:
        areas.append(current)
    return areas


def rasterise(pdf: bytes, folder: Path, name: str, dpi: int) -> list[Path]:
    source = folder / f"{name}.pdf"
    source.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-gray", "-r", str(dpi), str(source), str(folder / name)],
        check=True,
        timeout=60,
    )
    return sorted(folder.glob(f"{name}-*.pgm"))


@pytest.fixture
def resource(live_site):
    worksheet: list[dict[str, object]] = [
        {"type": "instructions", "value": "阅读本章后回答下面的问题。"}
    ]
    worksheet += [
        {"type": "question", "value": {"question": question, "answer_lines": lines}}
        for question, lines in QUESTIONS
    ]
    return publish(
        live_site,
        TeacherResourcePage(
            title="初中历史学习单",
            slug="worksheet",
            grade_band="junior",
            subject="历史",
            learning_objectives=stream({"type": "objective", "value": "认识两弹一星"}),
            worksheet_title="学习单",
            worksheet=stream(*worksheet),
        ),
    )


def test_printed_answer_lines_are_separate_rules(page, resource, live_url, tmp_path):
    if not shutil.which("pdftoppm"):
        pytest.fail("pdftoppm not found: scripts/system-deps.sh browser installs poppler-utils")
    page.goto(live_url(resource.url))
    expected = [lines for _question, lines in QUESTIONS]
    # 96 dpi is one pixel a CSS pixel at 100 %; 0.8 is roughly the scale a print dialog's "fit"
    # applies, and 150 dpi a common preview resolution that is not a multiple of 96.
    for scale, dpi in ((1.0, 96), (0.8, 150)):
        pdf = page.pdf(format="A4", scale=scale, print_background=False)
        name = f"scale{int(scale * 100)}"
        pages = rasterise(pdf, tmp_path, name, dpi)
        # The worksheet starts on a page of its own (break-before), after the resource itself.
        assert len(pages) >= 2, (scale, len(pages))
        found = [answer_areas(*read_pgm(path)) for path in pages]
        assert found[0] == [], f"rules before the worksheet page at scale {scale}: {found[0]}"
        areas = [area for page_areas in found[1:] for area in page_areas]
        assert [len(area) for area in areas] == expected, (scale, dpi, areas)
        for area in areas:
            starts = [start for start, _thickness in area]
            # Crisp: each rule a few pixel rows at most, not a blur over many.
            assert all(thickness <= max(3, dpi // 48) for _start, thickness in area), area
            # Evenly pitched and separated by clear paper.
            pitches = [b - a for a, b in zip(starts, starts[1:], strict=False)]
            assert all(pitch >= dpi // 5 for pitch in pitches), area
            assert max(pitches, default=0) - min(pitches, default=0) <= 2, area
        if scale == 1.0:
            shot = tmp_path / "worksheet"
            subprocess.run(
                [
                    "pdftoppm",
                    "-png",
                    "-r",
                    "96",
                    "-f",
                    "2",
                    "-l",
                    "2",
                    str(tmp_path / f"{name}.pdf"),
                    str(shot),
                ],
                check=True,
                timeout=60,
            )
            png = next(tmp_path.glob("worksheet-*.png"))
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            shutil.copy(png, SCREENSHOTS / "test_worksheet_print-pdf-page2.png")
            keep(SHOTS, png, "G-worksheet-print.png")
