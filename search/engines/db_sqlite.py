"""The database engine's SQLite dialect: an FTS5 table (rowid = IndexedDocument.id, one column
per field plus the jieba `words`), ranked by bm25 with FIELD_WEIGHTS.

A query Term becomes FTS5 phrases of index tokens (``{title} : ("钱学 学 学森")``); AND/OR/NOT
map onto FTS5's own operators, so one MATCH produces the whole match set.
"""

# S608: SQL here is assembled from module constants (table and column names) and placeholders;
# every user-supplied value travels as a query parameter.
# ruff: noqa: S608
from __future__ import annotations

from django.db.backends.utils import CursorWrapper

from ..contract import FIELD_WEIGHTS, FIELDS, SearchDocument
from ..query import Node, Not, Or, Term
from .db_text import WORDS_BONUS, field_tokens, ranking_words, words

FTS = "archive_search_fts"
_ALL_COLUMNS = "{" + " ".join(FIELDS) + "}"


class SqliteDialect:
    detail = "SQLite FTS5"
    # FTS5's bm25() must run in the query owning the MATCH; keep the planner from flattening
    # the match CTE into the joins around it.
    materialized = "MATERIALIZED "
    hits_concat = "GROUP_CONCAT(m.id || ' ' || m.score || ' ' || d.kind, ',')"
    contains = "instr"  # instr(haystack, needle): 1-based position, 0 when absent
    key_order = "d.group_key"  # BINARY collation: the code-point order Python sorts keys in

    def clear(self, cursor: CursorWrapper) -> None:
        cursor.execute(f"DELETE FROM {FTS}")

    def delete(self, cursor: CursorWrapper, ids: list[int]) -> None:
        marks = ",".join(["%s"] * len(ids))
        cursor.execute(f"DELETE FROM {FTS} WHERE rowid IN ({marks})", ids)

    def write(self, cursor: CursorWrapper, pairs: list[tuple[int, SearchDocument]]) -> None:
        self.delete(cursor, [pk for pk, _document in pairs])
        columns = ", ".join(("rowid", *FIELDS, "words"))
        values = ", ".join(["%s"] * (len(FIELDS) + 2))
        cursor.executemany(
            f"INSERT INTO {FTS} ({columns}) VALUES ({values})",
            [(pk, *field_tokens(d), words(d)) for pk, d in pairs],
        )

    def match(self, root: Node, *, whole_words: bool = True) -> tuple[str, list]:
        """SQL yielding (id, score) of every document matching `root`; lower scores rank first.
        `whole_words`: add the bonus of the query's jieba words (a second MATCH over them)."""
        weights = ", ".join(str(FIELD_WEIGHTS[f]) for f in FIELDS) + ", 0.0"
        sql = f"SELECT rowid AS id, bm25({FTS}, {weights}) AS score FROM {FTS} WHERE {FTS} MATCH %s"
        params: list = [fts_expr(root)]
        ranking = ranking_words(root) if whole_words else []
        if not ranking:
            return sql, params
        word_weights = ", ".join(["0.0"] * len(FIELDS)) + ", 1.0"
        words_expr = "{words} : (" + " OR ".join(f'"{w}"' for w in ranking) + ")"
        # MATERIALIZED: bm25() only works in the query that owns the MATCH, so the planner must
        # not flatten these into the joins around them.
        sql = (
            f"WITH a AS MATERIALIZED ({sql}), b AS MATERIALIZED (SELECT rowid AS id, "
            f"bm25({FTS}, {word_weights}) AS score FROM {FTS} WHERE {FTS} MATCH %s) "
            f"SELECT a.id, a.score + {WORDS_BONUS} * COALESCE(b.score, 0) AS score "
            "FROM a LEFT JOIN b ON b.id = a.id"
        )
        return sql, [*params, words_expr]

    def completion_match(self, tokens: list[str], last_is_word: bool) -> tuple[str, list]:
        """Names and titles holding the typed tokens as a phrase; an unfinished last
        romanised word matches as a prefix."""
        phrase = '"' + " ".join(tokens) + '"' + ("*" if last_is_word else "")
        sql = f"SELECT rowid AS id, bm25({FTS}) AS score FROM {FTS} WHERE {FTS} MATCH %s"
        return sql, ["{names title} : " + phrase]


def _fts_term(term: Term) -> str:
    columns = "{" + term.field + "}" if term.field else _ALL_COLUMNS
    phrases = " AND ".join('"' + " ".join(phrase) + '"' for phrase in term.phrases)
    return f"{columns} : ({phrases})"


def fts_expr(node: Node) -> str:
    """The FTS5 MATCH expression for a parsed query node."""
    if isinstance(node, Term):
        return _fts_term(node)
    if isinstance(node, Or):
        return "(" + " OR ".join(fts_expr(c) for c in node.children) + ")"
    if isinstance(node, Not):  # only reachable inside And (parser guarantees a positive part)
        return fts_expr(node.child)
    positives = [c for c in node.children if not isinstance(c, Not)]
    negatives = [c for c in node.children if isinstance(c, Not)]
    expr = "(" + " AND ".join(fts_expr(c) for c in positives) + ")"
    for negative in negatives:
        expr += f" NOT ({fts_expr(negative.child)})"
    return "(" + expr + ")"
