"""Archive blocks show live records through the access policy; bad input never breaks a page."""

from datetime import timedelta

import pytest
from django.utils import timezone
from wagtail.blocks import StructBlockValidationError

from exhibits.blocks import OralHistoryClipBlock, parse_timecode
from tests.factories import InterviewFactory, ItemFactory, TranscriptSegmentFactory
from tests.pages import exhibition_tree, item_block, stream

from .conftest import scan_file

pytestmark = pytest.mark.django_db
NOTICE = 'class="restricted-notice"'  # markup, not wording: the catalogue translates it


def chapter_with(*blocks):
    _index, _exhibition, chapters = exhibition_tree([stream(*blocks)])
    return chapters[0]


def get(client, page):
    response = client.get(page.url)
    assert response.status_code == 200
    return response.content.decode()


def test_item_embed_shows_the_live_record(client):
    item = ItemFactory(title="致力学研究所筹建组同事的信", date_text="1956年3月")
    scan_file(item)
    chapter = chapter_with(item_block(item, "策展人的说明"))
    html = get(client, chapter)
    assert "致力学研究所筹建组同事的信" in html and "1956年3月" in html
    assert item.get_absolute_url() in html
    assert f"/files/{item.files.get().pk}/derivatives/thumb.jpg" in html
    item.title = "致力学研究所筹建组同事的信（更正）"
    item.save()
    assert "（更正）" in get(client, chapter)  # a corrected record updates the exhibit


def test_item_embargoed_after_publishing_shows_a_neutral_notice(client, staff_user):
    item = ItemFactory(title="尚在限制期内的手稿")
    chapter = chapter_with(item_block(item))
    item.embargo_until = timezone.localdate() + timedelta(days=30)
    item.save()
    html = get(client, chapter)
    assert NOTICE in html and "尚在限制期内的手稿" not in html and item.identifier not in html
    client.force_login(staff_user)
    staff_html = get(client, chapter)
    assert "尚在限制期内的手稿" in staff_html and "badge--restricted" in staff_html


def test_deleted_item_and_researcher_item(client, researcher):
    gone = ItemFactory(title="已删除的记录")
    closed = ItemFactory(title="研究人员可见的信", access_level="researchers")
    chapter = chapter_with(item_block(gone), item_block(closed))
    gone.delete()
    html = get(client, chapter)
    assert html.count(NOTICE) == 2 and "已删除的记录" not in html and "研究人员可见的信" not in html
    client.force_login(researcher)
    assert "研究人员可见的信" in get(client, chapter)


def test_pull_quote_from_a_hidden_source_is_not_shown(client):
    source = ItemFactory(title="私人信件", access_level="staff")
    chapter = chapter_with(
        {
            "type": "pull_quote",
            "value": {
                "quote": "不可泄露的原话",
                "speaker": "某人",
                "item": source.pk,
                "interview": None,
            },
        }
    )
    html = get(client, chapter)
    assert NOTICE in html and "不可泄露的原话" not in html and "私人信件" not in html


def test_clip_plays_its_span_with_only_its_transcript_lines(client):
    interview = InterviewFactory()
    for n, words in enumerate(["开场白", "回国以后的工作", "筹建研究所", "结束语"]):
        TranscriptSegmentFactory(
            interview=interview, start_ms=n * 10_000, end_ms=n * 10_000 + 9_000, text=words
        )
    chapter = chapter_with(
        {
            "type": "clip",
            "value": {
                "interview": interview.pk,
                "start": "00:10",
                "end": "00:29",
                "caption": "回国",
            },
        }
    )
    html = get(client, chapter)
    assert "回国以后的工作" in html and "筹建研究所" in html
    assert "开场白" not in html and "结束语" not in html
    assert 'class="clip__missing"' in html  # no audio file attached to this interview


def test_timecodes_and_clip_validation():
    assert parse_timecode("1:02:03") == 3_723_000
    assert parse_timecode("02:03") == 123_000
    assert parse_timecode("12.5") == 12_500
    with pytest.raises(ValueError):
        parse_timecode("半分钟")
    with pytest.raises(ValueError):
        parse_timecode("00:75")
    block = OralHistoryClipBlock()
    interview = InterviewFactory()
    with pytest.raises(StructBlockValidationError) as info:
        block.clean(
            block.to_python(
                {"interview": interview.pk, "start": "00:30", "end": "00:10", "caption": ""}
            )
        )
    assert "end" in info.value.block_errors


def deep_zoom_chapter(item, missing):
    return chapter_with(
        {
            "type": "deep_zoom",
            "value": {
                "item": item.pk,
                "page": 1,
                "x": 10,
                "y": 20,
                "width": 50,
                "height": 40,
                "alt": "页边演算",
                "caption": "",
            },
        },
        {
            "type": "deep_zoom",
            "value": {
                "item": missing.pk,
                "page": 1,
                "x": 0,
                "y": 0,
                "width": 50,
                "height": 50,
                "alt": "无",
                "caption": "",
            },
        },
    )


def test_deep_zoom_crops_the_web_copy_and_opens_the_viewer_on_the_region(client):
    item = ItemFactory(title="计算手稿")
    scan = scan_file(item, width=2000, height=1000)
    chapter = deep_zoom_chapter(item, ItemFactory(title="没有扫描件的手稿"))
    html = get(client, chapter)
    assert f"/files/{scan.pk}/derivatives/web.jpg" in html and 'alt="页边演算"' in html
    assert "aspect-ratio: 100000 / 40000" in html and "left: -20.0000%" in html
    # The region, as fractions of the page, outlined in the item's deep-zoom viewer.
    zoom = f"{item.get_absolute_url()}?file={scan.pk}&amp;page=1&amp;hlr=0.1%2C0.2%2C0.5%2C0.4"
    assert f'href="{zoom}"' in html
    assert 'class="deep-zoom__missing"' in html  # the item without a scan


def test_timeline_sorts_on_parsed_dates_and_hides_invisible_items(client):
    early = ItemFactory(title="民国时期的信", date_text="民国三十六年")
    hidden = ItemFactory(title="限制信件", date_text="1950", access_level="staff")
    chapter = chapter_with(
        {
            "type": "timeline",
            "value": {
                "heading": "大事记",
                "events": [
                    {
                        "label": "原子弹",
                        "date_text": "1964年10月16日",
                        "description": "",
                        "item": None,
                    },
                    {"label": "家书", "date_text": "", "description": "", "item": early.pk},
                    {"label": "限制", "date_text": "", "description": "", "item": hidden.pk},
                ],
            },
        }
    )
    html = get(client, chapter)
    assert html.index("民国三十六年") < html.index("1964年10月16日") < html.index("限制")
    assert "限制信件" not in html


def test_long_titles_mixed_scripts_and_empty_chapter_render(client):
    long_title = "钱学森 Qian Hsue-shen 錢學森 とカルマン " * 12
    item = ItemFactory(title=long_title[:500], description="Ελληνικά، العربية")
    _index, exhibition, chapters = exhibition_tree([stream(item_block(item)), stream()])
    assert "Qian Hsue-shen 錢學森" in get(client, chapters[0])
    assert 'class="empty"' in get(client, chapters[1])
    assert "第2章" in get(client, exhibition)


def test_query_count_does_not_grow_with_embeds(client):
    from django.db import connection

    items = [ItemFactory() for _ in range(40)]
    for it in items:
        scan_file(it)
    _i, _e, (few, many) = exhibition_tree(
        [stream(*[item_block(i) for i in items[:5]]), stream(*[item_block(i) for i in items])]
    )
    counts = []
    for page in (few, many):
        client.get(page.url)  # warm caches (site root paths)
        executed = []
        with connection.execute_wrapper(
            lambda run, sql, *a, log=executed: log.append(sql) or run(sql, *a)
        ):
            assert client.get(page.url).content.count(b'class="item-card"') in (5, 40)
        counts.append(len(executed))
    assert counts[0] == counts[1] > 0, counts
