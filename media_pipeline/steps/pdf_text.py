"""The `pdf_text` step: store each PDF page's text layer; the pages without one are left to OCR."""

from __future__ import annotations

from .. import pdf
from ..models import ItemFile, PageTextSource
from ..page_texts import PageTextRecord, replace_page_texts
from ..results import PdfTextResult
from ..storage import local_path, master_storage
from .base import Step


class PdfTextStep(Step):
    name = "pdf_text"
    version = 1

    def applies_to(self, item_file: ItemFile) -> bool:
        return item_file.is_pdf

    def run(self, item_file: ItemFile) -> PdfTextResult:
        with local_path(master_storage(), item_file.master_name) as path:
            pages = pdf.read_pages(path)
        with_text = [page for page in pages if page.has_text_layer]
        replace_page_texts(
            item_file,
            PageTextSource.PDF_TEXT,
            [
                PageTextRecord(
                    number=page.number,
                    text=page.text,
                    lines=page.lines,
                    width=page.width,
                    height=page.height,
                )
                for page in with_text
            ],
            pdf.ENGINE,
            pdf.ENGINE_VERSION,
        )
        return PdfTextResult(
            pages=len(pages),
            pages_with_text=len(with_text),
            pages_without_text=[page.number for page in pages if not page.has_text_layer],
            dpi=pdf.RENDER_DPI,
        )
