"""The `technical` step: header facts of the master (image properties, PDF basics, streams)."""

from __future__ import annotations

from .. import av, imaging, pdf
from ..models import ItemFile
from ..results import TechnicalResult
from ..storage import local_path, master_storage
from .base import Step, is_page_file, is_recording


class TechnicalStep(Step):
    name = "technical"
    version = 2

    def applies_to(self, item_file: ItemFile) -> bool:
        return is_page_file(item_file) or is_recording(item_file)

    def run(self, item_file: ItemFile) -> TechnicalResult:
        if item_file.is_image:
            return TechnicalResult(image=imaging.image_info(item_file))
        if item_file.is_pdf:
            with local_path(master_storage(), item_file.master_name) as path:
                return TechnicalResult(pdf=pdf.pdf_info(path))
        return TechnicalResult(av=av.probe_master(item_file))
