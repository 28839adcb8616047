"""Facet values move onto the document row (counted in one pass over the match set), and on
SQLite a covering index spares a search from reading the `data` of every matched document."""

from django.db import migrations, models


def create_cover(apps, schema_editor):
    # SQLite only: it covers what a search reads per matched document, so only the hits shown
    # have their (large) `data` read. PostgreSQL plans the join well without it.
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(
            "CREATE INDEX archive_search_doc_cover ON archive_search_indexeddocument "
            "(id, access_level, embargo_until, year_start, year_end, sort_date, group_key, "
            "facet_keys)"
        )


def drop_cover(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP INDEX IF EXISTS archive_search_doc_cover")


class Migration(migrations.Migration):
    dependencies = [("archive_search", "0002_token_index")]

    operations = [
        migrations.AddField(
            model_name="indexeddocument",
            name="facet_keys",
            field=models.TextField(blank=True, default=""),
        ),
        migrations.DeleteModel(name="DocumentFacet"),
        migrations.RunPython(create_cover, drop_cover),
    ]
