"""The database engine's PostgreSQL dialect: a table of tsvectors (`all_text` with weights A–D
and positions kept apart per field, one column per field, the jieba `words`) under GIN indexes,
ranked by ts_rank_cd.

The tsvectors are written from search.analysis's token streams, never by PostgreSQL's own
parsers, so recall is the same as FTS5's: a phrase is ``'钱学' <-> '学' <-> '学森'``.
"""

# S608: SQL here is assembled from module constants (table and column names) and placeholders;
# every user-supplied value travels as a query parameter.
# ruff: noqa: S608
from __future__ import annotations

from collections.abc import Sequence

from django.db.backends.utils import CursorWrapper

from .. import analysis
from ..contract import FIELDS, SearchDocument
from ..query import Node, Not, Or, Term
from .db_text import WORDS_BONUS, positive_terms, ranking_words, words

TSV = "archive_search_tsv"
_WEIGHTS = {
    "title": "A",
    "names": "A",
    "identifier": "B",
    "subjects": "B",
    "creators": "C",
    "places": "C",
    "type": "D",
    "body": "D",
    "seal": "C",
}
MAX_POSITION = 16383  # tsvector positions stop there
MAX_POSITIONS_PER_TOKEN = 256


class PostgresDialect:
    detail = "PostgreSQL full text"
    materialized = ""  # PostgreSQL plans the match CTE well either way
    hits_concat = "string_agg(m.id::text || ' ' || m.score::text || ' ' || d.kind, ',')"
    contains = "strpos"  # strpos(haystack, needle): 1-based position, 0 when absent
    key_order = 'd.group_key COLLATE "C"'  # code-point order, as Python sorts the keys

    def clear(self, cursor: CursorWrapper) -> None:
        cursor.execute(f"DELETE FROM {TSV}")

    def delete(self, cursor: CursorWrapper, ids: list[int]) -> None:
        marks = ",".join(["%s"] * len(ids))
        cursor.execute(f"DELETE FROM {TSV} WHERE document_id IN ({marks})", ids)

    def write(self, cursor: CursorWrapper, pairs: list[tuple[int, SearchDocument]]) -> None:
        self.delete(cursor, [pk for pk, _document in pairs])
        columns = ", ".join(("document_id", "all_text", *FIELDS, "words"))
        values = ", ".join(["%s"] + ["%s::tsvector"] * (len(FIELDS) + 2))
        cursor.executemany(
            f"INSERT INTO {TSV} ({columns}) VALUES ({values})",
            [(pk, *_vectors(d)) for pk, d in pairs],
        )

    def match(self, root: Node, *, whole_words: bool = True) -> tuple[str, list]:
        """SQL yielding (id, score) of every document matching `root`; lower scores rank first.
        `whole_words`: add the bonus of the query's jieba words (ts_rank over `words`)."""
        condition, params = _expr(root)
        rank_query = (
            " | ".join(f"({tsquery(p)})" for t in positive_terms(root) for p in t.phrases) or "''"
        )
        score = "-ts_rank_cd('{0.1, 0.2, 0.4, 1.0}', t.all_text, %s::tsquery, 1)"
        rank_params: list = [rank_query]
        ranking = ranking_words(root) if whole_words else []
        if ranking:
            score += f" - {WORDS_BONUS} * ts_rank(t.words, %s::tsquery)"
            rank_params.append(" | ".join(tsquery((w,)) for w in ranking))
        return (
            f"SELECT t.document_id AS id, {score} AS score FROM {TSV} t WHERE {condition}",
            [*rank_params, *params],
        )

    def completion_match(self, tokens: list[str], last_is_word: bool) -> tuple[str, list]:
        """Names and titles holding the typed tokens as a phrase; an unfinished last
        romanised word matches as a prefix."""
        query = tsquery(tokens) + (":*" if last_is_word else "")
        sql = (
            f"SELECT document_id AS id, 0.0 AS score FROM {TSV} "
            "WHERE names @@ %s::tsquery OR title @@ %s::tsquery"
        )
        return sql, [query, query]


def _vectors(document: SearchDocument) -> list[str]:
    parts: list[str] = []
    per_field: list[str] = []
    offset = 0
    for name in FIELDS:
        tokens = analysis.index_tokens(getattr(document, name) or "")
        per_field.append(_tsvector(tokens, 1))
        parts.append(_tsvector(tokens, offset + 1, _WEIGHTS[name]))
        offset += len(tokens) + 1  # a gap: phrases never run across fields
    return [" ".join(p for p in parts if p), *per_field, _tsvector(words(document).split(), 1)]


def _tsvector(tokens: list[str], start: int, weight: str = "") -> str:
    positions: dict[str, list[str]] = {}
    for index, token in enumerate(tokens):
        position = min(start + index, MAX_POSITION)
        positions.setdefault(token, []).append(f"{position}{weight}")
    return " ".join(
        f"'{token}':{','.join(ps[:MAX_POSITIONS_PER_TOKEN])}" for token, ps in positions.items()
    )


def tsquery(phrase: Sequence[str]) -> str:
    return " <-> ".join(f"'{token}'" for token in phrase)


def _term(term: Term) -> tuple[str, list]:
    column = f"t.{term.field}" if term.field else "t.all_text"
    clauses, params = [], []
    for phrase in term.phrases:
        clauses.append(f"{column} @@ %s::tsquery")
        params.append(tsquery(phrase))
        if term.field:  # let the GIN index on all_text narrow first
            clauses.append("t.all_text @@ %s::tsquery")
            params.append(tsquery(phrase))
    return "(" + " AND ".join(clauses) + ")", params


def _expr(node: Node) -> tuple[str, list]:
    if isinstance(node, Term):
        return _term(node)
    if isinstance(node, Not):
        inner, params = _expr(node.child)
        return f"(NOT {inner})", params
    joiner = " OR " if isinstance(node, Or) else " AND "
    parts, params = [], []
    for child in node.children:
        sql, child_params = _expr(child)
        parts.append(sql)
        params.extend(child_params)
    return "(" + joiner.join(parts) + ")", params
