"""Counting without tracking: every kind of view reaches the daily tables through the buffer and
the flush; robots, forged, malformed and replayed beacons are not counted; nothing stored names a
visitor; a failing buffer never fails a page."""

from __future__ import annotations

import datetime
import os
import re
import time
from collections import Counter

import pytest
from django.core import signing
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from archive_site.analytics import counting
from archive_site.analytics.aggregate import flush
from archive_site.analytics.models import (
    DailyDevice,
    DailyReferrer,
    DailySearch,
    DailyView,
    DailyVisitors,
    DaySalt,
    Device,
    Hit,
    Kind,
)
from media_pipeline.storage import derivative_storage
from tests.factories import (
    ChapterPageFactory,
    FondsFactory,
    InterviewFactory,
    ItemFactory,
    ItemFileFactory,
    ScientistFactory,
)

pytestmark = pytest.mark.django_db

DESKTOP = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/140.0 Safari/537.36"
PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148"
TABLET = "Mozilla/5.0 (iPad; CPU OS 18_0 like Mac OS X) AppleWebKit/605.1.15 Safari/604.1"
BOT = "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)"
ADDRESS = "203.0.113.77"
TOKEN = re.compile(r'data-count="([^"]+)"')


@pytest.fixture(autouse=True)
def _no_automatic_flush(settings):
    settings.ANALYTICS_FLUSH_SECONDS = 0  # each test flushes when it means to
    counting._salts.clear()  # the process keeps today's salt; the test database rolled it back


def token_on(client, url: str) -> str:
    html = client.get(url, HTTP_USER_AGENT=DESKTOP).content.decode()
    found = TOKEN.search(html)
    assert found, f"no counting beacon on {url}"
    return found.group(1)


def beacon(client, token: str, nonce: str = "n" * 24, referrer: str = "", agent: str = DESKTOP):
    response = client.post(
        reverse("analytics:beacon"),
        {"t": token, "n": nonce, "r": referrer},
        HTTP_USER_AGENT=agent,
        REMOTE_ADDR=ADDRESS,
    )
    assert response.status_code == 204
    assert not response.cookies
    return response


def views(kind: Kind, object_id: int) -> int:
    row = DailyView.objects.filter(kind=kind, object_id=object_id).first()
    return row.views if row else 0


def test_a_page_view_is_counted_from_its_beacon_with_referrer_domain_and_device(client):
    chapter = ChapterPageFactory()
    token = token_on(client, chapter.url)
    beacon(client, token, "a" * 24, "https://www.example.edu.cn/course/7?student=li", PHONE)
    beacon(client, token, "b" * 24, "http://testserver/archive/", TABLET)  # this site: no referrer
    beacon(client, token, "c" * 24, "", DESKTOP)
    assert Hit.objects.count() == 3 and views(Kind.PAGE, chapter.pk) == 0  # buffered only
    flush()
    assert views(Kind.PAGE, chapter.pk) == 3
    assert list(DailyReferrer.objects.values_list("domain", "views")) == [("example.edu.cn", 1)]
    devices = dict(DailyDevice.objects.values_list("device", "views"))
    assert devices == {Device.PHONE: 1, Device.TABLET: 1, Device.DESKTOP: 1}


def test_record_pages_name_their_record_in_the_beacon(client):
    item = ItemFactory()
    scientist = ScientistFactory()
    fonds = FondsFactory()
    interview = InterviewFactory()
    pages = {
        (Kind.ITEM, item.pk): reverse("collections:item", args=[item.identifier]),
        (Kind.SCIENTIST, scientist.pk): reverse(
            "collections:scientist", args=[scientist.identifier]
        ),
        (Kind.FONDS, fonds.pk): reverse("collections:fonds", args=[fonds.identifier]),
        (Kind.INTERVIEW, interview.pk): reverse(
            "collections:interview", args=[interview.item.identifier]
        ),
    }
    for n, ((kind, pk), url) in enumerate(pages.items()):
        token = token_on(client, url)
        assert counting.read_token(token) == (kind, pk)
        beacon(client, token, f"record-nonce-{n:04d}")
    flush()
    for kind, pk in pages:
        assert views(kind, pk) == 1, kind


def test_searches_count_query_results_and_zero_results(client):
    totals = {}
    for query in ("钱学森", "钱学森", "  钱学森 ", "茅以升桥梁"):
        response = client.get(reverse("search:page"), {"q": query}, HTTP_USER_AGENT=DESKTOP)
        totals[query.strip()] = response.context["results"].total
    client.get(reverse("search:page"), {"q": "钱学森", "page": "2"}, HTTP_USER_AGENT=DESKTOP)
    flush()
    rows = {r.query: (r.searches, r.zero_results) for r in DailySearch.objects.all()}
    assert rows == {"钱学森": (3, 3 * (totals["钱学森"] == 0)), "茅以升桥梁": (1, 1)}
    # A search that finds something is not a zero-result search.
    Hit.objects.create(day=timezone.localdate(), kind=Kind.SEARCH, query="钱学森", results=4)
    flush()
    assert DailySearch.objects.get(query="钱学森").zero_results == 3 * (totals["钱学森"] == 0)


def test_searches_through_the_json_api_count_like_the_page(client):
    """The finding: searches made through /api/v1/search (and /api/search/) were not counted."""
    client.get("/api/v1/search", {"q": "钱学森"}, HTTP_USER_AGENT=DESKTOP)
    client.get("/api/search/", {"q": "茅以升"}, HTTP_USER_AGENT=DESKTOP)
    client.get("/api/search/", {"q": "茅以升", "page": "2"}, HTTP_USER_AGENT=DESKTOP)
    client.get("/api/v1/search", {"q": "钱学森", "page": "2"}, HTTP_USER_AGENT=DESKTOP)
    client.get("/api/v1/search", {"item_type": "letter"}, HTTP_USER_AGENT=DESKTOP)
    client.get("/api/v1/search", {"q": "钱学森"}, HTTP_USER_AGENT=BOT)
    flush()
    assert {r.query: r.searches for r in DailySearch.objects.all()} == {"钱学森": 1, "茅以升": 1}


def test_downloads_and_file_views_count_once_per_reading(client):
    item_file = ItemFileFactory()
    name = derivative_storage().save("tests/web.jpg", ContentFile(b"x" * 2000))
    item_file.technical = {"derivatives": {"web.jpg": {"path": name, "bytes": 2000}}}
    item_file.save()
    master = reverse("media_pipeline:master", args=[item_file.pk, item_file.original_filename])
    web = reverse("media_pipeline:derivative", args=[item_file.pk, "web.jpg"])
    thumb = reverse("media_pipeline:derivative", args=[item_file.pk, "thumb.jpg"])
    assert client.get(master, HTTP_USER_AGENT=DESKTOP).status_code == 200
    client.get(master, HTTP_USER_AGENT=DESKTOP, HTTP_RANGE="bytes=100-")  # a later piece
    client.head(master, HTTP_USER_AGENT=DESKTOP)
    assert client.get(web, HTTP_USER_AGENT=DESKTOP, HTTP_RANGE="bytes=0-").status_code == 206
    client.get(web, HTTP_USER_AGENT=DESKTOP, HTTP_RANGE="bytes=0-1")  # Safari's probe
    client.get(thumb, HTTP_USER_AGENT=DESKTOP)  # a thumbnail is not a reading (and 404 here)
    flush()
    assert views(Kind.DOWNLOAD, item_file.pk) == 1
    assert views(Kind.FILE_VIEW, item_file.pk) == 1


@pytest.mark.parametrize(
    "agent", [BOT, "", "curl/8.5.0", "python-requests/2.32", "Mozilla/5.0 HeadlessChrome/140.0"]
)
def test_robots_and_scripts_are_not_counted(client, agent):
    chapter = ChapterPageFactory()
    beacon(client, token_on(client, chapter.url), agent=agent)
    client.get(reverse("search:page"), {"q": "钱学森"}, HTTP_USER_AGENT=agent)
    assert Hit.objects.count() == 0


def test_no_address_cookie_or_url_is_stored_and_the_salt_goes_with_the_day(client):
    chapter = ChapterPageFactory()
    token = token_on(client, chapter.url)
    client.cookies.clear()
    response = beacon(client, token, referrer="https://mp.weixin.qq.com/s?openid=oABC123")
    assert "Set-Cookie" not in response
    hit = Hit.objects.get()
    stored = " ".join(str(getattr(hit, f.attname)) for f in Hit._meta.fields)
    for secret in (ADDRESS, "oABC123", "openid", DESKTOP, "Chrome"):
        assert secret not in stored
    assert re.fullmatch(r"[0-9a-f]{16}", hit.visitor)
    today = timezone.localdate()
    flush()
    beacon(client, token, "second-visit-nonce", agent=PHONE)  # another browser, another visitor
    beacon(client, token, "third-visit-nonce-")  # the first visitor again
    flush()
    assert DaySalt.objects.filter(day=today).exists()
    flush(today=today + datetime.timedelta(days=1))  # the day has ended
    assert DailyVisitors.objects.get(day=today).visitors == 2
    assert not DaySalt.objects.filter(day=today).exists()
    assert set(Hit.objects.values_list("visitor", flat=True)) == {""}  # hashes gone too
    # The next day's hash of the same visitor is another: days cannot be linked.
    counting._salts.clear()
    later = counting.visitor_hash(today + datetime.timedelta(days=1), ADDRESS, DESKTOP)
    assert later != hit.visitor


def test_forged_malformed_expired_and_replayed_beacons_are_ignored(client, monkeypatch):
    chapter = ChapterPageFactory()
    token = token_on(client, chapter.url)
    url = reverse("analytics:beacon")
    forged = counting.make_token(Kind.PAGE, chapter.pk)[:-3] + "xyz"
    other_kind = signing.TimestampSigner(salt=counting.SIGNING_NAMESPACE).sign("99.1")
    for fields in (
        {"t": forged, "n": "f" * 24},
        {"t": other_kind, "n": "g" * 24},
        {"t": "", "n": "h" * 24},
        {"t": token, "n": "short"},
        {"t": token, "n": "spaces are not a nonce!"},
        {"t": token},
        {"n": "i" * 24, "r": "x" * 5000},
    ):
        response = client.post(url, fields, HTTP_USER_AGENT=DESKTOP)
        assert response.status_code == 204
    big = client.post(
        url, {"t": token, "n": "j" * 24, "pad": "p" * 4000}, HTTP_USER_AGENT=DESKTOP
    )  # longer than a beacon
    assert big.status_code == 204
    assert client.get(url, HTTP_USER_AGENT=DESKTOP).status_code == 405
    assert client.post(url, b"\xff\xfe", content_type="text/plain").status_code == 204
    # A token from a page rendered longer ago than tokens live.
    made = int(time.time()) - counting.token_max_age() - 60
    monkeypatch.setattr(signing.TimestampSigner, "timestamp", lambda self: signing.b62_encode(made))
    expired = counting.make_token(Kind.PAGE, chapter.pk)
    monkeypatch.undo()
    client.post(url, {"t": expired, "n": "k" * 24}, HTTP_USER_AGENT=DESKTOP)
    assert Hit.objects.count() == 0
    # The same beacon twice: counted once, before and after a flush.
    beacon(client, token, "r" * 24)
    beacon(client, token, "r" * 24)
    flush()
    beacon(client, token, "r" * 24)
    flush()
    assert views(Kind.PAGE, chapter.pk) == 1


def test_flush_twice_counts_each_view_once(client):
    chapter = ChapterPageFactory()
    token = token_on(client, chapter.url)
    beacon(client, token, "1" * 24)
    assert flush().rows == 1
    assert flush().rows == 0
    assert views(Kind.PAGE, chapter.pk) == 1
    beacon(client, token, "2" * 24)
    flush()
    assert views(Kind.PAGE, chapter.pk) == 2


def test_aggregation_matches_the_buffer(settings):
    today = timezone.localdate()
    rows = []
    expected_views: Counter = Counter()
    expected_refs: Counter = Counter()
    expected_devices: Counter = Counter()
    expected_search: Counter = Counter()
    expected_zero: Counter = Counter()
    for n in range(600):
        day = today - datetime.timedelta(days=n % 3)
        kind = [Kind.PAGE, Kind.ITEM, Kind.DOWNLOAD, Kind.SEARCH][n % 4]
        if kind == Kind.SEARCH:
            query, results = ["钱学森", "手稿", "无此词"][n % 3], [5, 2, 0][n % 3]
            rows.append(Hit(day=day, kind=kind, query=query, results=results))
            expected_search[(day, query)] += 1
            expected_zero[(day, query)] += results == 0
            continue
        referrer = ["", "baidu.com", "weixin.qq.com"][n % 3] if kind != Kind.DOWNLOAD else ""
        device = [Device.DESKTOP, Device.PHONE, Device.TABLET][n % 5 % 3]
        rows.append(Hit(day=day, kind=kind, object_id=n % 7 + 1, referrer=referrer, device=device))
        expected_views[(day, kind, n % 7 + 1)] += 1
        if kind != Kind.DOWNLOAD:
            expected_devices[(day, device)] += 1
            if referrer:
                expected_refs[(day, referrer)] += 1
    Hit.objects.bulk_create(rows[:250])
    flush(today=today)
    Hit.objects.bulk_create(rows[250:])  # a second batch adds to the same days' rows
    flush(today=today)
    assert (
        Counter({(r.day, r.kind, r.object_id): r.views for r in DailyView.objects.all()})
        == expected_views
    )
    assert Counter({(r.day, r.domain): r.views for r in DailyReferrer.objects.all()}) == (
        expected_refs
    )
    assert Counter({(r.day, r.device): r.views for r in DailyDevice.objects.all()}) == (
        expected_devices
    )
    searches = DailySearch.objects.all()
    assert Counter({(r.day, r.query): r.searches for r in searches}) == expected_search
    assert {(r.day, r.query): r.zero_results for r in searches} == {
        k: expected_zero[k] for k in expected_search
    }
    # Counted rows of days before yesterday have left the buffer; the rest stay for their nonces.
    assert set(Hit.objects.values_list("day", flat=True)) <= {today, today - datetime.timedelta(1)}


def test_a_failing_buffer_never_fails_the_page_or_the_beacon(client, settings):
    settings.ANALYTICS_REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    chapter = ChapterPageFactory()
    token = token_on(client, chapter.url)
    beacon(client, token)
    search = client.get(reverse("search:page"), {"q": "钱学森"}, HTTP_USER_AGENT=DESKTOP)
    assert search.status_code == 200
    assert Hit.objects.count() == 0


def test_the_flush_is_queued_once_a_minute_from_counting(
    client, settings, django_capture_on_commit_callbacks
):
    settings.ANALYTICS_FLUSH_SECONDS = 60  # tests run tasks at once (ImmediateBackend)
    chapter = ChapterPageFactory()
    token = token_on(client, chapter.url)
    with django_capture_on_commit_callbacks(execute=True):
        beacon(client, token, "q" * 24)
    assert views(Kind.PAGE, chapter.pk) == 1  # the first count queued the flush
    with django_capture_on_commit_callbacks(execute=True):
        beacon(client, token, "s" * 24)
    assert views(Kind.PAGE, chapter.pk) == 1  # the next waits for the minute to pass


@pytest.fixture
def redis_url(settings):
    url = os.environ.get("REDIS_TEST_URL", "")
    if not url:
        message = "REDIS_TEST_URL is not set: start scripts/services/redis.sh and export its URL"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    import redis

    client = redis.Redis.from_url(url)
    client.delete("analytics:hits")
    for key in client.scan_iter("analytics:nonce:*"):
        client.delete(key)
    settings.ANALYTICS_REDIS_URL = url
    return url


def test_the_redis_buffer_is_moved_into_the_daily_tables_by_the_flush(client, redis_url):
    chapter = ChapterPageFactory()
    token = token_on(client, chapter.url)
    beacon(client, token, "t" * 24, "https://www.baidu.com/s?wd=x")
    beacon(client, token, "t" * 24)  # a replay: Redis has seen the nonce
    beacon(client, token, "u" * 24)
    assert Hit.objects.count() == 0  # in Redis, not in the table
    flush()
    assert views(Kind.PAGE, chapter.pk) == 2
    assert list(DailyReferrer.objects.values_list("domain", flat=True)) == ["baidu.com"]
    flush()
    assert views(Kind.PAGE, chapter.pk) == 2
