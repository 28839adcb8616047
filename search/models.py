"""Storage of the database search engine.

`IndexedDocument` keeps each SearchDocument (original text for snippets, display fields) with
the item-level columns the engine filters on (access, embargo, years) and its facet values.
The token index itself lives outside the ORM, created by
migration 0002 per database vendor: an FTS5 virtual table `archive_search_fts` on SQLite (rowid =
IndexedDocument.id) or `archive_search_tsv` with tsvector columns and a GIN index on PostgreSQL.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class IndexedDocument(models.Model):
    doc_id = models.CharField(_("document id"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=12, db_index=True)
    group_key = models.CharField(_("group"), max_length=200, db_index=True)
    data = models.JSONField(_("document"))
    access_level = models.CharField(_("access"), max_length=12)
    embargo_until = models.DateField(_("embargoed until"), null=True, blank=True)
    year_start = models.IntegerField(null=True, blank=True)
    year_end = models.IntegerField(null=True, blank=True)
    sort_date = models.DateField(null=True, blank=True)
    # The item's facet values, "facet=value" per line: counted over the match set in one pass.
    facet_keys = models.TextField(blank=True, default="")
    generation = models.PositiveIntegerField(default=0)
    indexed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("indexed document")
        verbose_name_plural = _("indexed documents")
        indexes = [
            models.Index(fields=["access_level", "embargo_until"]),
            models.Index(fields=["generation"]),
        ]

    def __str__(self):
        return self.doc_id


class IndexState(models.Model):
    """Per engine: when the last full rebuild finished and what it indexed."""

    engine = models.CharField(max_length=40, unique=True)
    last_rebuild = models.DateTimeField(null=True, blank=True)
    documents = models.PositiveIntegerField(default=0)
    generation = models.PositiveIntegerField(default=0)
    detail = models.TextField(blank=True)

    def __str__(self):
        return self.engine


class PendingReindex(models.Model):
    """A result group waiting for the reindex drain (search.pending): one row per group however
    many changes asked for it, so a burst of changes costs one reindex."""

    group_key = models.CharField(_("group"), max_length=200, unique=True)
    # A new value with every request: the drain deletes a row only if it still holds the value
    # the drain read, so a change made while the group was being reindexed is reindexed again.
    stamp = models.CharField(max_length=32)
    # False while the media pipeline is processing one of the item's files: the file's pages
    # arrive one by one and the pipeline announces the end (file_processed), which releases it.
    queued = models.BooleanField(default=True)
    requested_at = models.DateTimeField()

    class Meta:
        verbose_name = _("pending reindex")
        verbose_name_plural = _("pending reindexes")
        indexes = [models.Index(fields=["queued", "requested_at"])]

    def __str__(self):
        return self.group_key
