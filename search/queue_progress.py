"""How far the reindex queue (search.pending) has come with some groups: what a long admin job
waits for after a batch edit has committed (media_pipeline.jobs follows it under FOLLOWER).

A group is waiting while its `PendingReindex` row exists: the drain deletes a row once it has
reindexed the group as last requested (a held row waits for its file's processing to end)."""

from __future__ import annotations

from collections.abc import Iterable

from archive_collections.models import Item, Scientist

from .documents import item_group, scientist_group
from .models import PendingReindex
from .pending import KEYS_PER_STATEMENT

FOLLOWER = "search_index"


def waiting(keys: list[str]) -> int:
    """How many of these groups the queue has still to reindex."""
    count = 0
    for start in range(0, len(keys), KEYS_PER_STATEMENT):
        chunk = keys[start : start + KEYS_PER_STATEMENT]
        count += PendingReindex.objects.filter(group_key__in=chunk).count()
    return count


def groups_of(model, pks: Iterable[int]) -> list[str]:
    """The groups showing these records themselves (a batch edit's items or scientists)."""
    group = {Item: item_group, Scientist: scientist_group}[model]
    return [group(pk) for pk in pks]
