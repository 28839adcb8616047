"""A page made ready for the text detector: stamp ink set apart, specks swept, tones stretched.

Archival pages carry more than writing: red official seals pressed over the signature, red or
green ruled 方格 paper, and the specks of mimeographed (油印) minutes. Turned to grey as it is,
red ink is as dark as black ink, so a seal hides the signature beneath it and leaks its own
characters and star into the line; specks are read as 。 and ·. So, before anything is detected:

1. Colour: pixels of bright, saturated red-to-magenta or green (HSV) are stamp and ruling ink,
   not writing; they become paper. Black and blue-black writing is dark (low value) whatever its
   hue, so it stays — also where a seal was pressed over it, as ink over ink stays dark. Bright
   blue ink is set apart only where it forms a seal: blue ballpoint and blue stamp-pad ink
   share their colour, and losing a letter's writing costs more than reading a blue stamp, so
   a blue patch counts as a seal only when it has a seal's shape and its border (ring or frame)
   is inked nearly all round, which lines of writing are not.
2. Seals: the red (and ringed blue) ink left in large, compact, well-filled patches (a ring, a
   star, arched characters) is kept as a region of kind "seal", so a viewer can outline it.
3. Noise: a page strewn with thousands of blobs of a few pixels (a poor photocopy's
   salt-and-pepper) is median-filtered before anything else is looked at, then smoothed, and
   the mottled paper the filter leaves is turned white.
4. Specks: ink blobs far smaller than the page's characters with no writing near them become
   paper; a full stop next to its character is near writing and stays.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np
from PIL import Image, ImageOps

# HSV thresholds (OpenCV: hue 0-180, saturation and value 0-255).
MIN_SATURATION = 70
MIN_VALUE = 110
RED_HUES = ((0, 14), (150, 180))  # red, vermilion, magenta: seals and red ruling
GREEN_HUES = ((35, 90),)  # green ruling
BLUE_HUES = ((95, 135),)  # blue and violet stamp-pad ink (and blue ballpoint)
# A blue patch is a seal when at least this share of its border band (ring or frame) is inked
# and at most this share of its box (a seal's ring, star and characters leave most of it bare;
# a blue disc or block in a photograph does not).
RING_COVERAGE = 0.8
BLUE_SEAL_MAX_FILL = 0.6
# Seal patches: at least this share of the page's short side across, at most this share, about
# as wide as tall, and this much of their box inked (a ruled grid is far emptier).
SEAL_MIN_SIDE = 0.04
SEAL_MAX_SIDE = 0.6
SEAL_MAX_ASPECT = 1.8
SEAL_MIN_FILL = 0.08
# A blob is a speck when smaller than this share of the page's character height, both ways,
# and no writing lies within this share of the character height of it.
SPECK_SIZE = 0.3
SPECK_REACH = 0.4
# Impulse noise: a page with more than NOISE_DENSITY blobs of at most NOISE_BLOB pixels per
# million pixels is median-filtered over NOISE_MEDIAN pixels, then smoothed (Gaussian, sigma
# NOISE_SMOOTH pixels); paper as light as the lightest PAPER_WHITE share of its pixels, or
# lighter, becomes white.
NOISE_BLOB = 4
NOISE_DENSITY = 1000
NOISE_MEDIAN = 7
NOISE_SMOOTH = 1.5
PAPER_WHITE = 0.75
# A page whose darkest and lightest pixels differ less than this holds no writing.
BLANK_CONTRAST = 32


@dataclass
class CleanPage:
    grey: np.ndarray  # uint8, writing dark on light paper, tones stretched
    seals: list[list[int]] = field(default_factory=list)  # x, y, w, h of each seal
    blank: bool = False  # no contrast at all: nothing to detect
    specks: int = 0  # blobs swept as specks
    noisy: bool = False  # strewn with impulse noise, median-filtered


def clean(image: Image.Image) -> CleanPage:
    """The page as grey writing on paper, its seals' boxes, specks swept."""
    seals: list[list[int]] = []
    if image.mode in ("RGB", "RGBA", "P", "CMYK", "YCbCr", "LAB", "HSV"):
        rgb = np.asarray(image.convert("RGB"))
        grey, stamp_ink = separate_colour(rgb)
        seals = find_seals(stamp_ink)
    else:
        grey = np.asarray(image if image.mode == "L" else ImageOps.grayscale(image))
    low, high = int(grey.min()), int(grey.max())
    if high - low < BLANK_CONTRAST:
        return CleanPage(grey=grey, seals=seals, blank=True)
    # Faded ink on yellowed paper: stretch the page's tones to full range (ignoring the extreme
    # 0.5 % that noise and dust occupy), which the detector needs to find pale lines at all.
    grey = _stretched(grey)
    found = _blobs(grey)
    noisy = _noisy(found, grey.size)
    if noisy:
        # A poor photocopy's salt-and-pepper: thousands of blobs of a few pixels, darker and
        # lighter than the faded writing, which the detector takes for ink and the recogniser
        # reads into strokes.
        grey = _denoised(grey, found[0])
        found = _blobs(grey)
    grey, specks = sweep_specks(grey, found)
    return CleanPage(grey=np.ascontiguousarray(grey), seals=seals, specks=specks, noisy=noisy)


def _stretched(grey: np.ndarray) -> np.ndarray:
    return np.asarray(ImageOps.autocontrast(Image.fromarray(grey), cutoff=0.5))


def _denoised(grey: np.ndarray, ink: np.ndarray) -> np.ndarray:
    """A noisy page (`ink`: its blobs, noise included) filtered, smoothed, its paper white.

    A median over 7 × 7 pixels takes the impulses out (strokes of 300-dpi writing are wider),
    but the JPEG-smeared remains of the noise leave the paper mottled, and stretched to full
    range as a clean page is, the mottle is as dark as a serif face's thin strokes, blurred and
    faded: the recogniser lost them (口 read 门, 祖 相, full stops dropped; CER 0.06 on serif
    pages, upright or turned). Smoothing evens the mottle out, and paper at least as light as
    the darker quarter of the paper pixels is set white, so only writing stays dark.
    """
    smooth = cv2.GaussianBlur(cv2.medianBlur(grey, NOISE_MEDIAN), (0, 0), NOISE_SMOOTH)
    counts = _histogram(smooth)
    low = int(np.searchsorted(np.cumsum(counts), 0.005 * smooth.size))  # as _stretched does
    paper = _histogram(smooth, (ink == 0).astype(np.uint8))
    if not paper.sum():
        paper = counts
    white = int(np.searchsorted(np.cumsum(paper), (1 - PAPER_WHITE) * paper.sum()))
    if white <= low:
        return _stretched(smooth)
    levels = (np.arange(256, dtype=np.float32) - low) * 255 / (white - low)
    return cv2.LUT(smooth, np.clip(levels, 0, 255).astype(np.uint8))


def _histogram(grey: np.ndarray, mask: np.ndarray | None = None) -> np.ndarray:
    """Pixels per grey level (OpenCV's is several times quicker than numpy's on a page)."""
    return cv2.calcHist([grey], [0], mask, [256], [0, 256]).ravel()


def _blobs(grey: np.ndarray):
    """The page's ink (darker than its neighbourhood) and its connected blobs."""
    ink = cv2.adaptiveThreshold(grey, 1, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 51, 20)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    return ink, count, labels, stats


def _noisy(found, pixels: int) -> bool:
    """Whether the page is strewn with impulse noise: more blobs of at most NOISE_BLOB pixels
    per million pixels than NOISE_DENSITY (measured: > 4,000 on the bench's poor photocopies,
    at most 40 on clean, blurred, JPEG, mimeographed, sealed and gridded pages)."""
    _, count, _, stats = found
    tiny = int((stats[1:count, cv2.CC_STAT_AREA] <= NOISE_BLOB).sum())
    return tiny * 1_000_000 > NOISE_DENSITY * pixels


def separate_colour(rgb: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(grey page with stamp and ruling ink turned to paper, mask of red and blue stamp ink)."""
    hsv = cv2.cvtColor(rgb, cv2.COLOR_RGB2HSV)
    hue, saturation, value = hsv[..., 0], hsv[..., 1], hsv[..., 2]
    vivid = (saturation >= MIN_SATURATION) & (value >= MIN_VALUE)
    red = vivid & _hue_in(hue, RED_HUES)
    stamp_ink = red | _blue_seals(vivid & _hue_in(hue, BLUE_HUES))
    coloured = stamp_ink | (vivid & _hue_in(hue, GREEN_HUES))
    grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    if coloured.any():
        paper = int(np.median(grey[~coloured])) if (~coloured).any() else 255
        # The ink's blurred rim is too pale to count as coloured: a little around the coloured
        # ink, whatever is not as dark as writing is paper too.
        rim = cv2.dilate(coloured.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool)
        grey = np.where(coloured | (rim & (grey >= MIN_VALUE)), paper, grey).astype(np.uint8)
    return grey, stamp_ink


def _blue_seals(blue: np.ndarray) -> np.ndarray:
    """The blue ink that lies in a seal (a patch of seal shape with an inked border); writing in
    blue stays writing."""
    if not blue.any():
        return blue
    inside = np.zeros(blue.shape, dtype=bool)
    for x, y, w, h in find_seals(blue):
        if _ringed(blue[y : y + h, x : x + w]):
            # The box was found on the page shrunk by 4: its ring's rim may lie just outside.
            grow = 8 + max(w, h) // 20
            inside[max(y - grow, 0) : y + h + grow, max(x - grow, 0) : x + w + grow] = True
    return blue & inside


def _ringed(patch: np.ndarray) -> bool:
    """Whether the patch is drawn as a seal, not filled: its border inked nearly all round (a
    round seal's ring along the ellipse its box holds, or a square seal's frame along the box's
    edges) and most of its box bare."""
    height, width = patch.shape
    if height < 8 or width < 8 or patch.mean() > BLUE_SEAL_MAX_FILL:
        return False
    # Ink within a band a few percent of the patch's size wide counts as on the border.
    band = max(int(0.06 * min(height, width)), 2)
    thick = cv2.dilate(patch.astype(np.uint8), np.ones((band, band), np.uint8)).astype(bool)
    angles = np.linspace(0, 2 * np.pi, 180, endpoint=False)
    cx, cy = (width - 1) / 2, (height - 1) / 2
    ring_x = np.clip(np.round(cx + (cx - band / 2) * np.cos(angles)), 0, width - 1).astype(int)
    ring_y = np.clip(np.round(cy + (cy - band / 2) * np.sin(angles)), 0, height - 1).astype(int)
    ellipse = float(thick[ring_y, ring_x].mean())
    edge = band // 2
    frame = np.concatenate(
        [thick[edge, :], thick[height - 1 - edge, :], thick[:, edge], thick[:, width - 1 - edge]]
    )
    return max(ellipse, float(frame.mean())) >= RING_COVERAGE


def _hue_in(hue: np.ndarray, ranges) -> np.ndarray:
    mask = np.zeros(hue.shape, dtype=bool)
    for low, high in ranges:
        mask |= (hue >= low) & (hue < high)
    return mask


def find_seals(stamp_ink: np.ndarray) -> list[list[int]]:
    """Boxes of the seal-like patches of stamp ink, found on the page shrunk by 4."""
    if not stamp_ink.any():
        return []
    height, width = stamp_ink.shape
    small = cv2.resize(
        stamp_ink.astype(np.uint8),
        (max(width // 4, 1), max(height // 4, 1)),
        interpolation=cv2.INTER_AREA,
    )
    # Close the gaps inside a seal (between ring, star and characters) into one patch.
    closed = cv2.morphologyEx(small, cv2.MORPH_CLOSE, np.ones((9, 9), np.uint8))
    count, _, stats, _ = cv2.connectedComponentsWithStats(closed, connectivity=8)
    short = min(height, width) / 4
    seals = []
    for x, y, w, h, _area in stats[1:count]:
        if not SEAL_MIN_SIDE * short <= min(w, h) or max(w, h) > SEAL_MAX_SIDE * short:
            continue
        if max(w, h) > SEAL_MAX_ASPECT * min(w, h):
            continue
        if small[y : y + h, x : x + w].mean() < SEAL_MIN_FILL:
            continue
        seals.append([int(x * 4), int(y * 4), int(w * 4), int(h * 4)])
    # A seal's star can stand apart from its ring: one seal, the ring's box.
    return [box for box in seals if not any(_inside(box, other) for other in seals)]


def _inside(box: list[int], other: list[int]) -> bool:
    x, y, w, h = box
    ox, oy, ow, oh = other
    return box != other and ox <= x and oy <= y and x + w <= ox + ow and y + h <= oy + oh


def sweep_specks(grey: np.ndarray, found=None) -> tuple[np.ndarray, int]:
    """The page with isolated specks turned to paper, and how many there were (`found`: the
    page's blobs when already known)."""
    ink, count, labels, stats = found if found is not None else _blobs(grey)
    if count < 3:
        return grey, 0
    heights = stats[1:, cv2.CC_STAT_HEIGHT]
    widths = stats[1:, cv2.CC_STAT_WIDTH]
    sizeable = heights[(heights >= 8) & (widths >= 4)]
    if sizeable.size < 10:
        return grey, 0
    char = float(np.percentile(sizeable, 80))  # strokes and radicals are smaller than a character
    limit = max(SPECK_SIZE * char, 3)
    small = np.flatnonzero((heights <= limit) & (widths <= limit)) + 1
    if small.size == 0:
        return grey, 0
    is_small = np.zeros(count, dtype=bool)
    is_small[small] = True
    writing = ~is_small[labels] & (ink > 0)
    reach = max(int(SPECK_REACH * char), 1)
    near = cv2.dilate(writing.astype(np.uint8), np.ones((2 * reach + 1, 2 * reach + 1), np.uint8))
    centres_y = stats[small, cv2.CC_STAT_TOP] + stats[small, cv2.CC_STAT_HEIGHT] // 2
    centres_x = stats[small, cv2.CC_STAT_LEFT] + stats[small, cv2.CC_STAT_WIDTH] // 2
    isolated = small[near[centres_y, centres_x] == 0]
    if isolated.size == 0:
        return grey, 0
    paper = int(np.median(grey[ink == 0])) if (ink == 0).any() else 255
    is_isolated = np.zeros(count, dtype=bool)
    is_isolated[isolated] = True
    swept = is_isolated[labels]
    # The blob's blurred rim lies just outside its inked pixels: sweep a pixel around it too.
    swept = cv2.dilate(swept.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool)
    out = grey.copy()
    out[swept] = paper
    return out, int(isolated.size)
