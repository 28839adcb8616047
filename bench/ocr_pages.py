"""Archival page kinds for the OCR bench and tests, rendered from known Chinese text.

`page(kind, seed)` returns `(image, truth)`: an A4 page at 300 dpi and the text a reader takes
from it, lines in reading order (the CER folds whitespace, so reading order is what it measures).
The kinds are the documents issue #18 names, each built the way such a document looks:

- two_column: a printed report, heading over two columns and a ruled table read row by row
- rotated / rotated_degraded: a body page fed into the scanner at 90°, 180° or 270°, clean or
  as a poor, blurred, noisy photocopy
- kai_grid: 楷书 (AR PL UKai, Debian fonts-arphic-ukai) one character per cell on red 方格稿纸
- seal_letter: a letter whose signature and date lie under a red official seal (ring, star,
  arched name); the seal's text is not part of the truth, the signature beneath it is
- mimeograph: 油印 minutes, uneven ink on yellowed paper with specks of every size
- no_text: a blank page, a photograph without writing, or a seal alone: the truth is empty

Pages of colour kinds are RGB, the others greyscale. Fonts: Noto CJK (fonts-noto-cjk) and AR PL
UKai (fonts-arphic-ukai), both from `scripts/system-deps.sh base`.
"""

from __future__ import annotations

import random
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

from fixtures.media_letter import seal_ink
from tests.media_pipeline import pages as base

KAI = Path("/usr/share/fonts/truetype/arphic/ukai.ttc")
KAI_CN = 0
DPI = 300
A4 = (round(8.27 * DPI), round(11.69 * DPI))
SEAL_RED = (214, 40, 40)
SEAL_BLUE = (40, 70, 200)

KINDS = (
    "two_column",
    "rotated",
    "rotated_degraded",
    "kai_grid",
    "seal_letter",
    "mimeograph",
    "no_text",
)

# Running prose for the multi-line kinds: real sentences, several with the characters whose
# traditional forms a 楷书 glyph tempts the recogniser into (时 统 来 会 说 书 学 这 发 东).
PROSE = [
    "一九五六年春天，中国科学院召开会议，讨论制定十二年科学技术发展远景规划。",
    "他回国以后，主持建立了力学研究所，并亲自为青年研究人员讲授工程控制论。",
    "当时实验条件十分艰苦，研究人员自己动手设计和制造了许多测量仪器。",
    "这份会议记录保存完好，记载了讨论的主要意见和最后形成的决定。",
    "他说，科学研究必须从国家的实际需要出发，理论和实践要紧密结合。",
    "来信收到，书稿的修改意见已经转给编辑部，请你放心。",
    "统一的计量标准是开展协作研究的基础，各单位应当共同遵守。",
    "采集小组在档案馆查阅了大量原始资料，发现了一批从未发表的手稿。",
    "这些书信时间跨度长达四十年，反映了他与国内外同行的学术交流。",
    "学术成长资料采集工程的目的是抢救和保存老科学家的珍贵史料。",
    "在东北工作期间，他带领技术人员解决了钢铁生产中的一系列难题。",
    "会后，各研究所根据规划的要求，分别制定了本单位的研究计划。",
]
TABLE = [
    ("年份", "地点", "事项"),
    ("一九五五年", "北京", "回国任职"),
    ("一九五六年", "北京", "制定远景规划"),
    ("一九六零年", "上海", "主持试验"),
]
LETTER_SIGNERS = ["张文华", "李建国", "王立新", "陈志远", "刘明德"]
SEAL_NAMES = ["中国科学院力学研究所", "中国科学院物理研究所", "北京大学物理系"]


def page(kind: str, seed: int) -> tuple[Image.Image, str]:
    """The page of `kind` made from `seed` (the same seed always gives the same page)."""
    try:
        maker = _MAKERS[kind]
    except KeyError:
        raise ValueError(f"unknown page kind {kind!r}; known: {', '.join(KINDS)}") from None
    return maker(seed)


def _font(path: Path, size: int, face: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(path), size, index=face, layout_engine=ImageFont.Layout.BASIC)


def _wrap(rng: random.Random, per_line: int, count: int) -> list[str]:
    """`count` lines of `per_line` characters from running prose, cut as a typesetter would."""
    stream = "".join(rng.sample(PROSE, len(PROSE)) * 3)
    return [stream[i * per_line : (i + 1) * per_line] for i in range(count)]


def two_column(seed: int) -> tuple[Image.Image, str]:
    rng = random.Random(seed)
    width, height = A4
    image = Image.new("L", A4, 255)
    draw = ImageDraw.Draw(image)
    margin, gap, size = 220, 140, 50
    body = _font(base.SERIF, size, base.SIMPLIFIED)
    heading = _font(base.SANS, 80, base.SIMPLIFIED)
    title = ["老科学家学术活动情况报告", "第一部分工作概况", "第二部分资料采集"][seed % 3]
    title_width = draw.textlength(title, font=heading)
    draw.text(((width - title_width) / 2, margin), title, font=heading, fill=0)
    column_width = (width - 2 * margin - gap) // 2
    per_line = column_width // size
    rows = 26
    lines = _wrap(rng, per_line, 2 * rows)
    top = margin + 200
    for column in range(2):
        x = margin + column * (column_width + gap)
        for row in range(rows):
            draw.text((x, top + row * size * 1.7), lines[column * rows + row], font=body, fill=0)
    # A ruled table across both columns below them, its header in bold type.
    table_top = round(top + rows * size * 1.7 + 120)
    widths = [600, 500, width - 2 * margin - 1100]
    row_height = 110
    bold = _font(base.SANS, size, base.SIMPLIFIED)
    for number, cells in enumerate(TABLE):
        y = table_top + number * row_height
        x = margin
        for cell, cell_width in zip(cells, widths, strict=True):
            draw.text((x + 30, y + 28), cell, font=bold if number == 0 else body, fill=0)
            x += cell_width
    bottom = table_top + len(TABLE) * row_height
    for number in range(len(TABLE) + 1):
        y = table_top + number * row_height
        draw.line([(margin, y), (width - margin, y)], fill=0, width=4)
    x = margin
    for cell_width in [0, *widths]:
        x += cell_width
        draw.line([(x, table_top), (x, bottom)], fill=0, width=4)
    truth = [title, *lines, *(" ".join(cells) for cells in TABLE)]
    return image, "\n".join(truth)


def rotated(seed: int) -> tuple[Image.Image, str]:
    image, truth = base.a4_page(seed=seed)
    return image.rotate((90, 180, 270)[seed % 3], expand=True), truth


def rotated_degraded(seed: int) -> tuple[Image.Image, str]:
    image, truth = rotated(seed)
    return base.degrade(image, "combined", seed=seed), truth


def kai_grid(seed: int) -> tuple[Image.Image, str]:
    """楷书 on 方格稿纸: 20 cells a row, red grid, rows in pairs of ruled bands."""
    rng = random.Random(seed)
    width, height = A4
    image = Image.new("RGB", A4, (250, 247, 238))
    draw = ImageDraw.Draw(image)
    cell, columns, band_gap = 100, 20, 40
    left = (width - cell * columns) // 2
    top = 260
    grid = (200, 60, 50) if seed % 2 == 0 else (60, 140, 80)  # red or green paper
    rows = (height - 2 * top) // (cell + band_gap)
    kai = _font(KAI, 84, KAI_CN)
    lines = _wrap(rng, columns, rows)
    for row, text in enumerate(lines):
        y = top + row * (cell + band_gap)
        draw.rectangle([left, y, left + cell * columns, y + cell], outline=grid, width=3)
        for column in range(1, columns):
            x = left + column * cell
            draw.line([(x, y), (x, y + cell)], fill=grid, width=2)
        for column, char in enumerate(text):
            jitter = rng.randint(-4, 4), rng.randint(-4, 4)
            x = left + column * cell + (cell - 84) // 2 + jitter[0]
            draw.text((x, y + (cell - 84) // 2 - 4 + jitter[1]), char, font=kai, fill=(25, 25, 35))
    image = image.filter(ImageFilter.GaussianBlur(radius=0.7))
    return image, "\n".join(lines)


def seal_letter(seed: int) -> tuple[Image.Image, str]:
    rng = random.Random(seed)
    width, height = A4
    image = Image.new("RGB", A4, (248, 246, 240))
    draw = ImageDraw.Draw(image)
    ink = (15, 15, 15) if seed % 2 == 0 else (25, 35, 80)  # black or blue-black
    size, margin = 58, 240
    body = _font(base.SERIF if seed % 2 == 0 else base.SANS, size, base.SIMPLIFIED)
    per_line = (width - 2 * margin) // size
    signer = LETTER_SIGNERS[seed % len(LETTER_SIGNERS)]
    salutation = "尊敬的王老师："
    lines = [salutation, *_wrap(rng, per_line, 12), "此致", "敬礼"]
    y = margin
    for number, text in enumerate(lines):
        x = margin + (2 * size if number in (len(lines) - 2,) else 0)
        draw.text((x, y), text, font=body, fill=ink)
        y += round(size * 1.8)
    institute = SEAL_NAMES[seed % len(SEAL_NAMES)]
    date = "一九五六年三月十二日"
    signature = [institute.replace("中国科学院", ""), signer, date]
    y += size * 2
    right = width - margin
    anchors = []
    for text in signature:
        line_width = draw.textlength(text, font=body)
        draw.text((right - line_width, y), text, font=body, fill=ink)
        anchors.append((right - line_width / 2, y + size / 2))
        y += round(size * 1.8)
    # The seal sits over the signer's name and the date, as official seals are placed.
    centre = (anchors[1][0] + rng.randint(-60, 60), (anchors[1][1] + anchors[2][1]) / 2)
    image = stamp(image, centre, 230, institute, seed)
    image = image.filter(ImageFilter.GaussianBlur(radius=0.6))
    return image, "\n".join(lines + signature)


def stamp(
    image: Image.Image, centre, radius: int, name: str, seed: int, ink=SEAL_RED
) -> Image.Image:
    """A round seal (ring, five-pointed star, name arched along the top; red unless `ink` says)
    printed over `image` as ink is: multiplied, so the writing beneath stays dark, with uneven
    pressure."""
    rng = random.Random(seed)
    face = _font(base.SANS, round(radius * 0.28), base.SIMPLIFIED)
    seal = seal_ink(
        image.size, centre, radius, name, face, ring=14, spread=240, reach=radius - face.size * 0.8
    )
    # Uneven pressure: the ink fades in patches.
    pressure = Image.effect_noise((image.width // 32, image.height // 32), 60).resize(
        image.size, Image.Resampling.BILINEAR
    )
    seal = ImageChops.multiply(seal, pressure.point(lambda v: min(255, 90 + v)))
    seal = seal.filter(ImageFilter.GaussianBlur(radius=1.2))
    tinted = ImageChops.multiply(image, Image.new("RGB", image.size, ink))
    del rng
    return Image.composite(tinted, image, seal)


def mimeograph(seed: int) -> tuple[Image.Image, str]:
    """油印: stencil type spread a little, ink heavy and faint in patches, specks everywhere."""
    rng = random.Random(seed)
    image, truth = base.a4_page(seed=seed, font_pt=13)
    inked = image.filter(ImageFilter.MinFilter(3)).filter(ImageFilter.GaussianBlur(radius=1.0))
    patches = Image.effect_noise((A4[0] // 64, A4[1] // 64), 80).resize(
        A4, Image.Resampling.BILINEAR
    )
    faded = ImageChops.screen(inked, patches.point(lambda v: max(0, v - 150)))
    draw = ImageDraw.Draw(faded)
    for _ in range(2500):
        x, y = rng.randrange(A4[0]), rng.randrange(A4[1])
        r = rng.choice((1, 1, 2, 2, 3, 4, 6))
        draw.ellipse([x - r, y - r, x + r, y + r], fill=rng.randint(0, 90))
    paper = Image.new("RGB", A4, (236, 228, 205))
    return ImageChops.multiply(paper, faded.convert("RGB")), truth


def no_text(seed: int) -> tuple[Image.Image, str]:
    """A blank sheet, a photograph without writing, or a seal alone on the page."""
    rng = random.Random(seed)
    which = seed % 3
    if which == 0:
        grain = Image.effect_noise(A4, 6).point(lambda v: 240 + (v - 128) // 16)
        return Image.merge("RGB", [grain] * 3), ""
    if which == 1:
        photo = Image.linear_gradient("L").resize(A4).convert("RGB")
        draw = ImageDraw.Draw(photo)
        for _ in range(12):
            x, y = rng.randrange(A4[0]), rng.randrange(A4[1])
            r = rng.randint(80, 500)
            colour = tuple(rng.randint(30, 220) for _ in range(3))
            draw.ellipse([x - r, y - r, x + r, y + r], fill=colour)
        return photo.filter(ImageFilter.GaussianBlur(radius=6)), ""
    blank = Image.new("RGB", A4, (248, 246, 240))
    return stamp(blank, (A4[0] / 2, A4[1] / 2), 300, SEAL_NAMES[seed % 3], seed), ""


_MAKERS = {
    "two_column": two_column,
    "rotated": rotated,
    "rotated_degraded": rotated_degraded,
    "kai_grid": kai_grid,
    "seal_letter": seal_letter,
    "mimeograph": mimeograph,
    "no_text": no_text,
}
