"""The records an admin listing or chooser has narrowed to (its filters, its access filter), as
the group keys an engine ranks among: top_groups takes its best matches inside them, so a
filter finds what it should however far down the whole match set its records rank.

The database engine reads them as a subquery of the same database; Elasticsearch gets the keys
themselves, at most MAX_KEYS of them (its terms filter's limit)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import CharField, QuerySet, Value
from django.db.models.functions import Cast, Concat

#: Most keys sent to Elasticsearch in one terms filter (its index.max_terms_count is 65,536).
MAX_KEYS = 50_000


class TooManyKeys(Exception):  # noqa: N818 — reads as a state
    """The narrowed records are more than an engine can take as a list of keys."""


@dataclass(frozen=True)
class Within:
    """`queryset`'s records as group keys "kind:pk"; `path` reaches the record whose key it is
    (an interview's item: "item_id")."""

    queryset: QuerySet
    kind: str
    path: str = "pk"

    def keys_queryset(self) -> QuerySet:
        key = Concat(Value(f"{self.kind}:"), Cast(self.path, output_field=CharField()))
        return self.queryset.order_by().annotate(search_group_key=key).values("search_group_key")

    def sql(self) -> tuple[str, list]:
        """A subquery yielding the keys, for the database the queryset lives in."""
        sql, params = self.keys_queryset().query.sql_with_params()
        return sql, list(params)

    def keys(self, most: int = MAX_KEYS) -> list[str]:
        """The keys themselves; TooManyKeys beyond `most`."""
        keys = list(self.keys_queryset().values_list("search_group_key", flat=True)[: most + 1])
        if len(keys) > most:
            raise TooManyKeys(f"more than {most} records")
        return keys
