"""The Elasticsearch engine's connection: one client per engine, and every failure of a call —
transport, server refusal, rejected bulk documents — turned into EngineUnavailable with a
message naming the cluster, the operation and the cause (search.service then falls back).

The URL may list several nodes of one cluster, comma-separated
(``http://es1:9200,http://es2:9200``): the client spreads requests over them and, when one
cannot be reached, sends the request to another (one retry), so a node going down costs no
failed search while another node answers (tests/search/test_es_cluster.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from elasticsearch import ApiError, Elasticsearch, TransportError, helpers

from . import EngineUnavailable

Result = TypeVar("Result")

#: Documents per bulk request (incremental writes and rebuilds alike).
BULK_CHUNK = 500


def node_urls(url: str) -> list[str]:
    """The node URLs of a comma-separated ELASTICSEARCH_URL."""
    return [part.strip() for part in url.split(",") if part.strip()]


class Transport:
    def __init__(self, url: str, alias: str, timeout: float, bulk_timeout: float):
        self.url = url
        self.alias = alias  # named in messages
        self.timeout = timeout
        self.bulk_timeout = bulk_timeout
        self._client: Elasticsearch | None = None

    @property
    def client(self) -> Elasticsearch:
        if not self.url:
            raise EngineUnavailable("Elasticsearch is not configured (ELASTICSEARCH_URL is empty).")
        if self._client is None:
            try:
                self._client = Elasticsearch(
                    node_urls(self.url),
                    request_timeout=self.timeout,
                    max_retries=1,
                    retry_on_timeout=False,
                )
            except ValueError as error:
                raise EngineUnavailable(
                    f"ELASTICSEARCH_URL {self.url!r} is not a usable URL "
                    f"(expected e.g. http://127.0.0.1:9200): {error}"
                ) from error
        return self._client

    def bulk_client(self) -> Elasticsearch:
        return self.client.options(request_timeout=self.bulk_timeout)

    def call(self, what: str, func: Callable[..., Result], *args: Any, **kwargs: Any) -> Result:
        """Run one client call, turning every transport/server failure into EngineUnavailable
        with a message naming the cluster, the operation and the cause."""
        try:
            return func(*args, **kwargs)
        except ApiError as error:
            if error.meta.status == 404 and "index_not_found" in str(error):
                raise EngineUnavailable(
                    f"Elasticsearch index {self.alias!r} at {self.url} does not exist yet "
                    f"(run `manage.py rebuild_search_index`); {what} failed."
                ) from error
            raise EngineUnavailable(
                f"Elasticsearch at {self.url} refused {what}: {error.meta.status} {error}"
            ) from error
        except TransportError as error:
            raise EngineUnavailable(
                f"Elasticsearch at {self.url} is unreachable ({what}): {error}"
            ) from error
        except helpers.BulkIndexError as error:
            first = error.errors[0] if error.errors else {}
            raise EngineUnavailable(
                f"Elasticsearch at {self.url} rejected {len(error.errors)} document(s) during "
                f"{what}; first: {first}"
            ) from error

    def indices_behind(self, alias: str) -> list[str]:
        """Concrete indices behind `alias` (none when the alias does not exist)."""
        try:
            found = self.client.indices.get_alias(name=alias)
        except ApiError as error:
            if error.meta.status == 404:
                return []
            raise EngineUnavailable(
                f"Elasticsearch at {self.url} refused reading alias {alias}: {error}"
            ) from error
        except TransportError as error:
            raise EngineUnavailable(
                f"Elasticsearch at {self.url} is unreachable: {error}"
            ) from error
        return sorted(found.body)
