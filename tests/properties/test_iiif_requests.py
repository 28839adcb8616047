"""IIIF Image API request paths: generated valid requests resolve to the pixels they name, any
other parameter is refused with BadRequest (400) or UpscalingNotSupported (501) naming it, and the
canonical path of a request resolves to the same request."""

from __future__ import annotations

import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

from media_pipeline.iiif.image_api import (
    BadRequest,
    ImageRequest,
    Limits,
    UpscalingNotSupported,
    canonical_path,
    parse_region,
    parse_rotation,
    parse_size,
    resolve,
)

from . import bounded

LIMIT = Limits(max_width=4000, max_area=12_000_000)
PARAMETERS = ("region", "size", "rotation", "quality", "format")
sides = st.integers(1, 6000)


@st.composite
def image_and_region(draw):
    width, height = draw(sides), draw(sides)
    x, y = draw(st.integers(0, width - 1)), draw(st.integers(0, height - 1))
    w, h = draw(st.integers(1, 2 * width)), draw(st.integers(1, 2 * height))
    return width, height, (x, y, w, h)


@bounded()
@given(image_and_region())
def test_a_pixel_region_is_cropped_to_the_image(case):
    width, height, (x, y, w, h) = case
    assert parse_region(f"{x},{y},{w},{h}", width, height) == (
        x,
        y,
        min(w, width - x),
        min(h, height - y),
    )


@bounded()
@given(sides, sides)
def test_full_and_square_regions(width, height):
    assert parse_region("full", width, height) == (0, 0, width, height)
    x, y, w, h = parse_region("square", width, height)
    assert w == h == min(width, height)
    assert 0 <= x and x + w <= width and 0 <= y and y + h <= height


@bounded()
@given(sides, sides, st.integers(0, 10_000), st.integers(0, 10_000))
def test_a_region_starting_outside_the_image_is_refused(width, height, dx, dy):
    with pytest.raises(BadRequest, match="region"):
        parse_region(f"{width + dx},{dy % height},1,1", width, height)


@st.composite
def region_and_size(draw):
    """A region and a size in every form the service documents, within region and limits."""
    rw, rh = draw(st.integers(1, 5000)), draw(st.integers(1, 5000))
    form = draw(st.sampled_from(["w,h", "w,", ",h", "!w,h", "max", "pct"]))
    w, h = draw(st.integers(1, rw)), draw(st.integers(1, rh))
    text = {
        "w,h": f"{w},{h}",
        "w,": f"{w},",
        ",h": f",{h}",
        "!w,h": f"!{w},{h}",
        "max": "max",
        "pct": f"pct:{draw(st.integers(1, 100))}",
    }[form]
    return rw, rh, form, text, (w, h)


@bounded(400)
@given(region_and_size())
def test_a_documented_size_gives_pixels_within_the_region_and_the_limits(case):
    rw, rh, form, text, (w, h) = case
    try:
        (out_w, out_h), _flexible, _bound = parse_size(text, rw, rh, LIMIT)
    except BadRequest as exc:
        # Only a size that rounds to nothing or passes the service's limits is refused.
        assert "size" in str(exc)
        assert "less than one pixel" in str(exc) or "limits" in str(exc)
        return
    assert 1 <= out_w <= rw and 1 <= out_h <= rh
    assert LIMIT.fits(out_w, out_h)
    if form == "w,h":
        assert (out_w, out_h) == (w, h)
    elif form == "w,":
        assert out_w == w
    elif form == ",h":
        assert out_h == h
    elif form == "!w,h":
        assert (
            out_w <= w and out_h <= h and (out_w == w or out_h == h or (out_w, out_h) != (rw, rh))
        )


@bounded()
@given(st.integers(1, 3000), st.integers(1, 3000), st.integers(1, 3000), st.integers(1, 3000))
def test_a_size_larger_than_the_region_is_refused_and_caret_asks_for_501(rw, rh, extra_w, extra_h):
    text = f"{rw + extra_w},{rh + extra_h}"
    with pytest.raises(BadRequest, match="size"):
        parse_size(text, rw, rh, LIMIT)
    with pytest.raises(UpscalingNotSupported):
        parse_size("^" + text, rw, rh, LIMIT)


@bounded()
@given(st.sampled_from(["0", "0.0", "00", "0.000"]))
def test_rotation_zero_is_accepted(rotation):
    parse_rotation(rotation)


# Parameters as a client might send them: valid spellings, near misses and noise. Django hands
# the view decoded path segments without "/", so "/" is left out.
valid_like = st.sampled_from(
    ["full", "square", "max", "0", "default", "jpg", "pct:50", "0,0,10,10", "!10,10", "10,", ",10"]
)
path_text = st.text(
    alphabet=st.characters(blacklist_characters="/", blacklist_categories=("Cs",)), max_size=70
)
near_miss = st.builds(
    "".join,
    st.lists(st.sampled_from(list("0123456789,.:!^-+ \n\tpctmaxfulsqrdeji٣１e")), max_size=12),
)
parameter = st.one_of(valid_like, near_miss, path_text)


@bounded(800)
@given(parameter, parameter, parameter, parameter, parameter, sides, sides)
@example("0,0,10,10\n", "max", "0", "default", "jpg", 100, 100)  # "$" let a trailing newline in
@example("full", "max\n", "0", "default", "jpg", 100, 100)
@example("full", "max", "0\n", "default", "jpg", 100, 100)
@example("１,0,10,10", "max", "0", "default", "jpg", 100, 100)  # non-ASCII digits: not the API's
@example("full", "max", "٠", "default", "jpg", 100, 100)
def test_any_request_resolves_within_bounds_or_is_refused_naming_the_parameter(
    region, size, rotation, quality, fmt, width, height
):
    values = dict(zip(PARAMETERS, (region, size, rotation, quality, fmt), strict=True))
    try:
        wanted = resolve(region, size, rotation, quality, fmt, width, height, LIMIT)
    except (BadRequest, UpscalingNotSupported) as exc:
        message = str(exc)
        assert any(name in message for name in PARAMETERS), message
        return
    # Only the documented grammar gets here, in plain ASCII and without stray whitespace.
    assert all(value.isascii() and value == value.strip() for value in values.values()), values
    assert rotation.replace(".", "").strip("0") == "" and quality == "default" and fmt == "jpg"
    x, y, w, h = wanted.region
    assert 0 <= x < width and 0 <= y < height and w >= 1 and h >= 1
    assert x + w <= width and y + h <= height
    out_w, out_h = wanted.size
    assert 1 <= out_w <= w and 1 <= out_h <= h and LIMIT.fits(out_w, out_h)


requests = st.tuples(
    st.one_of(
        st.sampled_from(["full", "square"]),
        st.builds("{},{},{},{}".format, *[st.integers(0, 3000)] * 4),
        st.builds("pct:{},{},{},{}".format, *[st.integers(0, 100)] * 4),
    ),
    st.one_of(
        st.sampled_from(["max"]),
        st.builds("{},".format, st.integers(1, 3000)),
        st.builds(",{}".format, st.integers(1, 3000)),
        st.builds("{},{}".format, st.integers(1, 3000), st.integers(1, 3000)),
        st.builds("!{},{}".format, st.integers(1, 3000), st.integers(1, 3000)),
        st.builds("pct:{}".format, st.integers(1, 100)),
    ),
)


@bounded(400)
@given(requests, sides, sides)
def test_the_canonical_path_resolves_to_the_same_request(request_, width, height):
    region, size = request_
    try:
        wanted = resolve(region, size, "0", "default", "jpg", width, height, LIMIT)
    except BadRequest:
        assume(False)
    canonical = canonical_path(wanted, width, height, LIMIT)
    c_region, c_size, rotation, quality_format = canonical.split("/")
    again = resolve(c_region, c_size, rotation, "default", "jpg", width, height, LIMIT)
    assert (again.region, again.size) == (wanted.region, wanted.size)
    assert canonical_path(again, width, height, LIMIT) == canonical
    assert isinstance(again, ImageRequest)
