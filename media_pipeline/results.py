"""What each processing step hands on, typed, and how a later step or a view reads it back.

Steps return one of the result classes below; the runner merges `result.contribution()` (the
top-level keys of `ItemFile.technical` the step owns) into the file's record, so the stored shape
stays what it has always been and existing rows keep working. Whoever needs an earlier step's
output asks the result class for it (`TechnicalResult.of(technical).image_pages()`), never reads
another step's keys itself: a step can then change how it stores its output in one place.

Nothing here imports the rest of the pipeline, so every module may use it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, TypedDict, cast

Technical = Mapping[str, Any]


class StepRecord(TypedDict, total=False):
    """`technical["steps"][name]`: the outcome of a step's latest run on a file."""

    version: int
    sha256: str
    status: str  # "done" or "failed"
    seconds: float
    error: str
    finished_at: str


class ImagePage(TypedDict):
    number: int  # 1-based place among the pages
    index: int  # the loader's page (IFD) number
    width: int
    height: int


class ImageRecord(TypedDict, total=False):
    width: int
    height: int
    bands: int
    mode: str
    band_format: str
    bits: int
    interpretation: str
    format: str
    frames: int
    pages: list[ImagePage]
    dpi: list[float] | None
    orientation: int | None
    icc_profile: bool


class PdfRecord(TypedDict, total=False):
    version: str | None
    page_count: int
    encrypted: bool
    repaired: bool
    warnings: list[str]


class DerivativeRecord(TypedDict, total=False):
    path: str
    width: int
    height: int
    bytes: int
    mime: str


class TiledPage(TypedDict):
    number: int
    width: int
    height: int
    scale_factors: list[int]
    sizes: list[list[int]]


class IiifRecord(TypedDict, total=False):
    tile_size: int
    pages: list[TiledPage]
    source: str
    dpi: int
    note: str
    page_count: int
    pages_not_tiled: list[int]


class AvWeb(TypedDict):
    source: str  # "master" or the derivative's name
    mime: str


class StepResult(Protocol):
    """What a step returns: the `technical` keys it contributes."""

    def contribution(self) -> dict[str, Any]: ...


def step_records(technical: Technical | None) -> dict[str, StepRecord]:
    return cast(dict[str, StepRecord], dict((technical or {}).get("steps") or {}))


def step_done_for(technical: Technical | None, name: str, sha256: str) -> bool:
    """True when step `name` last finished without error on these bytes (any version)."""
    record = step_records(technical).get(name) or {}
    return record.get("status") == "done" and record.get("sha256") == sha256


@dataclass(frozen=True)
class NoResult:
    """A step with nothing to add for this file (it does not apply to its kind)."""

    def contribution(self) -> dict[str, Any]:
        return {}


@dataclass(frozen=True)
class FixityResult:
    sha256: str
    checked_at: str

    def contribution(self) -> dict[str, Any]:
        return {"fixity": {"sha256": self.sha256, "checked_at": self.checked_at}}


@dataclass(frozen=True)
class TechnicalResult:
    """`technical` step: one of an image's, a PDF's or a recording's header facts."""

    image: ImageRecord | None = None
    pdf: PdfRecord | None = None
    av: dict[str, Any] | None = None

    def contribution(self) -> dict[str, Any]:
        found = {"image": self.image, "pdf": self.pdf, "av": self.av}
        return {key: value for key, value in found.items() if value is not None}

    @classmethod
    def of(cls, technical: Technical | None) -> TechnicalResult:
        technical = technical or {}
        return cls(image=technical.get("image"), pdf=technical.get("pdf"), av=technical.get("av"))

    def image_pages(self) -> list[ImagePage]:
        """The image's pages; a single page of the recorded size when none were listed."""
        image = self.image or {}
        recorded = image.get("pages")
        if recorded:
            return list(recorded)
        return [
            ImagePage(number=1, index=0, width=image.get("width", 0), height=image.get("height", 0))
        ]

    def pdf_encrypted(self) -> bool:
        return bool((self.pdf or {}).get("encrypted"))

    def av_duration(self) -> float | None:
        duration = (self.av or {}).get("duration")
        return float(duration) if duration else None

    def av_streams(self) -> list[dict[str, Any]]:
        return list((self.av or {}).get("streams") or [])


@dataclass(frozen=True)
class DerivativesResult:
    """`derivatives` step: web JPEG/WebP and thumbnail of an image's first page."""

    derivatives: dict[str, DerivativeRecord] = field(default_factory=dict)

    def contribution(self) -> dict[str, Any]:
        return {"derivatives": self.derivatives}

    @classmethod
    def of(cls, technical: Technical | None) -> DerivativesResult:
        return cls(dict((technical or {}).get("derivatives") or {}))


@dataclass(frozen=True)
class IiifResult:
    """`iiif` step: the tiled pages of an image or PDF."""

    record: IiifRecord

    def contribution(self) -> dict[str, Any]:
        return {"iiif": self.record}

    @classmethod
    def of(cls, technical: Technical | None) -> IiifResult:
        return cls(record=cast(IiifRecord, (technical or {}).get("iiif") or {}))

    def pages(self) -> list[TiledPage]:
        return list(self.record.get("pages") or [])


@dataclass(frozen=True)
class AvResult:
    """`av` step: web-playable copies and poster, and what a player should load."""

    derivatives: dict[str, dict[str, Any]]  # DerivativeRecord plus what ffmpeg reported
    web: AvWeb | None  # None until the step has run

    def contribution(self) -> dict[str, Any]:
        return {"av_derivatives": self.derivatives, "av_web": self.web}

    @classmethod
    def of(cls, technical: Technical | None) -> AvResult:
        technical = technical or {}
        return cls(
            derivatives=dict(technical.get("av_derivatives") or {}),
            web=technical.get("av_web") or None,
        )


@dataclass(frozen=True)
class PdfTextResult:
    """`pdf_text` step: how many pages carried a usable text layer."""

    pages: int
    pages_with_text: int
    pages_without_text: list[int]
    dpi: int

    def contribution(self) -> dict[str, Any]:
        return {
            "pdf_text": {
                "pages": self.pages,
                "pages_with_text": self.pages_with_text,
                "pages_without_text": self.pages_without_text,
                "dpi": self.dpi,
            }
        }


@dataclass(frozen=True)
class OcrResult:
    """`ocr` step: "done" with counts and timings, or "skipped" with the reason."""

    status: str
    pages: int = 0
    reason: str = ""
    lines: int = 0
    engine: str = ""
    layouts: dict[str, str] = field(default_factory=dict)
    seconds_per_page: float = 0

    def contribution(self) -> dict[str, Any]:
        if self.status == "skipped":
            return {"ocr": {"status": self.status, "reason": self.reason, "pages": self.pages}}
        return {
            "ocr": {
                "status": self.status,
                "pages": self.pages,
                "lines": self.lines,
                "engine": self.engine,
                "layouts": self.layouts,
                "seconds_per_page": self.seconds_per_page,
            }
        }
