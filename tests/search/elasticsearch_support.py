"""The real Elasticsearch node for the search tests.

`scripts/test.sh` starts one with scripts/services/elasticsearch.sh and exports
ELASTICSEARCH_TEST_URL. Without it (or when the node does not answer) the Elasticsearch tests
fail under CI=true — CI must exercise the real engine — and are skipped elsewhere with the reason.

Every index a test run creates is named ``test-<session id>-…``, so two runs against one node
never see each other's documents, and the session deletes its own indices at the end.
"""

from __future__ import annotations

import itertools
import os
import uuid

import pytest

SESSION_PREFIX = f"test-{uuid.uuid4().hex[:10]}"
_counter = itertools.count(1)


def _unavailable(reason: str):
    message = f"Elasticsearch tests need a real node: {reason}"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message + " (CI=true: the real engine must be tested)", pytrace=False)
    pytest.skip(
        message + " — start one with `scripts/services/elasticsearch.sh start` and "
        "export ELASTICSEARCH_TEST_URL=$(scripts/services/elasticsearch.sh url)"
    )


@pytest.fixture(scope="session")
def elasticsearch_url():
    """URL of the test node; deletes the session's indices afterwards."""
    url = os.environ.get("ELASTICSEARCH_TEST_URL", "").strip()
    if not url:
        _unavailable("ELASTICSEARCH_TEST_URL is not set")
    from elasticsearch import Elasticsearch

    client = Elasticsearch(url, request_timeout=10, max_retries=0)
    try:
        health = client.cluster.health(wait_for_status="yellow", timeout="10s")
    except Exception as error:  # any failure to talk to it: the reason is in the message
        _unavailable(f"{url} did not answer ({error.__class__.__name__}: {error})")
    if health["status"] not in ("green", "yellow"):
        _unavailable(f"{url} reports cluster health {health['status']}")
    yield url
    drop_session_indices(client)


def drop_session_indices(client) -> None:
    names = sorted(client.indices.get(index=f"{SESSION_PREFIX}-*", expand_wildcards="all").body)
    # The node forbids wildcard deletes (as production should): delete by name.
    for start in range(0, len(names), 50):
        client.indices.delete(index=",".join(names[start : start + 50]), ignore_unavailable=True)


def new_alias() -> str:
    """A fresh alias for one test: no documents from other tests or runs."""
    return f"{SESSION_PREFIX}-{next(_counter)}"


@pytest.fixture
def elasticsearch_settings(elasticsearch_url, settings):
    """Settings pointing the Elasticsearch engine at the test node, on an alias of its own;
    the test's indices are deleted afterwards."""
    from search.engines import reset_engines
    from search.engines.elasticsearch import ElasticsearchEngine

    settings.ELASTICSEARCH_URL = elasticsearch_url
    settings.ELASTICSEARCH_INDEX = new_alias()
    # One shard: relevance statistics are kept per shard, so a test's few documents spread over
    # two would rank by which shard each id is routed to (the ids differ between databases and
    # runs). Tests of shards and replicas set their own (test_es_cluster.py).
    settings.ELASTICSEARCH_SHARDS = 1
    reset_engines()
    yield settings
    reset_engines()
    leftover = ElasticsearchEngine(url=elasticsearch_url, alias=settings.ELASTICSEARCH_INDEX)
    for name in leftover.live_indices():
        leftover.client.indices.delete(index=name, ignore_unavailable=True)


@pytest.fixture
def es_engine(elasticsearch_settings):
    """An ElasticsearchEngine on its own alias (not created until first written)."""
    from search.engines.elasticsearch import ElasticsearchEngine

    return ElasticsearchEngine()
