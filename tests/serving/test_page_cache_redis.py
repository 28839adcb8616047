"""The page cache on Redis, as production runs it with REDIS_URL: the generation is kept in
Redis, so every worker on every machine sees a publish at once."""

from __future__ import annotations

import os
import secrets

import pytest
from django.core.cache import caches

from archive_collections.models import Item
from archive_site import caching
from tests.factories import ChapterPageFactory, ItemFactory
from tests.pages import item_block, stream

pytestmark = [pytest.mark.django_db, pytest.mark.redis]


@pytest.fixture
def redis_url(settings):
    url = os.environ.get("REDIS_TEST_URL", "")
    if not url:
        message = "REDIS_TEST_URL is not set: start scripts/services/redis.sh and export its URL"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    # A prefix of its own: the Redis server is shared with other tests, so no flush.
    settings.CACHES = {
        **settings.CACHES,
        "pages": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": f"test-{secrets.token_hex(6)}",
        },
    }
    settings.PAGE_CACHE_ALIAS = "pages"
    yield url
    caches["pages"].clear()


def test_hits_and_invalidation_go_through_redis(client, redis_url, django_assert_num_queries):
    item = ItemFactory(identifier="QXS-01-001", title="工程控制论手稿")
    chapter = ChapterPageFactory(slug="return", body=stream(item_block(item)))
    assert client.get(chapter.url)[caching.HIT_HEADER] == "miss"
    with django_assert_num_queries(0):
        assert client.get(chapter.url)[caching.HIT_HEADER] == "hit"
    generation = caches["pages"].get(caching.GENERATION_KEY)
    Item.objects.filter(pk=item.pk).update(title="修订稿")
    item.refresh_from_db()
    item.save()
    assert caches["pages"].get(caching.GENERATION_KEY) not in (None, generation)
    response = client.get(chapter.url)
    assert response[caching.HIT_HEADER] == "miss" and "修订稿" in response.content.decode()
    assert not caching._generation_file().exists()  # the file is for local-memory caches only
