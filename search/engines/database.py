"""The database engine: SQLite FTS5 (embedded default) or PostgreSQL full text.

Both index the token streams of search.analysis, so recall is identical to every other engine:
a query Term is a set of token phrases; a phrase is an FTS5 phrase ``"钱学 学 学森"`` or a
tsquery ``'钱学' <-> '学' <-> '学森'``. The SQL differs by vendor only in how the match set is
produced (`_match_sql`); access, facet filters, years, grouping and facet counts are the same
SQL over `IndexedDocument` on both.

Ranking: FTS5 bm25 with FIELD_WEIGHTS per column / ts_rank_cd over weighted tsvectors, plus a
bonus from the jieba `words` column when the query's words occur as whole words.
"""

# S608: SQL here is assembled from module constants (table and column names) and placeholders;
# every user-supplied value travels as a query parameter.
# ruff: noqa: S608
from __future__ import annotations

import heapq
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date

from django.db import connection, transaction
from django.utils import timezone

from archive_collections.access import AccessPolicy

from .. import analysis
from ..contract import (
    FACETS,
    FIELD_WEIGHTS,
    FIELDS,
    HITS_PER_GROUP,
    Completion,
    FacetValue,
    Hit,
    IndexStatus,
    ResultGroup,
    SearchDocument,
    SearchQuery,
    SearchResults,
    access_filter_values,
)
from ..highlight import highlight_pieces, matched_line_boxes, snippet
from ..models import IndexedDocument, IndexState
from ..query import Node, Not, Or, Term

DOC = IndexedDocument._meta.db_table
FTS = "archive_search_fts"
TSV = "archive_search_tsv"
HEAD_KINDS = ("item", "scientist", "exhibit")
_PG_WEIGHTS = {
    "title": "A",
    "names": "A",
    "identifier": "B",
    "subjects": "B",
    "creators": "C",
    "places": "C",
    "type": "D",
    "body": "D",
}
WORDS_BONUS = 0.5
HIT_CANDIDATES = 10  # documents per shown group considered for its HITS_PER_GROUP hits
WRITE_CHUNK = 200


class DatabaseEngine:
    """SearchEngine over the project database. Stateless; safe to share between threads."""

    name = "database"

    # --- vendor --------------------------------------------------------------------------

    @property
    def vendor(self) -> str:
        return connection.vendor

    @property
    def _materialized(self) -> str:
        # FTS5's bm25() must run in the query owning the MATCH; keep the planner from
        # flattening the match CTE (PostgreSQL plans its CTE fine either way).
        return "MATERIALIZED " if self.vendor == "sqlite" else ""

    # --- writing -------------------------------------------------------------------------

    def index_documents(self, documents: Iterable[SearchDocument]) -> int:
        generation = self._current_generation()
        written = 0
        batch: list[SearchDocument] = []
        for document in documents:
            batch.append(document)
            if len(batch) >= WRITE_CHUNK:
                written += self._write(batch, generation)
                batch = []
        if batch:
            written += self._write(batch, generation)
        return written

    def replace_group(self, group: str, documents: Sequence[SearchDocument]) -> None:
        with transaction.atomic():
            keep = {d.id for d in documents}
            stale = list(
                IndexedDocument.objects.filter(group_key=group)
                .exclude(doc_id__in=keep)
                .values_list("id", flat=True)
            )
            self._delete_rows(stale)
            self.index_documents(documents)

    def delete_groups(self, groups: Iterable[str]) -> None:
        groups = list(groups)
        if not groups:
            return
        with transaction.atomic():
            ids = list(
                IndexedDocument.objects.filter(group_key__in=groups).values_list("id", flat=True)
            )
            self._delete_rows(ids)

    def clear(self) -> None:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(f"DELETE FROM {FTS if self.vendor == 'sqlite' else TSV}")
            IndexedDocument.objects.all().delete()

    def start_rebuild(self) -> DatabaseRebuild:
        with transaction.atomic():
            state, _created = IndexState.objects.select_for_update().get_or_create(engine=self.name)
            state.generation += 1
            state.save(update_fields=["generation"])
        return DatabaseRebuild(self, state.generation)

    def status(self) -> IndexStatus:
        counts = {kind: 0 for kind in ("scientist", "item", "page", "segment", "index", "exhibit")}
        for row in (
            IndexedDocument.objects.values("kind")
            .order_by()
            .annotate(n=__import__("django.db.models", fromlist=["Count"]).Count("id"))
        ):
            counts[row["kind"]] = row["n"]
        state = IndexState.objects.filter(engine=self.name).first()
        return IndexStatus(
            engine=self.name,
            available=True,
            counts=counts,
            last_rebuild=state.last_rebuild if state else None,
            detail="SQLite FTS5" if self.vendor == "sqlite" else "PostgreSQL full text",
        )

    def _current_generation(self) -> int:
        state = IndexState.objects.filter(engine=self.name).only("generation").first()
        return state.generation if state else 0

    def _delete_rows(self, ids: list[int]) -> None:
        if not ids:
            return
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join(["%s"] * len(chunk))
            with connection.cursor() as cursor:
                if self.vendor == "sqlite":
                    cursor.execute(f"DELETE FROM {FTS} WHERE rowid IN ({marks})", chunk)
                else:
                    cursor.execute(f"DELETE FROM {TSV} WHERE document_id IN ({marks})", chunk)
            IndexedDocument.objects.filter(id__in=chunk).delete()

    def _write(self, documents: list[SearchDocument], generation: int) -> int:
        unique = {d.id: d for d in documents}
        documents = list(unique.values())
        with transaction.atomic():
            existing = dict(
                IndexedDocument.objects.filter(doc_id__in=unique).values_list("doc_id", "id")
            )
            rows = []
            for document in documents:
                row = IndexedDocument(
                    id=existing.get(document.id),
                    doc_id=document.id,
                    kind=document.kind,
                    group_key=document.group,
                    data=document.to_dict(),
                    access_level=document.access_level,
                    embargo_until=document.embargo_until,
                    year_start=document.year_start,
                    year_end=document.year_end,
                    sort_date=document.sort_date,
                    facet_keys=facet_keys(document),
                    generation=generation,
                )
                rows.append(row)
            updates = [r for r in rows if r.id is not None]
            creates = [r for r in rows if r.id is None]
            if updates:
                IndexedDocument.objects.bulk_update(
                    updates,
                    [
                        "kind",
                        "group_key",
                        "data",
                        "access_level",
                        "embargo_until",
                        "year_start",
                        "year_end",
                        "sort_date",
                        "facet_keys",
                        "generation",
                    ],
                )
            if creates:
                IndexedDocument.objects.bulk_create(creates)
            ids = dict(
                IndexedDocument.objects.filter(doc_id__in=unique).values_list("doc_id", "id")
            )
            self._write_tokens([(ids[d.id], d) for d in documents])
        return len(documents)

    def _write_tokens(self, pairs: list[tuple[int, SearchDocument]]) -> None:
        with connection.cursor() as cursor:
            marks = ",".join(["%s"] * len(pairs))
            ids = [pk for pk, _d in pairs]
            if self.vendor == "sqlite":
                cursor.execute(f"DELETE FROM {FTS} WHERE rowid IN ({marks})", ids)
                columns = ", ".join(("rowid", *FIELDS, "words"))
                values = ", ".join(["%s"] * (len(FIELDS) + 2))
                cursor.executemany(
                    f"INSERT INTO {FTS} ({columns}) VALUES ({values})",
                    [(pk, *_field_tokens(d), _words(d)) for pk, d in pairs],
                )
            else:
                cursor.execute(f"DELETE FROM {TSV} WHERE document_id IN ({marks})", ids)
                columns = ", ".join(("document_id", "all_text", *FIELDS, "words"))
                values = ", ".join(["%s"] + ["%s::tsvector"] * (len(FIELDS) + 2))
                cursor.executemany(
                    f"INSERT INTO {TSV} ({columns}) VALUES ({values})",
                    [(pk, *_pg_vectors(d)) for pk, d in pairs],
                )

    # --- searching -----------------------------------------------------------------------

    def search(self, query: SearchQuery, policy: AccessPolicy) -> SearchResults:
        """One SQL pass fetches the access-filtered match set (id, score, group, date, facet
        keys); grouping, sorting, facet filters and facet counts happen over those rows in
        Python, and one more query loads the documents shown. Running the MATCH once keeps a
        common one-character query within budget."""
        started = time.perf_counter()
        results = SearchResults(query=query, engine=self.name)
        parsed = query.parsed
        if not query.has_criteria:
            return results
        match_sql, match_params = (
            self._match(parsed.root) if not parsed.is_empty else self._browse_match()
        )
        where, params = self._conditions(query, policy)
        # Grouped in SQL; each group's matching documents come back as one "id score,…"
        # string, parsed only for the groups on the page.
        hits = (
            "GROUP_CONCAT(m.id || ' ' || m.score || ' ' || d.kind, ',')"
            if self.vendor == "sqlite"
            else "string_agg(m.id::text || ' ' || m.score::text || ' ' || d.kind, ',')"
        )
        with connection.cursor() as cursor:
            cursor.execute(
                f"WITH m AS {self._materialized}({match_sql}) "
                f"SELECT d.group_key, MIN(m.score), MIN(d.sort_date), COUNT(*), "
                f"MAX(d.facet_keys), {hits} "
                f"FROM m JOIN {DOC} d ON d.id = m.id WHERE {where} GROUP BY d.group_key",
                [*match_params, *params],
            )
            rows = cursor.fetchall()
        groups, counts = _aggregate(rows, query.filters)
        results.total = len(groups)
        ordered = _sort_groups(groups, query.sort)
        page = ordered[query.offset : query.offset + query.per_page]
        results.groups = self._load_groups(page, parsed)
        results.facets = _facet_values(counts, query.filters)
        results.took_ms = (time.perf_counter() - started) * 1000
        return results

    def _load_groups(self, page: list[_Group], parsed) -> list[ResultGroup]:
        if not page:
            return []
        for group in page:
            group.best = group.candidates()
        wanted = [doc_id for group in page for _score, doc_id in group.best]
        data = dict(IndexedDocument.objects.filter(id__in=wanted).values_list("id", "data"))
        pieces = highlight_pieces(parsed)
        out = []
        for group in page:
            docs = [(score, _load(data[pk])) for score, pk in group.best if pk in data]
            head = docs[0][1] if docs else {}
            result = ResultGroup(
                key=group.key,
                kind=group.key.split(":", 1)[0],
                title=head.get("group_title", ""),
                url=head.get("url", ""),
                score=-float(group.score or 0),
                identifier=head.get("group_identifier", ""),
                item_type=head.get("item_type", ""),
                date_text=head.get("date_text", ""),
                hit_count=group.count,
            )
            result.hits = _shown_hits(
                [make_hit(doc, pieces, -float(score or 0)) for score, doc in docs]
            )
            out.append(result)
        return out

    def _conditions(self, query: SearchQuery, policy: AccessPolicy) -> tuple[str, list]:
        """Access (the policy), years and group kinds, as SQL on the document table. Facet
        filters are applied over the fetched rows (see _aggregate)."""
        clauses, params = _access_sql(policy)
        if query.year_from is not None:
            clauses.append("COALESCE(d.year_end, d.year_start) >= %s")
            params.append(query.year_from)
        if query.year_to is not None:
            clauses.append("d.year_start <= %s")
            params.append(query.year_to)
        if query.kinds:
            clauses.append("(" + " OR ".join(["d.group_key LIKE %s"] * len(query.kinds)) + ")")
            params.extend(f"{kind}:%" for kind in query.kinds)
        return (" AND ".join(clauses) or "1=1"), params

    # --- match compilation ---------------------------------------------------------------

    def _browse_match(self) -> tuple[str, list]:
        marks = ",".join(["%s"] * len(HEAD_KINDS))
        return f"SELECT id, 0.0 AS score FROM {DOC} WHERE kind IN ({marks})", list(HEAD_KINDS)

    def _match(self, root: Node) -> tuple[str, list]:
        words = _ranking_words(root)
        if self.vendor == "sqlite":
            expression = _fts_expr(root)
            weights = ", ".join(str(FIELD_WEIGHTS[f]) for f in FIELDS) + ", 0.0"
            sql = (
                f"SELECT rowid AS id, bm25({FTS}, {weights}) AS score FROM {FTS} "
                f"WHERE {FTS} MATCH %s"
            )
            params: list = [expression]
            if words:
                word_weights = ", ".join(["0.0"] * len(FIELDS)) + ", 1.0"
                words_expr = "{words} : (" + " OR ".join(f'"{w}"' for w in words) + ")"
                # MATERIALIZED: bm25() only works in the query that owns the MATCH, so the
                # planner must not flatten these into the joins around them.
                sql = (
                    f"WITH a AS MATERIALIZED ({sql}), b AS MATERIALIZED (SELECT rowid AS id, "
                    f"bm25({FTS}, {word_weights}) AS score FROM {FTS} WHERE {FTS} MATCH %s) "
                    f"SELECT a.id, a.score + {WORDS_BONUS} * COALESCE(b.score, 0) AS score "
                    "FROM a LEFT JOIN b ON b.id = a.id"
                )
                params.append(words_expr)
            return sql, params
        condition, params = _pg_expr(root)
        rank_query = (
            " | ".join(f"({_tsquery(p)})" for t in _positive_terms(root) for p in t.phrases) or "''"
        )
        score = "-ts_rank_cd('{0.1, 0.2, 0.4, 1.0}', t.all_text, %s::tsquery, 1)"
        rank_params: list = [rank_query]
        if words:
            score += f" - {WORDS_BONUS} * ts_rank(t.words, %s::tsquery)"
            rank_params.append(" | ".join(_tsquery((w,)) for w in words))
        return (
            f"SELECT t.document_id AS id, {score} AS score FROM {TSV} t WHERE {condition}",
            [*rank_params, *params],
        )

    # --- autocomplete --------------------------------------------------------------------

    def autocomplete(self, prefix: str, policy: AccessPolicy, limit: int = 8) -> list[Completion]:
        tokens = analysis.phrase_tokens((prefix or "")[:100])
        if not tokens:
            return []
        limit = max(1, min(int(limit), 20))
        last_is_word = not analysis.cjk_char(tokens[-1][0])
        clauses, params = _access_sql(policy)
        clauses.append("d.kind IN ('scientist', 'item')")
        if self.vendor == "sqlite":
            phrase = '"' + " ".join(tokens) + '"' + ("*" if last_is_word else "")
            match_sql = f"SELECT rowid AS id, bm25({FTS}) AS score FROM {FTS} WHERE {FTS} MATCH %s"
            match_params = ["{names title} : " + phrase]
        else:
            query = _tsquery(tokens) + (":*" if last_is_word else "")
            match_sql = (
                f"SELECT document_id AS id, 0.0 AS score FROM {TSV} "
                "WHERE names @@ %s::tsquery OR title @@ %s::tsquery"
            )
            match_params = [query, query]
        with connection.cursor() as cursor:
            cursor.execute(
                f"WITH m AS {self._materialized}({match_sql}) SELECT d.kind, d.data "
                f"FROM m JOIN {DOC} d ON d.id = m.id WHERE {' AND '.join(clauses)} "
                "ORDER BY CASE d.kind WHEN 'scientist' THEN 0 ELSE 1 END, m.score, d.id "
                "LIMIT %s",
                [*match_params, *params, limit],
            )
            rows = cursor.fetchall()
        completions: list[Completion] = []
        seen = set()
        for kind, data in rows:
            data = _load(data)
            text = data.get("group_title", "")
            if text and (kind, text) not in seen:
                seen.add((kind, text))
                completions.append(Completion(text=text, kind=kind, url=data.get("url", "")))
        return completions


class DatabaseRebuild:
    """Upsert-then-prune: documents re-added get the new generation; commit deletes the rest,
    so searching keeps working throughout the rebuild."""

    def __init__(self, engine: DatabaseEngine, generation: int):
        self.engine = engine
        self.generation = generation
        self.added = 0

    def add(self, documents: Sequence[SearchDocument]) -> int:
        written = self.engine._write(list(documents), self.generation)
        self.added += written
        return written

    def commit(self) -> None:
        stale = list(
            IndexedDocument.objects.filter(generation__lt=self.generation).values_list(
                "id", flat=True
            )
        )
        self.engine._delete_rows(stale)
        IndexState.objects.update_or_create(
            engine=self.engine.name,
            defaults={"last_rebuild": timezone.now(), "documents": self.added},
        )

    def abort(self) -> None:
        """Nothing to undo: re-added documents are current, the old ones stay until the next
        successful rebuild prunes them."""


# --- helpers ------------------------------------------------------------------------------


class _Group:
    __slots__ = ("key", "score", "day", "count", "facets", "hits", "best")

    def __init__(self, row):
        self.key, self.score, self.day, self.count, self.facets, self.hits = row
        self.day = str(self.day) if self.day is not None else None
        self.best: list[tuple[float, int]] = []

    def candidates(self) -> list[tuple[float, int]]:
        """The best-scoring documents of the group, plus its head document (the item, the
        scientist) wherever it ranks: the hits shown are chosen from these."""
        pairs, head = [], []
        for entry in (self.hits or "").split(","):
            doc_id, score, kind = (entry.split(" ") + ["", ""])[:3]
            if not score:
                continue
            pair = (float(score), int(doc_id))
            pairs.append(pair)
            if kind in HEAD_KINDS:
                head.append(pair)
        best = heapq.nsmallest(HIT_CANDIDATES, pairs)
        return best + [pair for pair in head if pair not in best]


def _shown_hits(hits: list[Hit]) -> list[Hit]:
    """The hits worth showing: those whose own text contains the match, best first. A page or
    segment that matched only through the item's metadata it carries (a scientist's name, say)
    says nothing about where in the item to look, so the item's own hit stands for them."""
    marked = [h for h in hits if "<mark>" in h.snippet]
    if marked:
        return marked[:HITS_PER_GROUP]
    heads = [h for h in hits if h.kind in HEAD_KINDS]
    return (heads or hits)[:1]


def facet_keys(document: SearchDocument) -> str:
    """The document's facet values as one string ("type=letter\nscientist=qian-xuesen")."""
    return "\n".join(
        f"{facet}={' '.join(value.split())}"
        for facet, values in document.facet_values().items()
        for value in values
    )


def _aggregate(rows, filters: dict[str, list[str]]):
    """Apply facet filters to grouped rows; return (groups passing every filter, counts).

    Every document of an item carries the item's facet values, so counts are of groups. A
    value of facet F is counted over groups passing every filter but F's own, so selecting a
    value never hides its siblings."""
    groups = [_Group(row) for row in rows]
    counts: dict[str, Counter] = {}
    if not filters:
        tally = Counter(line for g in groups for line in (g.facets or "").split("\n"))
        for line, n in tally.items():
            facet, _sep, value = line.partition("=")
            if _sep:
                counts.setdefault(facet, Counter())[value] = n
        return groups, counts
    wanted = {name: {f"{name}={v}" for v in values} for name, values in filters.items()}
    passing = []
    for group in groups:
        lines = set((group.facets or "").split("\n"))
        failed = [name for name, keys in wanted.items() if not keys & lines]
        if len(failed) > 1:
            continue
        if not failed:
            passing.append(group)
        for line in lines:
            facet, _sep, value = line.partition("=")
            if _sep and (not failed or failed[0] == facet):
                counts.setdefault(facet, Counter())[value] += 1
    return passing, counts


def _sort_groups(groups: list[_Group], sort: str) -> list[_Group]:
    if sort == "relevance":
        return sorted(groups, key=lambda g: (g.score, g.key))
    dated = [g for g in groups if g.day is not None]
    undated = sorted((g for g in groups if g.day is None), key=lambda g: (g.score, g.key))
    dated.sort(key=lambda g: (g.score, g.key))
    dated.sort(key=lambda g: g.day, reverse=sort == "date_desc")
    return dated + undated


def _facet_values(counts, filters) -> dict[str, list[FacetValue]]:
    out: dict[str, list[FacetValue]] = {}
    for facet in FACETS:
        selected = set(filters.get(facet, []))
        values = [
            FacetValue(value, n, value, value in selected)
            for value, n in counts.get(facet, {}).items()
        ]
        values.sort(key=lambda v: (-v.count, v.value))
        out[facet] = values
    return out


def _load(data):
    if isinstance(data, str):
        import json

        return json.loads(data)
    return data or {}


def make_hit(data: dict, pieces: list[str], score: float) -> Hit:
    """A Hit from a stored document: snippet from the most telling field, deep-link URL."""
    kind = data.get("kind", "")
    url = data.get("url", "")
    text = data.get("body") or ""
    if kind in ("item", "scientist", "exhibit") and not _has_piece(text, pieces):
        for name in ("title", "names", "subjects", "creators", "places", "body"):
            if _has_piece(data.get(name) or "", pieces):
                text = data.get(name) or ""
                break
    page_number = data.get("page_number")
    start_ms = data.get("start_ms")
    hit = Hit(
        doc_id=data.get("id", ""),
        kind=kind,
        url=url,
        snippet=snippet(text, pieces),
        title=data.get("title", ""),
        score=score,
        page_number=page_number,
        start_ms=start_ms,
    )
    from urllib.parse import urlencode

    if kind == "page" and page_number:
        hit.line_boxes = matched_line_boxes(data.get("lines") or [], pieces)
        # The page viewer outlines the matched lines (fractions of the page: `hlr`).
        query = _page_location(hit.doc_id, page_number) + [
            ("hlr", ",".join(f"{v:.4f}" for v in box)) for box in hit.line_boxes[:10]
        ]
        hit.url = f"{url}?{urlencode(query)}"
    elif kind in ("segment", "index") and start_ms is not None:
        hit.url = f"{url}?{urlencode({'t': int(start_ms) // 1000})}"
    return hit


def _page_location(doc_id: str, page_number: int) -> list[tuple[str, object]]:
    """?file=F&page=P from a page document's id ("page:F:P"): the viewer counts pages within
    that file exactly, whatever other files (recordings, text files) the item holds."""
    parts = doc_id.split(":")
    if len(parts) == 3 and parts[1].isdigit() and parts[2].isdigit():
        return [("file", int(parts[1])), ("page", int(parts[2]))]
    return [("page", page_number)]


def _has_piece(text: str, pieces: list[str]) -> bool:
    if not text or not pieces:
        return False
    normalized = analysis.normalize(text)
    return any(piece in normalized for piece in pieces)


def _field_tokens(document: SearchDocument) -> list[str]:
    return [" ".join(analysis.index_tokens(getattr(document, name) or "")) for name in FIELDS]


def _words(document: SearchDocument) -> str:
    text = " ".join(getattr(document, name) or "" for name in FIELDS if name != "type")
    return " ".join(analysis.ranking_tokens(text))


def _access_sql(policy: AccessPolicy) -> tuple[list[str], list]:
    """The access policy as SQL conditions on the document table (alias ``d``) and their
    parameters; every search, count and completion starts from these."""
    clauses: list[str] = []
    params: list = []
    levels, today = access_filter_values(policy)
    if levels is not None:
        clauses.append(f"d.access_level IN ({','.join(['%s'] * len(levels))})")
        params.extend(levels)
    if today is not None:
        clauses.append("(d.embargo_until IS NULL OR d.embargo_until <= %s)")
        params.append(today)
    return clauses, params


def _positive_terms(node: Node, negated: bool = False) -> list[Term]:
    if isinstance(node, Term):
        return [] if negated else [node]
    if isinstance(node, Not):
        return _positive_terms(node.child, not negated)
    return [t for child in node.children for t in _positive_terms(child, negated)]


def _ranking_words(root: Node) -> list[str]:
    words: list[str] = []
    for term in _positive_terms(root):
        for word in analysis.ranking_tokens(term.text):
            if word not in words and len(words) < 16:
                words.append(word)
    return words


# FTS5 ------------------------------------------------------------------------------------------

_ALL_COLUMNS = "{" + " ".join(FIELDS) + "}"


def _fts_term(term: Term) -> str:
    columns = "{" + term.field + "}" if term.field else _ALL_COLUMNS
    phrases = " AND ".join('"' + " ".join(phrase) + '"' for phrase in term.phrases)
    return f"{columns} : ({phrases})"


def _fts_expr(node: Node) -> str:
    if isinstance(node, Term):
        return _fts_term(node)
    if isinstance(node, Or):
        return "(" + " OR ".join(_fts_expr(c) for c in node.children) + ")"
    if isinstance(node, Not):  # only reachable inside And (parser guarantees a positive part)
        return _fts_expr(node.child)
    positives = [c for c in node.children if not isinstance(c, Not)]
    negatives = [c for c in node.children if isinstance(c, Not)]
    expr = "(" + " AND ".join(_fts_expr(c) for c in positives) + ")"
    for negative in negatives:
        expr += f" NOT ({_fts_expr(negative.child)})"
    return "(" + expr + ")"


def _pg_vectors(document: SearchDocument) -> list[str]:
    parts: list[str] = []
    per_field: list[str] = []
    offset = 0
    for name in FIELDS:
        tokens = analysis.index_tokens(getattr(document, name) or "")
        weight = _PG_WEIGHTS[name]
        per_field.append(_tsvector(tokens, 1))
        parts.append(_tsvector(tokens, offset + 1, weight))
        offset += len(tokens) + 1  # a gap: phrases never run across fields
    words = _words(document).split()
    return [" ".join(p for p in parts if p), *per_field, _tsvector(words, 1)]


def _tsvector(tokens: list[str], start: int, weight: str = "") -> str:
    positions: dict[str, list[str]] = {}
    for index, token in enumerate(tokens):
        position = min(start + index, 16383)
        positions.setdefault(token, []).append(f"{position}{weight}")
    return " ".join(f"'{token}':{','.join(ps[:256])}" for token, ps in positions.items())


def _tsquery(phrase: Sequence[str]) -> str:
    return " <-> ".join(f"'{token}'" for token in phrase)


def _pg_term(term: Term) -> tuple[str, list]:
    column = f"t.{term.field}" if term.field else "t.all_text"
    clauses, params = [], []
    for phrase in term.phrases:
        clauses.append(f"{column} @@ %s::tsquery")
        params.append(_tsquery(phrase))
        if term.field:  # let the GIN index on all_text narrow first
            clauses.append("t.all_text @@ %s::tsquery")
            params.append(_tsquery(phrase))
    return "(" + " AND ".join(clauses) + ")", params


def _pg_expr(node: Node) -> tuple[str, list]:
    if isinstance(node, Term):
        return _pg_term(node)
    if isinstance(node, Not):
        inner, params = _pg_expr(node.child)
        return f"(NOT {inner})", params
    joiner = " OR " if isinstance(node, Or) else " AND "
    parts, params = [], []
    for child in node.children:
        sql, child_params = _pg_expr(child)
        parts.append(sql)
        params.extend(child_params)
    return "(" + joiner.join(parts) + ")", params


def today() -> date:
    return timezone.localdate()
