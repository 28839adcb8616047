"""The Elasticsearch param of the shared `engine` fixture (tests/search/conftest.py): the same
contract tests run on a real Elasticsearch node, each test on its own alias."""

import pytest


def extra_engine_params() -> list:
    return [pytest.param("elasticsearch", id="elasticsearch", marks=pytest.mark.elasticsearch)]


# Fixtures the `engine` fixture asks for (by name) before building an engine of this kind.
ENGINE_SETUP_FIXTURES = {"elasticsearch": "elasticsearch_settings"}
