"""The database engine: SQLite FTS5 (embedded default) or PostgreSQL full text.

Both index the token streams of search.analysis, so recall is identical to every other engine:
a query Term is a set of token phrases; a phrase is an FTS5 phrase ``"钱学 学 学森"`` or a
tsquery ``'钱学' <-> '学' <-> '学森'``. The SQL differs by vendor only in how the match set is
produced and how tokens are stored — the dialects, `db_sqlite` and `db_postgres`; access, facet
filters, years, grouping and facet counts are the same SQL over `IndexedDocument` on both
(here), and the rows become results in `db_grouping`.

Ranking: FTS5 bm25 with FIELD_WEIGHTS per column / ts_rank_cd over weighted tsvectors, plus a
bonus from the jieba `words` column when the query's words occur as whole words.
"""

# S608: SQL here is assembled from module constants (table and column names) and placeholders;
# every user-supplied value travels as a query parameter.
# ruff: noqa: S608
from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from archive_collections.access import RESEARCHERS, AccessPolicy

from .. import analysis
from ..contract import (
    Completion,
    Hit,
    IndexStatus,
    ResultGroup,
    SearchDocument,
    SearchQuery,
    SearchResults,
    access_filter_values,
    granted_fonds,
)
from ..highlight import highlight_pieces
from ..models import IndexedDocument, IndexState
from ..query import ParsedQuery
from .db_grouping import (
    Group,
    aggregate,
    facet_keys,
    facet_values,
    load,
    shown_hits,
    sort_groups,
)
from .db_postgres import PostgresDialect
from .db_sqlite import SqliteDialect
from .hits import HEAD_KINDS, RECORD_MATCHES, make_hit, reading_order
from .within import Within

DOC = IndexedDocument._meta.db_table
#: top_groups joins and groups the best CANDIDATES × limit documents of a large match set.
CANDIDATES = 3
WRITE_CHUNK = 200
DELETE_CHUNK = 500
_INDEXED_COLUMNS = [
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
]


class DatabaseEngine:
    """SearchEngine over the project database. Stateless; safe to share between threads."""

    name = "database"

    @property
    def vendor(self) -> str:
        return connection.vendor

    @property
    def dialect(self) -> SqliteDialect | PostgresDialect:
        return SqliteDialect() if self.vendor == "sqlite" else PostgresDialect()

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
                self.dialect.clear(cursor)
            IndexedDocument.objects.all().delete()

    def start_rebuild(self) -> DatabaseRebuild:
        with transaction.atomic():
            state, _created = IndexState.objects.select_for_update().get_or_create(engine=self.name)
            state.generation += 1
            state.save(update_fields=["generation"])
        return DatabaseRebuild(self, state.generation)

    def status(self) -> IndexStatus:
        counts = {kind: 0 for kind in ("scientist", "item", "page", "segment", "index", "exhibit")}
        for row in IndexedDocument.objects.values("kind").order_by().annotate(n=Count("id")):
            counts[row["kind"]] = row["n"]
        state = IndexState.objects.filter(engine=self.name).first()
        return IndexStatus(
            engine=self.name,
            available=True,
            counts=counts,
            last_rebuild=state.last_rebuild if state else None,
            detail=self.dialect.detail,
        )

    def _current_generation(self) -> int:
        state = IndexState.objects.filter(engine=self.name).only("generation").first()
        return state.generation if state else 0

    def _delete_rows(self, ids: list[int]) -> None:
        dialect = self.dialect
        for start in range(0, len(ids), DELETE_CHUNK):
            chunk = ids[start : start + DELETE_CHUNK]
            with connection.cursor() as cursor:
                dialect.delete(cursor, chunk)
            IndexedDocument.objects.filter(id__in=chunk).delete()

    def _write(self, documents: list[SearchDocument], generation: int) -> int:
        unique = {d.id: d for d in documents}
        documents = list(unique.values())
        with transaction.atomic():
            existing = dict(
                IndexedDocument.objects.filter(doc_id__in=unique).values_list("doc_id", "id")
            )
            rows = [_row(document, existing.get(document.id), generation) for document in documents]
            updates = [r for r in rows if r.id is not None]
            creates = [r for r in rows if r.id is None]
            if updates:
                _update_rows(updates)
            ids = existing
            if creates:
                IndexedDocument.objects.bulk_create(creates)
                ids = dict(
                    IndexedDocument.objects.filter(doc_id__in=unique).values_list("doc_id", "id")
                )
            with connection.cursor() as cursor:
                self.dialect.write(cursor, [(ids[d.id], d) for d in documents])
        return len(documents)

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
        groups, counts = aggregate(self._grouped_rows(query, policy, hits=True), query.filters)
        results.total = len(groups)
        ordered = sort_groups(groups, query.sort, query.pins)
        page = ordered[query.offset : query.offset + query.per_page]
        results.groups = self._load_groups(page, parsed)
        results.facets = facet_values(counts, query.filters)
        results.took_ms = (time.perf_counter() - started) * 1000
        return results

    def ranked_groups(self, query: SearchQuery, policy: AccessPolicy, limit: int) -> list[str]:
        """The same match set as search(), only its best `limit` group keys: no documents
        loaded, no hits concatenated."""
        if not query.has_criteria:
            return []
        dialect = self.dialect
        parsed = query.parsed
        match_sql, match_params = (
            dialect.match(parsed.root) if parsed.root is not None else _browse_match()
        )
        where, params = _conditions(query, policy)
        having, having_params = _facet_having(query.filters, dialect.contains)
        pins, pin_params = _pin_order(query.pins)
        with connection.cursor() as cursor:
            cursor.execute(
                f"WITH m AS {dialect.materialized}({match_sql}) "
                f"SELECT d.group_key FROM m JOIN {DOC} d ON d.id = m.id WHERE {where} "
                f"GROUP BY d.group_key{having} "
                f"ORDER BY {pins}{_group_order(query.sort, dialect.key_order)} LIMIT %s",
                [*match_params, *params, *having_params, *pin_params, max(0, int(limit))],
            )
            return [row[0] for row in cursor.fetchall()]

    def top_groups(
        self, query: SearchQuery, policy: AccessPolicy, limit: int, within: Within | None = None
    ) -> list[str]:
        """The admin's ranking: the best `limit` group keys among `within` (the records a
        listing or chooser has already narrowed to; None: every record), scored by the
        phrase match alone — search()'s whole-word bonus costs a second full-text pass over
        the match set, and an admin list is read by title and identifier, not as a results
        page.

        A two-character query can match tens of thousands of documents. Without `within`,
        facets or years, only the best CANDIDATES·limit documents are joined and grouped:
        a group whose best document is among them gets its exact best score there, and every
        other group scores no better than the last of them, so the top groups are exact. When
        fewer than `limit` groups come out of them (many hidden, or pages of few records) or
        the last of them ties with the cut, the whole match set is grouped, as when filters
        narrow it."""
        if not query.has_criteria or limit <= 0:
            return []
        dialect = self.dialect
        parsed = query.parsed
        if parsed.root is None:
            match_sql, match_params = _browse_match()
        else:
            match_sql, match_params = dialect.match(parsed.root, whole_words=False)
        where, params = _conditions(query, policy)
        if within is not None:
            within_sql, within_params = within.sql()
            where += f" AND d.group_key IN ({within_sql})"
            params = [*params, *within_params]
        having, having_params = _facet_having(query.filters, dialect.contains)
        order = _group_order(query.sort, dialect.key_order)
        narrowed = within is not None or bool(having) or query.sort != "relevance"
        materialized = dialect.materialized
        if parsed.root is not None and not narrowed:
            # The candidates' worst score: groups scoring better are all there, exactly; a
            # group tied with it may have lost documents to the cut, so the last group wanted
            # must score better, else the whole match set is grouped.
            with connection.cursor() as cursor:
                cursor.execute(
                    f"WITH m AS {materialized}({match_sql} ORDER BY score LIMIT %s) "
                    f"SELECT d.group_key, MIN(m.score), (SELECT MAX(score) FROM m) "
                    f"FROM m JOIN {DOC} d ON d.id = m.id WHERE {where} "
                    f"GROUP BY d.group_key ORDER BY {order} LIMIT %s",
                    [*match_params, CANDIDATES * limit, *params, int(limit)],
                )
                rows = cursor.fetchall()
            if len(rows) >= limit and rows[-1][1] < rows[-1][2]:
                return [row[0] for row in rows]
        with connection.cursor() as cursor:
            cursor.execute(
                f"WITH m AS {materialized}({match_sql}) "
                f"SELECT d.group_key FROM m JOIN {DOC} d ON d.id = m.id WHERE {where} "
                f"GROUP BY d.group_key{having} ORDER BY {order} LIMIT %s",
                [*match_params, *params, *having_params, int(limit)],
            )
            return [row[0] for row in cursor.fetchall()]

    def _grouped_rows(self, query: SearchQuery, policy: AccessPolicy, *, hits: bool) -> list:
        """One row per matching group: key, best score, earliest date, document count, facet
        keys and (with `hits`) its documents as one "id score kind,…" string, parsed only for
        the groups on the page."""
        dialect = self.dialect
        parsed = query.parsed
        match_sql, match_params = (
            dialect.match(parsed.root) if parsed.root is not None else _browse_match()
        )
        where, params = _conditions(query, policy)
        documents = dialect.hits_concat if hits else "NULL"
        with connection.cursor() as cursor:
            cursor.execute(
                f"WITH m AS {dialect.materialized}({match_sql}) "
                f"SELECT d.group_key, MIN(m.score), MIN(d.sort_date), COUNT(*), "
                f"MAX(d.facet_keys), {documents} "
                f"FROM m JOIN {DOC} d ON d.id = m.id WHERE {where} GROUP BY d.group_key",
                [*match_params, *params],
            )
            return cursor.fetchall()

    def _load_groups(self, page: list[Group], parsed: ParsedQuery) -> list[ResultGroup]:
        if not page:
            return []
        for group in page:
            group.best = group.candidates()
        wanted = [doc_id for group in page for _score, doc_id in group.best]
        data = dict(IndexedDocument.objects.filter(id__in=wanted).values_list("id", "data"))
        pieces = highlight_pieces(parsed)
        out = []
        for group in page:
            docs = [(score, load(data[pk])) for score, pk in group.best if pk in data]
            head: dict[str, Any] = docs[0][1] if docs else {}
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
            result.hits = shown_hits(
                [make_hit(doc, pieces, -float(score or 0)) for score, doc in docs]
            )
            out.append(result)
        return out

    def record_hits(
        self, query: SearchQuery, policy: AccessPolicy, group: str, limit: int = RECORD_MATCHES
    ) -> list[Hit]:
        """Every document of `group` the query matches (its best `limit`), as hits with their
        snippets and deep links, in reading order (hits.reading_order)."""
        parsed = query.parsed
        if parsed.root is None:
            return []
        dialect = self.dialect
        match_sql, match_params = dialect.match(parsed.root)
        clauses, params = access_sql(policy)
        clauses.append("d.group_key = %s")
        with connection.cursor() as cursor:
            cursor.execute(
                f"WITH m AS {dialect.materialized}({match_sql}) SELECT d.data, m.score "
                f"FROM m JOIN {DOC} d ON d.id = m.id WHERE {' AND '.join(clauses)} "
                "ORDER BY m.score, d.id LIMIT %s",
                [*match_params, *params, group, max(1, int(limit))],
            )
            rows = cursor.fetchall()
        pieces = highlight_pieces(parsed)
        return reading_order([make_hit(load(data), pieces, -float(score)) for data, score in rows])

    # --- autocomplete --------------------------------------------------------------------

    def autocomplete(self, prefix: str, policy: AccessPolicy, limit: int = 8) -> list[Completion]:
        tokens = analysis.phrase_tokens((prefix or "")[:100])
        if not tokens:
            return []
        limit = max(1, min(int(limit), 20))
        last_is_word = not analysis.cjk_char(tokens[-1][0])
        clauses, params = access_sql(policy)
        clauses.append("d.kind IN ('scientist', 'item')")
        dialect = self.dialect
        match_sql, match_params = dialect.completion_match(tokens, last_is_word)
        with connection.cursor() as cursor:
            cursor.execute(
                f"WITH m AS {dialect.materialized}({match_sql}) SELECT d.kind, d.data "
                f"FROM m JOIN {DOC} d ON d.id = m.id WHERE {' AND '.join(clauses)} "
                "ORDER BY CASE d.kind WHEN 'scientist' THEN 0 ELSE 1 END, m.score, d.id "
                "LIMIT %s",
                [*match_params, *params, limit],
            )
            rows = cursor.fetchall()
        completions: list[Completion] = []
        seen = set()
        for kind, raw in rows:
            data = load(raw)
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


def _update_rows(rows: list[IndexedDocument]) -> None:
    """Rewrite existing rows with one prepared UPDATE run for each of them (executemany).
    bulk_update builds a CASE per column per row through the ORM: reindexing 1,000 items one
    group at a time (a batch edit's drain) spent 11 s compiling those."""
    by_name = {f.name: f for f in IndexedDocument._meta.concrete_fields}
    fields = [by_name[name] for name in _INDEXED_COLUMNS]
    # Plain (non-relation) fields: each one's column is its name.
    assignments = ", ".join(f"{connection.ops.quote_name(name)} = %s" for name in _INDEXED_COLUMNS)
    values = [
        [*(f.get_db_prep_save(getattr(row, f.attname), connection) for f in fields), row.id]
        for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {DOC} SET {assignments} WHERE id = %s", values)


def _row(document: SearchDocument, pk: int | None, generation: int) -> IndexedDocument:
    return IndexedDocument(
        id=pk,
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


def _browse_match() -> tuple[str, list]:
    """Browsing by facet lists whole records, not every page and segment inside them."""
    marks = ",".join(["%s"] * len(HEAD_KINDS))
    return f"SELECT id, 0.0 AS score FROM {DOC} WHERE kind IN ({marks})", list(HEAD_KINDS)


def _conditions(query: SearchQuery, policy: AccessPolicy) -> tuple[str, list]:
    """Access (the policy), years and group kinds, as SQL on the document table. Facet filters
    are applied over the fetched rows (see db_grouping.aggregate)."""
    clauses, params = access_sql(policy)
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


def _facet_having(filters: dict[str, list[str]], contains: str) -> tuple[str, list]:
    """db_grouping.aggregate's facet filter as SQL over a group's facet keys: for every facet
    filtered, one of its values is a line of them."""
    clauses: list[str] = []
    params: list = []
    for name, values in filters.items():
        if not values:
            continue
        tests = [f"{contains}(%s || MAX(d.facet_keys) || %s, %s) > 0"] * len(values)
        clauses.append("(" + " OR ".join(tests) + ")")
        for value in values:
            params.extend(["\n", "\n", f"\n{name}={value}\n"])
    return (" HAVING " + " AND ".join(clauses) if clauses else ""), params


def _pin_order(pins: Sequence[str]) -> tuple[str, list]:
    """db_grouping.sort_groups' pinned groups as the first ORDER BY term (or nothing)."""
    if not pins:
        return "", []
    cases = " ".join("WHEN %s THEN " + str(n) for n in range(len(pins)))
    return f"CASE d.group_key {cases} ELSE {len(pins)} END, ", list(pins)


def _group_order(sort: str, key: str) -> str:
    """db_grouping.sort_groups as an ORDER BY over the grouped match: best score (then key)
    first; by date, dated groups by their earliest date and the undated after them."""
    best = f"MIN(m.score), {key}"
    if sort == "relevance":
        return best
    direction = "DESC" if sort == "date_desc" else "ASC"
    return f"MIN(d.sort_date) IS NULL, MIN(d.sort_date) {direction}, {best}"


def access_sql(policy: AccessPolicy) -> tuple[list[str], list]:
    """The access policy as SQL conditions on the document table (alias ``d``) and their
    parameters; every search, count and completion starts from these."""
    clauses: list[str] = []
    params: list = []
    levels, today = access_filter_values(policy)
    if levels is not None:
        level_sql = f"d.access_level IN ({','.join(['%s'] * len(levels))})"
        params.extend(levels)
        granted = granted_fonds(policy)
        if granted:  # a line "fonds=<identifier>" of the document's facet keys
            tests = " OR ".join(["(%s || d.facet_keys || %s) LIKE %s ESCAPE '!'"] * len(granted))
            level_sql = f"({level_sql} OR (d.access_level = %s AND ({tests})))"
            params.append(RESEARCHERS)
            for identifier in granted:
                escaped = identifier.replace("!", "!!").replace("%", "!%").replace("_", "!_")
                params.extend(["\n", "\n", f"%\nfonds={escaped}\n%"])
        clauses.append(level_sql)
    if today is not None:
        clauses.append("(d.embargo_until IS NULL OR d.embargo_until <= %s)")
        params.append(today)
    return clauses, params
