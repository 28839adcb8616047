"""The SQLite (FTS5) half of search/wagtail_db_backend.py: Wagtail's SQLite search backend
indexing the product's Chinese token streams and matching each query term as an FTS5 phrase.

Ordering by relevance reads the whole match set's scores in one pass. Wagtail's own query
reads each matching object's score through a subquery that runs the full-text match again for
that object: a word in thousands of page or image titles took over a minute per chooser search
(bench/admin_bench.py); here one query lists the matches of the searched queryset with their
scores, they are ranked in Python, and the page asked for is fetched by its keys.

Separate because Wagtail's SQLite search modules can only be imported when the default database
is SQLite (they look up a model that exists only there); wagtail_db_backend.SearchBackend
imports this module only then.
"""

from __future__ import annotations

import json

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import CharField, IntegerField, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast
from modelsearch.backends.database.sqlite.query import Lexeme as SQLiteLexeme
from modelsearch.backends.database.sqlite.query import (
    MatchExpression,
    SearchQueryExpression,
    normalize,
)
from modelsearch.backends.database.sqlite.sqlite import (
    IndexEntry,
    SQLiteAutocompleteQueryCompiler,
    SQLiteFTSIndexEntry,
    SQLiteIndex,
    SQLiteSearchBackend,
    SQLiteSearchQueryCompiler,
)
from modelsearch.query import MatchAll, Not, Phrase, PlainText
from modelsearch.utils import get_descendants_content_types_pks

from archive_collections.admin.searching import listed_order, ranked

from .analysis import phrase_tokens
from .wagtail_db_index import TokenisingIndexMixin, query_phrases

__all__ = ["ChineseSQLiteSearchBackend"]


class ChineseSQLiteIndex(TokenisingIndexMixin, SQLiteIndex):
    pass


class _SQLiteCompilerMixin:
    LAST_TERM_IS_PREFIX: bool

    def build_search_query_content(self, query, config=None):
        if isinstance(query, PlainText):
            phrases = query_phrases(query.query_string.split())
            if phrases:
                *rest, last = phrases
                lexemes = SQLiteLexeme(" ".join(last), prefix=self.LAST_TERM_IS_PREFIX)
                for tokens in rest:
                    # FTS5 parses a quoted string into a phrase with the table's tokenizer.
                    lexeme = SQLiteLexeme(" ".join(tokens))
                    lexemes = (
                        lexemes & lexeme if query.operator.upper() == "AND" else lexemes | lexeme
                    )
                return SearchQueryExpression(lexemes, config=config)
        elif isinstance(query, Phrase):
            tokens = phrase_tokens(query.query_string)
            if tokens:
                return SearchQueryExpression(" ".join(tokens))
        return super().build_search_query_content(query, config=config)  # type: ignore[misc]

    def search(self, config, start, stop, score_field=None):
        """Wagtail's search, ordered by relevance from one pass over the match set (see the
        module's docstring); other searches (unordered, negated, scores annotated for the
        caller, keys that are not integers, searches limited to some fields) are Wagtail's own."""
        queryset: QuerySet = self.queryset  # type: ignore[attr-defined]
        query = normalize(self.query)  # type: ignore[attr-defined]
        if (
            not self.order_by_relevance  # type: ignore[attr-defined]
            or score_field is not None
            or isinstance(query, (MatchAll, Not))
            or self.fields  # type: ignore[attr-defined]  # limited to some fields: Wagtail's
            or not isinstance(queryset.model._meta.pk, IntegerField)  # AutoField is one
        ):
            return super().search(config, start, stop, score_field)  # type: ignore[misc]
        order = self._ranked_keys(queryset, query, config)
        page = order[start:stop]
        if stop is not None:  # a page of results
            return ranked(queryset, page)
        # All of them (what a count reads): their keys as one JSON parameter, however many.
        keys = RawSQL("SELECT value FROM json_each(%s)", [json.dumps(page)])
        return queryset.filter(pk__in=keys).order_by(listed_order(page), "pk")

    def _ranked_keys(self, queryset: QuerySet, query, config) -> list[int]:
        """Keys of every match in `queryset`, best first, read once per search: the count and
        the page of one paginated search share this compiler."""
        cached = self.__dict__.get("_ranked")
        if cached is not None:
            return cached
        match = MatchExpression(
            self.FTS_TABLE_FIELDS,  # type: ignore[attr-defined]
            self.build_search_query(query, config=config),  # type: ignore[attr-defined]
        )
        searched = (
            queryset.order_by().annotate(search_key=Cast("pk", CharField())).values("search_key")
        )
        rows = (
            SQLiteFTSIndexEntry.objects.filter(match)
            .filter(
                index_entry__content_type__in=get_descendants_content_types_pks(queryset.model),
                index_entry__object_id__in=searched,
            )
            .annotate(
                score=self._build_rank_expression(  # type: ignore[attr-defined]
                    self.get_search_vectors(),  # type: ignore[attr-defined]
                    config,
                )
            )
            .values_list("index_entry__object_id", "score")
        )
        # The full-text table must lead the join: given the choice, SQLite walks the index
        # entries of the content type and runs the match once per entry (minutes for an image
        # chooser over thousands of images). CROSS JOIN fixes SQLite's join order.
        try:
            sql, params = rows.query.sql_with_params()
        except EmptyResultSet:  # the listing's own queryset can match nothing (a user's none())
            self.__dict__["_ranked"] = []
            return []
        entries = connection.ops.quote_name(IndexEntry._meta.db_table)
        sql = sql.replace(f" INNER JOIN {entries} ", f" CROSS JOIN {entries} ", 1)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            found = cursor.fetchall()
        best: dict[int, float] = {}
        for key, score in found:
            pk = int(key)
            if pk not in best or score < best[pk]:
                best[pk] = score
        # Wagtail's order: score, then the newest first.
        order = sorted(best, key=lambda pk: (best[pk], -pk))
        self.__dict__["_ranked"] = order
        return order


class ChineseSQLiteSearchQueryCompiler(_SQLiteCompilerMixin, SQLiteSearchQueryCompiler):
    pass


class ChineseSQLiteAutocompleteQueryCompiler(_SQLiteCompilerMixin, SQLiteAutocompleteQueryCompiler):
    pass


class ChineseSQLiteSearchBackend(SQLiteSearchBackend):
    query_compiler_class = ChineseSQLiteSearchQueryCompiler
    autocomplete_query_compiler_class = ChineseSQLiteAutocompleteQueryCompiler
    index_class = ChineseSQLiteIndex
