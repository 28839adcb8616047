"""Scale-out: the product on a two-node Elasticsearch cluster loses a node and keeps answering.

The cluster is started here on loopback by scripts/services/elasticsearch-cluster.sh (two
master-eligible data nodes, small heaps) and removed afterwards, whatever happens. The product
is pointed at both nodes (ELASTICSEARCH_URL lists them, comma-separated) with one replica per
shard (ELASTICSEARCH_REPLICAS=1); its own rebuild creates and loads the index, its own engine
(the one settings select) searches and writes.

A two-node cluster keeps only one node in its voting configuration, so it survives the loss of
the node that is not the elected master (docs/DEPLOYMENT.md: production runs three
master-eligible nodes). That node is killed with SIGKILL: no shutdown, as a crash or a pulled
cable. Needs Java 17+ and the Elasticsearch zip the single test node uses; under CI=true a
missing Java fails the run rather than skipping.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from datetime import date
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch

from archive_collections.access import AccessPolicy
from search.contract import SearchDocument, SearchQuery
from search.engines import EngineUnavailable, get_engine, reset_engines
from search.engines.elasticsearch import ElasticsearchEngine

# What it checks is Elasticsearch's, not the database's: it runs once, on the SQLite pass.
pytestmark = [pytest.mark.elasticsearch, pytest.mark.slow, pytest.mark.one_database]

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "services" / "elasticsearch-cluster.sh"
ANYONE = AccessPolicy.anonymous(date(2026, 6, 1))
ALIAS = "cluster-test"
DOCUMENTS = 60


def run_script(*args: str) -> str:
    done = subprocess.run(
        [str(SCRIPT), *args], capture_output=True, text=True, timeout=400, check=False
    )
    if done.returncode != 0:
        raise AssertionError(
            f"{SCRIPT.name} {' '.join(args)} failed ({done.returncode}):\n{done.stderr[-3000:]}"
        )
    return done.stdout


def java_available() -> bool:
    return bool(os.environ.get("ES_JAVA_HOME") or shutil.which("java"))


@pytest.fixture
def cluster():
    """Two nodes on loopback: (base directory, [url of node-1, url of node-2])."""
    if not java_available():
        reason = "the two-node Elasticsearch test needs Java 17+ (scripts/system-deps.sh)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason + " (CI=true: it must run)", pytrace=False)
        pytest.skip(reason)
    base = tempfile.mkdtemp(prefix="archive-es-cluster-")
    try:
        urls = run_script("start", base, "2").split()
        assert len(urls) == 2, urls
        yield base, urls
    finally:
        # Kills every node and removes the distribution, data and logs, pass or fail.
        subprocess.run([str(SCRIPT), "stop", base], capture_output=True, timeout=120, check=False)
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def product_on_cluster(cluster, settings):
    base, urls = cluster
    settings.SEARCH_ENGINE = "elasticsearch"
    settings.ELASTICSEARCH_URL = ",".join(urls)
    settings.ELASTICSEARCH_INDEX = ALIAS
    settings.ELASTICSEARCH_SHARDS = 2
    settings.ELASTICSEARCH_REPLICAS = 1
    settings.ELASTICSEARCH_TIMEOUT = 10
    reset_engines()
    yield base, urls
    reset_engines()


def letter(n: int) -> SearchDocument:
    return SearchDocument(
        id=f"item:{n}",
        kind="item",
        group=f"item:{n}",
        url=f"/archive/items/C{n:03d}/",
        group_title=f"钱学森书信第{n}号",
        title=f"钱学森书信第{n}号",
        body="关于喷气推进实验室的来往书信",
        group_identifier=f"C{n:03d}",
        item_type="letter",
    )


def found(text: str) -> set[str]:
    """Group keys the product's configured engine finds for `text` (every page of results)."""
    engine = get_engine()
    assert engine.name == "elasticsearch"
    keys: set[str] = set()
    page = 1
    while True:
        results = engine.search(SearchQuery(text=text, per_page=100, page=page), ANYONE)
        keys.update(group.key for group in results.groups)
        if page >= results.pages:
            return keys
        page += 1


def health(client: Elasticsearch, **wait) -> dict:
    return client.cluster.health(index=ALIAS, timeout="120s", **wait).body


def test_search_and_writes_survive_losing_a_node(product_on_cluster, settings):
    base, urls = product_on_cluster
    # An index without replicas beside the product's: losing a node loses half of it.
    settings.ELASTICSEARCH_REPLICAS = 0
    bare = ElasticsearchEngine(alias=f"{ALIAS}-bare")
    settings.ELASTICSEARCH_REPLICAS = 1
    bare.index_documents([letter(n) for n in range(DOCUMENTS)])
    engine = get_engine()
    rebuild = engine.start_rebuild()
    rebuild.add([letter(n) for n in range(DOCUMENTS)])
    rebuild.commit()

    (index,) = engine.live_indices()
    replicas = engine.client.indices.get_settings(index=index)[index]["settings"]["index"]
    assert replicas["number_of_replicas"] == "1"
    assert replicas["number_of_shards"] == "2"
    assert health(engine.client, wait_for_status="green")["status"] == "green"
    shards = engine.client.cat.shards(index=index, format="json").body
    # Both copies of each shard started, on different nodes.
    assert sorted((s["shard"], s["prirep"], s["state"]) for s in shards) == [
        ("0", "p", "STARTED"),
        ("0", "r", "STARTED"),
        ("1", "p", "STARTED"),
        ("1", "r", "STARTED"),
    ]
    assert {s["node"] for s in shards} == {"node-1", "node-2"}
    everything = {f"item:{n}" for n in range(DOCUMENTS)}
    assert found("钱学森书信") == everything

    master = engine.client.cat.master(format="json").body[0]["node"]
    victim = 2 if master == "node-1" else 1
    (bare_index,) = bare.live_indices()
    bare_shards = bare.client.cat.shards(index=bare_index, format="json").body
    assert [s["prirep"] for s in bare_shards] == ["p", "p"]
    assert {s["node"] for s in bare_shards} == {"node-1", "node-2"}
    survivor_url = urls[2 - victim]
    run_script("kill-node", base, str(victim))
    survivor = Elasticsearch(survivor_url, request_timeout=130)

    # Searches through the product answer at once, with every document: the client sends a
    # request meant for the dead node to the other one, which holds a copy of each shard.
    for _ in range(4):
        assert found("钱学森书信") == everything
    # Where a shard has no copy left, an answer would lack its documents: the engine says it is
    # unavailable (search.service then answers from the database engine with a notice) rather
    # than returning part of the results as if they were all.
    with pytest.raises(EngineUnavailable, match="shard"):
        bare.search(SearchQuery(text="钱学森书信", per_page=100), ANYONE)

    # Once the master has noticed, the replicas of the lost primaries are promoted: yellow (one
    # copy of everything), and writes go through the product again.
    state = health(survivor, wait_for_nodes="1", wait_for_status="yellow")
    assert state["status"] == "yellow" and state["number_of_nodes"] == 1
    assert state["unassigned_shards"] == 2  # the replicas, with no second node to live on
    engine.index_documents([letter(DOCUMENTS)])
    assert found(f"钱学森书信第{DOCUMENTS}号") >= {f"item:{DOCUMENTS}"}
    assert found("钱学森书信") == everything | {f"item:{DOCUMENTS}"}

    # The node comes back with its old data: the replicas are recovered (including the write it
    # missed) and the cluster is green again.
    started = time.monotonic()
    run_script("start-node", base, str(victim))
    state = health(survivor, wait_for_nodes="2", wait_for_status="green")
    assert state["status"] == "green", state
    assert state["number_of_nodes"] == 2 and state["unassigned_shards"] == 0
    assert time.monotonic() - started < 300
    returned = Elasticsearch(urls[victim - 1], request_timeout=30)
    # Its own copies (each node holds one of each shard) have all documents, the new one too.
    local = returned.count(index=ALIAS, preference="_only_local")["count"]
    assert local == DOCUMENTS + 1
    assert found("钱学森书信") == everything | {f"item:{DOCUMENTS}"}
