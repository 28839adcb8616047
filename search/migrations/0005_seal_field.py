"""The token index gains a `seal` column: what the seals on an OCR'd page say, searchable apart
from the page's text (search.documents). Documents indexed before have it empty until their
item is reindexed (re-running OCR step 4 on a sealed page does that).

- SQLite: FTS5 cannot add a column, so the table is built again with it, between `type` and
  `words` (bm25 weights are given in column order), and the stored token rows copied over.
- PostgreSQL: one more tsvector column.
"""

# S608: the SQL is built from the column names above; nothing in it comes from outside.
# ruff: noqa: S608
from django.db import migrations

BEFORE = ("title", "names", "body", "subjects", "creators", "places", "identifier", "type")
AFTER = (*BEFORE, "seal")


def _fts(columns):
    return (
        f"USING fts5({', '.join((*columns, 'words'))}, tokenize = 'unicode61 remove_diacritics 0')"
    )


def _rebuild_fts(cursor, columns):
    """SQLite: the FTS table built again with `columns`, the token rows of BEFORE copied over."""
    kept = ", ".join(("rowid", *BEFORE, "words"))
    cursor.execute(f"CREATE VIRTUAL TABLE archive_search_fts_rebuilt {_fts(columns)}")
    cursor.execute(
        f"INSERT INTO archive_search_fts_rebuilt ({kept}) SELECT {kept} FROM archive_search_fts"
    )
    cursor.execute("DROP TABLE archive_search_fts")
    cursor.execute("ALTER TABLE archive_search_fts_rebuilt RENAME TO archive_search_fts")


def add(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    with schema_editor.connection.cursor() as cursor:
        if vendor == "sqlite":
            _rebuild_fts(cursor, AFTER)
        elif vendor == "postgresql":
            cursor.execute("ALTER TABLE archive_search_tsv ADD COLUMN IF NOT EXISTS seal tsvector")


def remove(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    with schema_editor.connection.cursor() as cursor:
        if vendor == "sqlite":
            _rebuild_fts(cursor, BEFORE)
        elif vendor == "postgresql":
            cursor.execute("ALTER TABLE archive_search_tsv DROP COLUMN IF EXISTS seal")


class Migration(migrations.Migration):
    dependencies = [("archive_search", "0004_pending_reindex")]
    operations = [migrations.RunPython(add, remove)]
