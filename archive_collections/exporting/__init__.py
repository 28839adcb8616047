"""Export catalogue records in the import format: export, edit in a spreadsheet, re-import.

    rows = export_rows("items", Item.objects.filter(...))
    StreamingHttpResponse(csv_chunks(export_headers("items"), rows, "gb18030"))

The columns come from the importer's schema and specs (see columns.py), so an unchanged file
re-imports as "unchanged" everywhere; see docs/IMPORT.md, "Export, edit, re-import".
"""

from .columns import FILE_COLUMNS, export_columns
from .rows import export_headers, export_kind, export_rows, visible_to
from .writers import CSV_ENCODINGS, DEFAULT_ENCODING, csv_chunks, write_xlsx

__all__ = [
    "CSV_ENCODINGS",
    "DEFAULT_ENCODING",
    "FILE_COLUMNS",
    "csv_chunks",
    "export_columns",
    "export_headers",
    "export_kind",
    "export_rows",
    "visible_to",
    "write_xlsx",
]
