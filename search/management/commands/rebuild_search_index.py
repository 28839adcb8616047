"""Rebuild every search engine's index from the archive, in chunks, with a progress bar.

Each engine rebuilds through its RebuildSession without disturbing searches: the database engine
upserts then prunes what was not re-added; Elasticsearch loads a new index and swaps its alias.
"""

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from search.engines import EngineUnavailable, all_engines
from search.sources import CHUNK, count_sources, iter_document_chunks


class Command(BaseCommand):
    help = "Rebuild the search index (database engine, and Elasticsearch when configured)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--chunk", type=int, default=CHUNK, help="records per batch (default %(default)s)"
        )
        parser.add_argument(
            "--engine", choices=["database", "elasticsearch"], help="rebuild only this engine"
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="build the documents and count them; write nothing",
        )
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, chunk, engine, dry_run, no_progress, **options):
        if chunk < 1:
            raise CommandError("--chunk must be at least 1.")
        engines = [e for e in all_engines() if engine is None or e.name == engine]
        if engine and not engines:
            raise CommandError(
                f"The {engine} engine is not configured (see SEARCH_ENGINE and ELASTICSEARCH_URL)."
            )
        sessions = []
        if not dry_run:
            for each in engines:
                try:
                    sessions.append((each, each.start_rebuild()))
                except EngineUnavailable as exc:
                    raise CommandError(f"{each.name}: cannot start the rebuild: {exc}") from exc
        total = 0
        bar = tqdm(
            total=count_sources(), unit="records", disable=no_progress, desc="rebuild_search_index"
        )
        try:
            for documents in iter_document_chunks(chunk):
                for _engine, session in sessions:
                    session.add(documents)
                total += len(documents)
                bar.update(len({d.group for d in documents}))
        except EngineUnavailable as exc:
            for _engine, session in sessions:
                session.abort()
            raise CommandError(f"Rebuild stopped, live indexes untouched: {exc}") from exc
        except BaseException:
            for _engine, session in sessions:
                session.abort()
            raise
        finally:
            bar.close()
        for each, session in sessions:
            session.commit()
            self.stdout.write(f"{each.name}: {total} documents indexed.")
            # Elasticsearch says which index went live and which it replaced (alias swap).
            summary = getattr(session, "summary", "")
            if summary:
                self.stdout.write(f"{each.name}: {summary}")
        if dry_run:
            self.stdout.write(f"Dry run: {total} documents built, nothing written.")
