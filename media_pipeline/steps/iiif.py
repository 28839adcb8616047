"""The `iiif` step: static Image API tiles, sizes and info.json for every page (iiif/tiles.py)."""

from __future__ import annotations

from ..iiif import tiles
from ..models import ItemFile
from ..results import IiifResult
from .base import Step, is_page_file


class IiifStep(Step):
    name = "iiif"
    version = 2

    def applies_to(self, item_file: ItemFile) -> bool:
        return is_page_file(item_file)

    def run(self, item_file: ItemFile) -> IiifResult:
        return tiles.make_iiif_tiles(item_file)
