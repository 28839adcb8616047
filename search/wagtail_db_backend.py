"""Wagtail's own search backend (admin page, image, document and snippet search, the page and
image choosers) on the database, able to find Chinese.

Wagtail's stock database backends (``modelsearch.backends.database``: SQLite FTS5 with the
``unicode61`` tokenizer, PostgreSQL full text) treat a run of Chinese characters as ONE token: a
page titled 两弹一星功勋科学家访谈 is indexed as that single word, so searching for 功勋 or 科学家
finds nothing, and 錢學森 never finds 钱学森. This backend keeps Wagtail's backends and feeds them
the product's own analysis (search/analysis.py), the same token streams the product's search
engines index:

- indexing: every searchable value (title, body, tags, autocomplete fields) is replaced by its
  recall token stream joined with spaces — Chinese runs as interleaved character unigrams and
  bigrams (钱学森 → ``钱 钱学 学 学森 森``), traditional folded to simplified, Latin words
  case- and diacritic-folded. Both engines' tokenizers split that on spaces unchanged;
- searching: each whitespace-separated query term becomes its phrase token sequence
  (analysis.phrase_tokens: 学森 → ``学森``, 钱学森 → ``钱学 学 学森``), matched as a phrase
  (FTS5 ``"钱学 学 学森"``, PostgreSQL ``'钱学' <-> '学' <-> '学森'``), so a word of any length
  is found wherever it occurs inside a longer title or body, and traditional forms find simplified
  text. Terms are ANDed, as Wagtail's own; the last term of an autocomplete search (what every
  admin listing and chooser runs) is a prefix, as Wagtail's own. Quoted phrases are a single
  token sequence.

Latin-script search behaves as before: the same words reach the same tokenizers (PostgreSQL
still stems them with its configured text search config). A query with nothing searchable in it
(only punctuation) goes to Wagtail's stock compiler unchanged.

Indexing (search/wagtail_db_index.py) goes through Wagtail's own indexers, which read each
object through a thin wrapper whose search fields return token streams: Wagtail's
`update_index`, its signal handlers and its index tables are used unchanged. Searches restricted
with ``fields=`` on PostgreSQL read the model's columns directly (Wagtail's behaviour) and are
not tokenised; no admin view of this project does that.

The SQLite classes live in search/wagtail_db_sqlite.py (importable only on SQLite). On MySQL
and on a SQLite without FTS5 this answers with Wagtail's stock backend for that database
(substring or natural-language search, not Chinese-aware). Selected in settings when
Elasticsearch is not configured; with Elasticsearch, search/wagtail_backend.py is used instead.
"""

from __future__ import annotations

import re
from functools import reduce

from django.db import connection
from modelsearch.backends.database.postgres.postgres import (
    PostgresAutocompleteQueryCompiler,
    PostgresIndex,
    PostgresSearchBackend,
    PostgresSearchQueryCompiler,
)
from modelsearch.backends.database.postgres.query import LexemeCombinable
from modelsearch.query import Phrase, PlainText

from .analysis import phrase_tokens
from .wagtail_db_index import TokenisingIndexMixin, query_phrases

__all__ = ["ChinesePostgresSearchBackend", "SearchBackend", "TokenPhrase"]


class ChinesePostgresIndex(TokenisingIndexMixin, PostgresIndex):
    pass


# --- queries: each term a token phrase ---------------------------------------------------------


class TokenPhrase(LexemeCombinable):
    """A tsquery phrase of analysed tokens, ``('钱学' <-> '学' <-> '学森')``, optionally with the
    last token a prefix and the whole negated; combinable with Wagtail's Lexeme."""

    def __init__(self, tokens: list[str], *, prefix: bool = False, invert: bool = False) -> None:
        super().__init__()
        self.tokens = tokens
        self.prefix = prefix
        self.invert = invert

    def as_sql(self, compiler, connection):
        quoted = [
            "'{}'".format(token.replace("'", "''").replace("\\", "\\\\")) for token in self.tokens
        ]
        if self.prefix:
            quoted[-1] += ":*"
        phrase = quoted[0] if len(quoted) == 1 else "({})".format(" <-> ".join(quoted))
        return "%s", [f"!{phrase}" if self.invert else phrase]


_PG_TERM_SPLIT = re.compile(r"[\s\-]+")


class _PostgresCompilerMixin:
    LAST_TERM_IS_PREFIX: bool

    def build_tsquery_content(self, query, config=None, invert=False):
        from django.contrib.postgres.search import SearchQuery

        if isinstance(query, PlainText):
            phrases = query_phrases(term for term in _PG_TERM_SPLIT.split(query.query_string))
            if phrases:
                *rest, last = phrases
                parts = [TokenPhrase(tokens, invert=invert) for tokens in rest]
                parts.append(TokenPhrase(last, invert=invert, prefix=self.LAST_TERM_IS_PREFIX))
                combine = (lambda a, b: a & b) if query.operator == "and" else (lambda a, b: a | b)
                return SearchQuery(reduce(combine, parts), search_type="raw", config=config)
        elif isinstance(query, Phrase):
            tokens = phrase_tokens(query.query_string)
            if tokens:
                return SearchQuery(
                    " ".join(tokens), search_type="phrase", config=config, invert=invert
                )
        return super().build_tsquery_content(query, config=config, invert=invert)  # type: ignore[misc]


class ChinesePostgresSearchQueryCompiler(_PostgresCompilerMixin, PostgresSearchQueryCompiler):
    pass


class ChinesePostgresAutocompleteQueryCompiler(
    _PostgresCompilerMixin, PostgresAutocompleteQueryCompiler
):
    pass


class ChinesePostgresSearchBackend(PostgresSearchBackend):
    query_compiler_class = ChinesePostgresSearchQueryCompiler
    autocomplete_query_compiler_class = ChinesePostgresAutocompleteQueryCompiler
    index_class = ChinesePostgresIndex


def SearchBackend(params):  # noqa: N802 — the name Wagtail looks up in a backend module
    """The backend for the default database's engine, as Wagtail's own database backend picks."""
    from modelsearch.backends.database import SearchBackend as stock_backend

    if connection.vendor == "postgresql":
        return ChinesePostgresSearchBackend(params)
    stock = stock_backend(params)
    if connection.vendor == "sqlite" and type(stock).__name__ == "SQLiteSearchBackend":
        # FTS5 is available and its table exists. (Wagtail's SQLite modules can only be
        # imported when the database is SQLite: they look up a model that exists only there.)
        from .wagtail_db_sqlite import ChineseSQLiteSearchBackend

        return ChineseSQLiteSearchBackend(params)
    return stock
