"""The counts the lower apps announce: searches (search page) and files served (pipeline)."""

from __future__ import annotations

from typing import Any

from media_pipeline import signals as pipeline_signals
from search import signals as search_signals

from .counting import count
from .models import Kind


def _searched(sender: Any, *, request: Any, query: str, total: int, **kwargs: Any) -> None:
    count(request, Kind.SEARCH, query=query, results=total)


def _file_served(
    sender: Any, *, request: Any, item_file_id: int, download: bool, **kwargs: Any
) -> None:
    count_file(request, item_file_id, download=download)


def count_file(
    request: Any,
    item_file_id: int,
    *,
    download: bool,
    address: str | None = None,
    user_agent: str | None = None,
) -> bool:
    """One file served: what the pipeline announces and what the front cache reports
    (views.front_file) are counted alike."""
    kind = Kind.DOWNLOAD if download else Kind.FILE_VIEW
    return count(request, kind, item_file_id, address=address, user_agent=user_agent)


def connect() -> None:
    search_signals.searched.connect(_searched, dispatch_uid="analytics-searched")
    pipeline_signals.file_served.connect(_file_served, dispatch_uid="analytics-file-served")
