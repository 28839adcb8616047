"""The processing steps, in the order they run on every file.

To add a step: write one module here with a `Step` subclass (name, version, `applies_to`, `run`
returning a result from media_pipeline/results.py) and add one line to the list below.
"""

from __future__ import annotations

from .av import AvStep
from .base import Step
from .derivatives import DerivativesStep
from .fixity import FixityStep
from .iiif import IiifStep
from .ocr import OcrStep
from .pdf_text import PdfTextStep
from .registry import StepRegistry
from .technical import TechnicalStep

__all__ = ["Step", "StepRegistry", "registry"]

registry = StepRegistry(
    [
        FixityStep(),
        TechnicalStep(),
        DerivativesStep(),
        IiifStep(),
        AvStep(),
        PdfTextStep(),
        OcrStep(),
    ]
)
