"""The `av` step: a web-playable copy of a recording when the master is not one, and a poster."""

from __future__ import annotations

from .. import av
from ..models import ItemFile
from ..results import AvResult
from .base import Step, is_recording


class AvStep(Step):
    name = "av"
    version = 1

    def applies_to(self, item_file: ItemFile) -> bool:
        return is_recording(item_file)

    def run(self, item_file: ItemFile) -> AvResult:
        return av.av_derivatives(item_file)
