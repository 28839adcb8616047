"""What a processing step is: a name, a version, the files it applies to, and how it runs.

A step subclasses `Step`, sets `name` and `version`, and implements `run`. `applies_to` says
which files it is for (by kind, format, item type or the OCR switch); for any other file the
runner stores `skip(item_file)` instead, so every step leaves a record on every file and a rerun
at the same version skips it. Bump `version` when the step's output changes: files are then
reprocessed for that step alone.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import ClassVar

from ..models import ItemFile
from ..results import NoResult, StepResult


class Step(ABC):
    """One processing step; register an instance in media_pipeline/steps/__init__.py."""

    name: ClassVar[str]
    version: int
    # A late step (OCR) runs in a second task queued behind every file's first pass, so a batch's
    # thumbnails and tiles are all ready before any page is read (runner.process, tasks.py).
    late: ClassVar[bool] = False

    def applies_to(self, item_file: ItemFile) -> bool:
        return True

    @abstractmethod
    def run(self, item_file: ItemFile) -> StepResult:
        """Do the work for one file; raise StepError with a curator-readable reason on failure."""

    def skip(self, item_file: ItemFile) -> StepResult:
        """What is recorded for a file the step does not apply to."""
        return NoResult()

    def __repr__(self) -> str:
        return f"<{self.__class__.__name__} {getattr(self, 'name', '?')}>"


def is_page_file(item_file: ItemFile) -> bool:
    """Images and PDFs: the files with pages to tile and read."""
    return item_file.is_image or item_file.is_pdf


def is_recording(item_file: ItemFile) -> bool:
    return item_file.is_audio or item_file.is_video
