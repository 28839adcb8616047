"""Which way a page's lines run, decided before any line is detected or read.

The text detector finds lines well only when they lie about horizontally: on a degraded page
turned by 90° it finds few lines or none (measured on the bench's poor photocopies: 0 and 8
lines of 28 sideways, 28 and 29 once turned upright). So the page is first turned so that its
lines run across, from evidence that survives blur, noise, skew and faint ink: the ink
profiles of the page. Lines of writing leave empty rows between them; the characters along a
line leave only narrow gaps, which a little smoothing closes. Each tile of the page votes for
the direction whose profile swings more between ink and gap, weighted by its ink, and the
page follows the tiles' sum: tiles keep a skewed line within a few pixels of one row, and a
column of figures or a stamp sways one tile, not the page.

Which of the two ends is the top (0° or 180° once the lines run across) is the line
classifier's to say, on whole detected lines, in recognise.py.
"""

from __future__ import annotations

import cv2
import numpy as np

# The page is shrunk so its long side has about this many pixels: a line of 300-dpi body text
# is then ~15 px tall and the gap between lines ~10 px; blur and noise average out.
PROFILE_SIDE = 900
TILES = 3
# Profiles are smoothed over this share of the shrunk page's long side (a few pixels), which
# closes the gaps between characters but not those between lines.
SMOOTH_SHARE = 0.004
NEIGHBOURHOOD = 31  # pixels of the shrunk page
INK_STEP = 10  # grey levels darker than the neighbourhood's mean
# A tile with less ink than this share of its pixels holds no writing to judge by.
MIN_INK_SHARE = 0.004
# The columns' profile must swing this much more than the rows' to turn the page.
MARGIN = 1.15

ACROSS = 0  # lines run across the page: read it as it is (or upside down)
DOWN = 1  # lines run down the page: turn it a quarter before detecting


def line_direction(grey: np.ndarray) -> int:
    """ACROSS or DOWN for a greyscale page (dark writing on light paper)."""
    ink = _ink(grey)
    if ink is None:
        return ACROSS
    rows_score = columns_score = 0.0
    height, width = ink.shape
    smooth = max(int(SMOOTH_SHARE * max(height, width)) | 1, 3)
    for top in np.linspace(0, height, TILES + 1, dtype=int)[:-1]:
        for left in np.linspace(0, width, TILES + 1, dtype=int)[:-1]:
            tile = ink[top : top + height // TILES, left : left + width // TILES]
            share = float(tile.mean())
            if share < MIN_INK_SHARE:
                continue
            rows_score += share * _swing(tile.mean(axis=1), smooth)
            columns_score += share * _swing(tile.mean(axis=0), smooth)
    return DOWN if columns_score > MARGIN * rows_score else ACROSS


def _ink(grey: np.ndarray) -> np.ndarray | None:
    """The page shrunk, as 1.0 where there is ink, or None when it has none."""
    height, width = grey.shape[:2]
    scale = min(PROFILE_SIDE / max(height, width), 1.0)
    size = (max(int(width * scale), 1), max(int(height * scale), 1))
    small = cv2.resize(grey, size, interpolation=cv2.INTER_AREA)
    if int(small.max()) - int(small.min()) < 32:
        return None
    # Darker than the neighbourhood (a few line heights) by a clear step: unlike one threshold
    # for the whole page, this holds on faint ink, yellowed or unevenly lit paper and the white
    # corners a skewed scan leaves.
    ink = cv2.adaptiveThreshold(
        small, 1, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, NEIGHBOURHOOD, INK_STEP
    )
    # Specks and noise are single pixels at this size: an opening removes them.
    ink = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((2, 2), np.uint8))
    return ink.astype(np.float32)


def _swing(profile: np.ndarray, smooth: int) -> float:
    """How strongly a profile alternates between ink and gaps: its coefficient of variation
    after a running mean over `smooth` pixels."""
    if profile.size < 3 * smooth:
        return 0.0
    smoothed = np.convolve(profile, np.ones(smooth) / smooth, mode="valid")
    mean = float(smoothed.mean())
    return float(smoothed.std()) / mean if mean > 0 else 0.0
