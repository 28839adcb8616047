"""Still cards typeset with Pillow in the Noto CJK fonts (Debian's fonts-noto-cjk): the title and
end cards of a micro-video and the quote cards for WeChat and Weibo posts.

Everything is measured in fractions of the card's width, so one layout serves 1080×1920,
1920×1080, 1080×1350, 1200×630 and the small sizes tests use.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from functools import cache

from django.utils.translation import gettext as _
from PIL import Image, ImageDraw, ImageFont, ImageOps

from media_pipeline.errors import StepError

from .captions import break_lines

INK = (24, 32, 40)
PAPER = (246, 241, 232)
ACCENT = (178, 34, 34)
MUTED = (190, 196, 204)
FONT_FAMILY = "Noto Sans CJK SC"
SERIF_FAMILY = "Noto Serif CJK SC"


@cache
def font_file(family: str, style: str = "Regular") -> tuple[str, int]:
    """(path, index in the collection) of an installed font, through fontconfig."""
    fc_match = shutil.which("fc-match")
    if fc_match:
        result = subprocess.run(
            [fc_match, "-f", "%{family[0]}\t%{file}\t%{index}", f"{family}:style={style}"],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        found, _sep, rest = result.stdout.partition("\t")
        path, _sep, index = rest.partition("\t")
        if found == family and path:
            return path, int(index or 0)
    raise StepError(
        _("The font %(font)s is not installed (scripts/system-deps.sh installs fonts-noto-cjk).")
        % {"font": family}
    )


def font(size: int, *, bold: bool = False, serif: bool = False) -> ImageFont.FreeTypeFont:
    path, index = font_file(SERIF_FAMILY if serif else FONT_FAMILY, "Bold" if bold else "Regular")
    # The basic layout: Chinese needs no shaping, and Raqm's HarfBuzz returned absurd advances
    # in processes that had loaded libvips (which links a HarfBuzz of its own) first.
    return ImageFont.truetype(path, max(6, size), index=index, layout_engine=ImageFont.Layout.BASIC)


@dataclass(frozen=True)
class CardText:
    """What the title and end cards say."""

    title: str
    name: str
    life_dates: str
    identifier: str
    rights: str
    site_url: str


def _lines(draw, text: str, face, width: float) -> list[str]:
    """Break with the caption rules, then check the real width of each line in this font."""
    lines = break_lines(text, width / face.size)
    result = []
    for line in lines:
        while draw.textlength(line, font=face) > width and len(line) > 1:
            cut = len(line) - 1
            while cut > 1 and draw.textlength(line[:cut], font=face) > width:
                cut -= 1
            result.append(line[:cut])
            line = line[cut:]
        result.append(line)
    return result


def _block(draw, x, y, text, face, width, fill, *, spacing=1.35, max_lines=None, centre=False):
    """Draw wrapped text from (x, y); returns the y below it."""
    lines = _lines(draw, text, face, width)
    if max_lines and len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][:-1] + "…"
    for line in lines:
        left = x + (width - draw.textlength(line, font=face)) / 2 if centre else x
        draw.text((left, y), line, font=face, fill=fill)
        y += face.size * spacing
    return y


def _ink_canvas(
    size: tuple[int, int],
) -> tuple[Image.Image, ImageDraw.ImageDraw, float, float, float]:
    """The dark canvas of the title and end cards: the image, its drawing context, the unit
    (one pixel at 1080), the side margin and the width between the margins."""
    width, height = size
    unit = min(width, height) / 1080
    image = Image.new("RGB", size, INK)
    margin = 90 * unit
    return image, ImageDraw.Draw(image), unit, margin, width - 2 * margin


def title_card(size: tuple[int, int], text: CardText) -> Image.Image:
    image, draw, unit, margin, inner = _ink_canvas(size)
    height = size[1]
    y = height * 0.36
    draw.rectangle([margin, y - 40 * unit, margin + 120 * unit, y - 30 * unit], fill=ACCENT)
    y = _block(
        draw,
        margin,
        y,
        text.title,
        font(round(78 * unit), bold=True, serif=True),
        inner,
        PAPER,
        max_lines=3,
    )
    y += 30 * unit
    y = _block(
        draw, margin, y, f"{text.name}（{text.life_dates}）", font(round(48 * unit)), inner, PAPER
    )
    _block(draw, margin, y + 10 * unit, text.identifier, font(round(34 * unit)), inner, MUTED)
    return image


def end_card(size: tuple[int, int], text: CardText) -> Image.Image:
    image, draw, unit, margin, inner = _ink_canvas(size)
    height = size[1]
    y = height * 0.3
    y = _block(
        draw,
        margin,
        y,
        text.name,
        font(round(72 * unit), bold=True, serif=True),
        inner,
        PAPER,
        centre=True,
    )
    y = _block(draw, margin, y, text.life_dates, font(round(44 * unit)), inner, PAPER, centre=True)
    y += 50 * unit
    small = font(round(34 * unit))
    for line in (
        _("Item %(identifier)s") % {"identifier": text.identifier},
        text.rights,
        _("Old Scientists’ Academic Growth Collection Project"),
        text.site_url,
    ):
        if line:
            y = _block(draw, margin, y, line, small, inner, MUTED, centre=True)
    return image


@dataclass(frozen=True)
class QuoteText:
    quote: str
    speaker: str
    source: str


def quote_card(size: tuple[int, int], text: QuoteText, portrait: Image.Image | None) -> Image.Image:
    """A quote over the paper colour: large quotation mark, the quote, a rule, the speaker
    (with a round portrait when given) and the source line."""
    width, height = size
    unit = min(width, height) / 630 if width > height else width / 1080
    image = Image.new("RGB", size, PAPER)
    draw = ImageDraw.Draw(image)
    margin = 70 * unit
    inner = width - 2 * margin
    draw.rectangle([0, 0, width, round(14 * unit)], fill=ACCENT)
    footer = 150 * unit
    quote_top = margin + 90 * unit
    available = height - quote_top - footer - margin * 0.5
    # The largest size at which the whole quote fits above the footer.
    for points in range(round(66 * unit), round(26 * unit) - 1, -2):
        face = font(points, serif=True)
        lines = _lines(draw, text.quote, face, inner)
        if len(lines) * points * 1.5 <= available:
            break
    # A short quote sits a little above the middle of the space rather than at its top.
    shift = max(0.0, available - len(lines) * face.size * 1.5) * 0.4
    quote_top += shift
    mark = font(round(140 * unit), bold=True, serif=True)
    draw.text((margin - 10 * unit, margin * 0.6 + shift), "“", font=mark, fill=ACCENT)
    _block(
        draw,
        margin,
        quote_top,
        text.quote,
        face,
        inner,
        INK,
        spacing=1.5,
        max_lines=max(1, int(available // (face.size * 1.5))),
    )
    y = height - footer
    draw.rectangle([margin, y, margin + 80 * unit, y + 4 * unit], fill=ACCENT)
    y += 26 * unit
    left = margin
    if portrait is not None:
        side = round(96 * unit)
        thumb = ImageOps.fit(portrait.convert("RGB"), (side, side))
        mask = Image.new("L", (side, side), 0)
        ImageDraw.Draw(mask).ellipse([0, 0, side - 1, side - 1], fill=255)
        image.paste(thumb, (round(margin), round(y)), mask)
        left = margin + side + 24 * unit
    name = font(round(36 * unit), bold=True)
    draw.text((left, y + 4 * unit), text.speaker, font=name, fill=INK)
    _block(
        draw,
        left,
        y + 54 * unit,
        text.source,
        font(round(24 * unit)),
        width - left - margin,
        (90, 96, 104),
        max_lines=2,
    )
    return image
