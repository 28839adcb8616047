"""Generated page images with known Chinese text, for OCR tests and bench/pipeline_bench.py.

Fonts come from Debian's fonts-noto-cjk (scripts/system-deps.sh, group base). Faces inside the
.ttc collections: 0 = Japanese, 1 = Korean, 2 = Simplified Chinese, 3 = Traditional Chinese.
"""

from __future__ import annotations

import io
import random
import unicodedata
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONT_DIR = Path("/usr/share/fonts/opentype/noto")
SERIF = FONT_DIR / "NotoSerifCJK-Regular.ttc"
SANS = FONT_DIR / "NotoSansCJK-Regular.ttc"
SIMPLIFIED, TRADITIONAL = 2, 3

SIMPLIFIED_LINES = [
    "钱学森一九一一年生于上海，是中国航天事业的奠基人。",
    "老科学家学术成长资料采集工程收集手稿、书信与照片。",
    "他在实验室工作到深夜，仔细记录每一次测量的数据。",
    "这封信写于一九五五年，谈到回国后的研究计划。",
]
TRADITIONAL_LINES = [
    "錢學森先生在加州理工學院獲得博士學位。",
    "這份手稿記錄了他對空氣動力學的早期思考。",
    "學術成長資料採集工程保存了許多珍貴檔案。",
]
VERTICAL_COLUMNS = [
    "敬爱的老师您好",
    "来信已经收到谢谢",
    "实验进展顺利请放心",
    "祝您身体健康",
]
# A longer pool for full A4 pages in the benchmark.
BENCH_LINES = [
    "老科学家学术成长资料采集工程是一项抢救性的国家工程。",
    "采集小组走访了科学家的家属、同事和学生，整理口述资料。",
    "手稿中记录了他在五十年代开展核物理研究的详细过程。",
    "这批书信反映了科学家之间的学术交流与深厚友谊。",
    "证书和聘书见证了他在不同时期担任的学术职务。",
    "他主张理论联系实际，重视培养青年科技人才。",
    "一九五六年，国家制定了十二年科学技术发展远景规划。",
    "研究所的实验条件十分简陋，大家自己动手制造仪器。",
    "他把毕生的精力都献给了祖国的科学事业。",
    "采集工程的成果将向社会公众和研究者开放利用。",
    "口述访谈共进行了十二次，累计录音时长约三十小时。",
    "照片拍摄于北京大学物理楼前，左起第三人为本人。",
]


def font(size: int, face: int = SIMPLIFIED, path: Path = SERIF) -> ImageFont.FreeTypeFont:
    # BASIC layout: with pyvips loaded (Django apps), Pillow's raqm layout returns absurd widths
    # for CJK runs here; CJK needs no shaping anyway.
    return ImageFont.truetype(str(path), size, index=face, layout_engine=ImageFont.Layout.BASIC)


def horizontal_page(
    lines, size=(1200, 200 + 90 * 4), font_size=40, face=SIMPLIFIED, margin=60, leading=1.9
) -> Image.Image:
    """White page, one line of text per entry, black type."""
    page = Image.new("L", size, 255)
    draw = ImageDraw.Draw(page)
    typeface = font(font_size, face)
    for number, text in enumerate(lines):
        draw.text((margin, margin + number * font_size * leading), text, font=typeface, fill=0)
    return page


def vertical_page(
    columns, size=(900, 1000), font_size=48, face=SIMPLIFIED, margin=80, column_gap=2.0
) -> Image.Image:
    """Columns written top to bottom, the first at the right, as in traditional letters."""
    page = Image.new("L", size, 255)
    draw = ImageDraw.Draw(page)
    typeface = font(font_size, face)
    for number, text in enumerate(columns):
        x = size[0] - margin - font_size - number * font_size * column_gap
        for row, char in enumerate(text):
            draw.text((x, margin + row * font_size * 1.15), char, font=typeface, fill=0)
    return page


def a4_page(seed: int, dpi: int = 300, font_pt: float = 14) -> tuple[Image.Image, str]:
    """An A4 page at `dpi` filled with lines from BENCH_LINES; returns (image, text)."""
    rng = random.Random(seed)
    width, height = round(8.27 * dpi), round(11.69 * dpi)
    size = round(font_pt / 72 * dpi)
    margin = round(dpi * 0.9)
    page = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(page)
    typeface = font(size, SIMPLIFIED, SERIF if seed % 2 == 0 else SANS)
    lines, y = [], margin
    per_line = (width - 2 * margin) // size
    while y + size < height - margin:
        text = rng.choice(BENCH_LINES)[:per_line]
        draw.text((margin, y), text, font=typeface, fill=0)
        lines.append(text)
        y += round(size * 1.8)
    return page, "\n".join(lines)


def degrade(page: Image.Image, kind: str, seed: int = 0) -> Image.Image:
    """One of the faults of real scans: blur, noise, skew, low contrast, JPEG artefacts."""
    rng = random.Random(seed)
    if kind == "clean":
        return page
    if kind == "blur":
        return page.filter(ImageFilter.GaussianBlur(radius=2.0))
    if kind == "noise":
        noise = Image.frombytes("L", page.size, rng.randbytes(page.width * page.height))
        speckle = noise.point(lambda v: 0 if v < 8 else (255 if v > 247 else 128))
        mixed = Image.composite(speckle, page, speckle.point(lambda v: 0 if v == 128 else 255))
        return mixed.filter(ImageFilter.GaussianBlur(radius=0.6))
    if kind == "skew":
        return page.rotate(3.0, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)
    if kind == "low_contrast":
        return page.point(lambda v: 150 + v * 60 // 255)
    if kind == "combined":  # a poor photocopy of a faded page, photographed askew
        for step in ("low_contrast", "blur", "noise", "skew", "jpeg"):
            page = degrade(page, step, seed)
        return page
    if kind == "jpeg":
        buffer = io.BytesIO()
        page.save(buffer, "JPEG", quality=12)
        return Image.open(io.BytesIO(buffer.getvalue())).convert("L")
    raise ValueError(f"unknown degradation {kind!r}")


DEGRADATIONS = ("clean", "blur", "noise", "skew", "low_contrast", "jpeg", "combined")


def png_bytes(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def normalise(text: str) -> str:
    """Text compared without whitespace, with full-width punctuation folded (NFKC)."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def cer(recognised: str, truth: str) -> float:
    """Character error rate: edit distance over the length of the ground truth."""
    hyp, ref = normalise(recognised), normalise(truth)
    if not ref:
        return float(bool(hyp))
    previous = list(range(len(hyp) + 1))
    for i, ref_char in enumerate(ref, start=1):
        current = [i]
        for j, hyp_char in enumerate(hyp, start=1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ref_char != hyp_char))
            )
        previous = current
    return previous[-1] / len(ref)


def a4_vertical_page(seed: int, dpi: int = 300, font_pt: float = 16) -> tuple[Image.Image, str]:
    """An A4 page of vertical columns (first column at the right); returns (image, text)."""
    rng = random.Random(seed)
    width, height = round(8.27 * dpi), round(11.69 * dpi)
    size = round(font_pt / 72 * dpi)
    margin = round(dpi * 0.9)
    per_column = (height - 2 * margin) // round(size * 1.15)
    columns = []
    x = width - margin - size
    while x > margin:
        columns.append(rng.choice(BENCH_LINES)[:per_column])
        x -= round(size * 2)
    return vertical_page(
        columns, size=(width, height), font_size=size, margin=margin, column_gap=2.0
    ), "\n".join(columns)
