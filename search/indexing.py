"""Names kept from before the reindex policy was split out, for two kinds of caller: code in
other apps that still hands items over directly (search.reindex.schedule_items /
schedule_scientists), and ``reindex`` tasks already sitting in a queue under this module's path.

Documents: search.documents; walking records: search.sources; what a change reindexes:
search.reindex; the queue and its drain: search.pending.
"""

from .pending import reindex, reindex_groups
from .reindex import schedule_items, schedule_scientists

__all__ = ["reindex", "reindex_groups", "schedule_items", "schedule_scientists"]
