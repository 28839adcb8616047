"""What the catalogue announces to the apps above it.

The catalogue imports none of `media_pipeline`, `search` or `exhibits`: it says what changed and
they listen (search reindexes, the pipeline ingests). Model saves and deletes go through Django's
own signals; these cover the writes that send none (bulk upserts by the importer).
"""

from __future__ import annotations

from django.dispatch import Signal

#: Sent after the transaction that wrote them commits, once per bulk write, never per row.
#: kwargs: items, scientists, fonds, series, interviews — collections of primary keys (any may
#: be empty). Receivers decide what follows from each (an item's document carries its fonds's and
#: series's titles and its scientists' names).
#: Sent by the importer's writer (sender: archive_collections.importer.writer.Writer) with sorted
#: lists, and not at all when an import changed nothing.
catalogue_changed = Signal()
