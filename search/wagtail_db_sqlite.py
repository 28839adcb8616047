"""The SQLite (FTS5) half of search/wagtail_db_backend.py: Wagtail's SQLite search backend
indexing the product's Chinese token streams and matching each query term as an FTS5 phrase.

Separate because Wagtail's SQLite search modules can only be imported when the default database
is SQLite (they look up a model that exists only there); wagtail_db_backend.SearchBackend
imports this module only then.
"""

from __future__ import annotations

from modelsearch.backends.database.sqlite.query import Lexeme as SQLiteLexeme
from modelsearch.backends.database.sqlite.query import SearchQueryExpression
from modelsearch.backends.database.sqlite.sqlite import (
    SQLiteAutocompleteQueryCompiler,
    SQLiteIndex,
    SQLiteSearchBackend,
    SQLiteSearchQueryCompiler,
)
from modelsearch.query import Phrase, PlainText

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


class ChineseSQLiteSearchQueryCompiler(_SQLiteCompilerMixin, SQLiteSearchQueryCompiler):
    pass


class ChineseSQLiteAutocompleteQueryCompiler(_SQLiteCompilerMixin, SQLiteAutocompleteQueryCompiler):
    pass


class ChineseSQLiteSearchBackend(SQLiteSearchBackend):
    query_compiler_class = ChineseSQLiteSearchQueryCompiler
    autocomplete_query_compiler_class = ChineseSQLiteAutocompleteQueryCompiler
    index_class = ChineseSQLiteIndex
