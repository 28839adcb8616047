"""The token index of the database engine, per vendor (Django has no field for either):

- SQLite: an FTS5 virtual table over pre-analysed token text (search.analysis); unicode61 only
  splits on the spaces between our tokens, so CJK unigrams/bigrams survive as tokens. rowid is
  IndexedDocument.id. Columns: the searchable fields, `words` (jieba, ranking only).
- PostgreSQL: tsvector columns built from the same tokens ('simple' semantics: lexemes are our
  tokens, given as tsvector literals so no parser or locale touches them), GIN on `all_text`.
"""

from django.db import migrations

FIELDS = ("title", "names", "body", "subjects", "creators", "places", "identifier", "type")


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    with schema_editor.connection.cursor() as cursor:
        if vendor == "sqlite":
            columns = ", ".join((*FIELDS, "words"))
            cursor.execute(
                f"CREATE VIRTUAL TABLE archive_search_fts USING fts5({columns}, "
                "tokenize = 'unicode61 remove_diacritics 0')"
            )
        elif vendor == "postgresql":
            columns = ", ".join(f"{name} tsvector" for name in (*FIELDS, "words"))
            # No foreign key to IndexedDocument: the engine deletes token rows itself (as it must
            # for FTS5 too), and a constraint Django doesn't know about would make its flush
            # (TRUNCATE of its own tables, e.g. between transactional tests) fail.
            cursor.execute(
                "CREATE TABLE archive_search_tsv (document_id bigint PRIMARY KEY, "
                f"all_text tsvector NOT NULL, {columns})"
            )
            cursor.execute(
                "CREATE INDEX archive_search_tsv_all ON archive_search_tsv USING gin (all_text)"
            )
        else:
            raise RuntimeError(
                f"The database search engine supports SQLite and PostgreSQL, not {vendor}."
            )


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    with schema_editor.connection.cursor() as cursor:
        if vendor == "sqlite":
            cursor.execute("DROP TABLE IF EXISTS archive_search_fts")
        elif vendor == "postgresql":
            cursor.execute("DROP TABLE IF EXISTS archive_search_tsv")


class Migration(migrations.Migration):
    dependencies = [("archive_search", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
