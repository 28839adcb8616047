"""The flush as a background task (django-tasks: `db_worker`, or rq with REDIS_URL)."""

from __future__ import annotations

from django_tasks import task

from .aggregate import flush


@task()
def flush_counts() -> dict[str, int]:
    result = flush()
    return {"rows": result.rows, "closed_days": result.closed_days}
