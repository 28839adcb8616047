"""The `derivatives` step: web JPEG + WebP and a thumbnail of an image's first page."""

from __future__ import annotations

from .. import imaging
from ..derivatives import render_derivatives, store_derivative
from ..models import ItemFile
from ..results import DerivativesResult
from .base import Step


class DerivativesStep(Step):
    name = "derivatives"
    version = 2

    def applies_to(self, item_file: ItemFile) -> bool:
        return item_file.is_image

    def run(self, item_file: ItemFile) -> DerivativesResult:
        loader = imaging.loader_for(item_file.mime_type)
        with imaging.master_image_path(item_file) as path:
            encoded = render_derivatives(path, loader, imaging.page_list(item_file)[0])
        # Store only once everything is encoded: a failure above leaves no partial set behind.
        return DerivativesResult(
            {
                name: store_derivative(item_file.sha256, name, data, image)
                for name, (data, image) in encoded.items()
            }
        )

    def skip(self, item_file: ItemFile) -> DerivativesResult:
        # Recorded empty, not absent: the file's derivatives are known to be none.
        return DerivativesResult({})
