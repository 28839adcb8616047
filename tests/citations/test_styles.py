"""Each style for each kind of record, as hand-checked strings; the record they come from."""

from __future__ import annotations

import datetime
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.cache import cache
from django.test import RequestFactory

from archive_collections.citations import styles
from archive_collections.citations.archival import archival_citation, book_title
from archive_collections.citations.pages import item_block, scientist_block
from archive_collections.citations.record import item_citable
from archive_collections.citations.styles import STYLES, render

pytestmark = pytest.mark.django_db

BASE = "http://testserver/archive/items"
HOLDER = "上海交通大学钱学森图书馆"

# (record, GB/T 7714-2015, Chicago, APA). GB/T: 主要责任者. 题名: 档号[文献类型标识/OL]. 收藏单位,
# 年[引用日期]. 获取路径. — archival records are [A], the publication [M], an estimated year in [ ].
EXPECTED = {
    "manuscript": (
        f"钱学森. 《工程控制论》中文译本: QXS-001[A/OL]. {HOLDER}, 1956[2026-11-03]. "
        f"{BASE}/QXS-001/.",
        f"钱学森. “《工程控制论》中文译本”. 钱学森档案. March 1956. QXS-001. 手稿与书信. {HOLDER}. "
        f"{BASE}/QXS-001/.",
        f"钱学森. (1956). 《工程控制论》中文译本. 手稿与书信 (QXS-001), {HOLDER}. {BASE}/QXS-001/",
    ),
    "letter": (
        f"钱学森, 蒋英. 致周培源的信: QXS-002[A/OL]. {HOLDER}, [1950][2026-11-03]. "
        f"{BASE}/QXS-002/.",
        f"钱学森, and 蒋英. “致周培源的信”. 钱学森档案. [1950?]. QXS-002. 手稿与书信. {HOLDER}. "
        f"{BASE}/QXS-002/.",
        f"钱学森, & 蒋英. (ca. 1950). 致周培源的信 [Letter]. 手稿与书信 (QXS-002), {HOLDER}. "
        f"{BASE}/QXS-002/",
    ),
    "photograph": (
        f"新华社. 钱学森回国抵达深圳[A/OL]. {HOLDER}, 1955[2026-11-03]. {BASE}/QXS-003/.",
        f"新华社. 钱学森回国抵达深圳. 钱学森档案. October 8, 1955. {HOLDER}, 手稿与书信, QXS-003. "
        f"{BASE}/QXS-003/.",
        f"新华社. (1955). 钱学森回国抵达深圳 [Graphic]. 手稿与书信 (QXS-003), {HOLDER}. "
        f"{BASE}/QXS-003/",
    ),
    "certificate": (
        f"学位证书[A/OL]. {HOLDER}, 1950–1959[2026-11-03]. {BASE}/QXS-004/.",
        f"“学位证书”. 钱学森档案. 1950–1959. QXS-004. 手稿与书信. {HOLDER}. {BASE}/QXS-004/.",
        f"学位证书 (钱学森档案). (1950–1959). 手稿与书信 (QXS-004), {HOLDER}. {BASE}/QXS-004/",
    ),
    "publication": (
        f"钱学森. 工程控制论[M/OL]. {HOLDER}, 1958[2026-11-03]. {BASE}/QXS-005/.",
        f"钱学森. 工程控制论. 钱学森档案. 1958. QXS-005. 手稿与书信. {HOLDER}. {BASE}/QXS-005/.",
        f"钱学森. (1958). 工程控制论. 手稿与书信 (QXS-005), {HOLDER}. {BASE}/QXS-005/",
    ),
    "object": (
        f"计算尺[A/OL]. {HOLDER}, [2026][2026-11-03]. {BASE}/QXS-006/.",
        f"“计算尺”. 钱学森档案. n.d. QXS-006. 手稿与书信. {HOLDER}. Accessed November 3, 2026. "
        f"{BASE}/QXS-006/.",
        f"计算尺 (钱学森档案). (n.d.). 手稿与书信 (QXS-006), {HOLDER}. Retrieved November 3, 2026, "
        f"from {BASE}/QXS-006/",
    ),
}


def _texts(block) -> tuple[str, ...]:
    return tuple(rendered.text for rendered in block.styles)


@pytest.mark.parametrize("kind", sorted(EXPECTED))
def test_each_item_type_in_each_style(qian, kind):
    block = item_block(RequestFactory().get("/"), qian[kind], None)
    assert _texts(block) == EXPECTED[kind]


def test_gb_t_7714_comes_first_and_every_style_is_labelled():
    assert [style.label for style in STYLES] == [
        "GB/T 7714-2015",
        "Chicago (18th ed.)",
        "APA (7th ed.)",
    ]


def test_interview_names_the_interviewee_as_author_and_the_interviewers(qian):
    interview = qian["interview"]
    block = item_block(RequestFactory().get("/"), interview.item, interview)
    url = f"{BASE}/QXS-KS-001/"
    assert _texts(block) == (
        f"钱学森. 钱学森口述访谈[A/OL]. {HOLDER}, 1990[2026-11-03]. {url}.",
        f"钱学森. “钱学森口述访谈”. Interview by 张三 and 李四. 钱学森档案, May 3, 1990. 01:00:00. "
        f"QXS-KS-001. 手稿与书信. {HOLDER}. {url}.",
        f"钱学森. (1990, May 3). 钱学森口述访谈 (张三 & 李四, interviewers). 钱学森档案. "
        f"手稿与书信 (QXS-KS-001), {HOLDER}. {url}",
    )


def test_a_cited_moment_carries_its_time_and_links_to_it(qian):
    interview = qian["interview"]
    block = item_block(RequestFactory().get("/", {"t": "1:05"}), interview.item, interview)
    url = f"{BASE}/QXS-KS-001/interview/?t=65"
    assert block.moment == "00:01:05"
    gb, chicago, apa = _texts(block)
    assert gb == f"钱学森. 钱学森口述访谈, 00:01:05[A/OL]. {HOLDER}, 1990[2026-11-03]. {url}."
    assert "“钱学森口述访谈, 00:01:05”" in chicago and chicago.endswith(f"{url}.")
    assert "钱学森口述访谈, 00:01:05 (张三 & 李四, interviewers)" in apa
    assert [url for _label, url in block.downloads][0].endswith("/cite.ris?t=65")


def test_a_moment_the_player_would_not_accept_is_not_cited(qian):
    interview = qian["interview"]
    block = item_block(RequestFactory().get("/", {"t": "soon"}), interview.item, interview)
    assert block.moment == "" and block.url == f"{BASE}/QXS-KS-001/"


def test_scientist_is_cited_as_the_archive_authority_page(qian):
    block = scientist_block(RequestFactory().get("/"), qian["scientist"])
    url = "http://testserver/archive/scientists/qian-xuesen/"
    site = "老科学家学术成长资料采集工程 · 档案与展览"
    title = f"钱学森（{qian['scientist'].life_dates}）"
    assert _texts(block) == (
        f"{HOLDER}. {title}[EB/OL]. [2026-11-03]. {url}.",
        f"{HOLDER}. “{title}”. {site}. Accessed November 3, 2026. {url}.",
        f"{HOLDER}. (n.d.). {title}. {site}. Retrieved November 3, 2026, from {url}",
    )


def test_title_with_book_marks_is_not_wrapped_again(qian):
    """The old item-page citation printed 钱学森：《《工程控制论》中文译本》."""
    text = archival_citation(
        item_citable(qian["manuscript"], "https://example.org/x/", datetime.date(2026, 11, 3))
    )
    assert text.startswith(
        "钱学森：《工程控制论》中文译本，1956年3月，《钱学森档案》，档号：QXS-001，"
    )
    assert "《《" not in text and "》》" not in text
    assert book_title("工程控制论") == "《工程控制论》"
    assert book_title("论《工程控制论》") == "论《工程控制论》"


def test_no_style_wraps_a_marked_title_again(qian):
    block = item_block(RequestFactory().get("/"), qian["manuscript"], None)
    for text in (*_texts(block), block.archival):
        assert "《《" not in text, text


def test_threads_render_their_own_entries(qian):
    """A parsed style keeps per-render state, so each thread parses its own."""
    blocks = {kind: item_block(RequestFactory().get("/"), qian[kind], None) for kind in EXPECTED}
    cache.clear()
    with ThreadPoolExecutor(max_workers=4) as pool:
        texts = pool.map(lambda b: tuple(render(b.citable, s) for s in STYLES), blocks.values())
        rendered = dict(zip(blocks, texts, strict=True))
    assert rendered == EXPECTED


def test_a_rendered_entry_is_served_from_the_cache(qian, monkeypatch):
    citable = item_block(RequestFactory().get("/"), qian["letter"], None).citable
    first = render(citable, STYLES[0])
    monkeypatch.setattr(styles, "_render", lambda *args: pytest.fail("rendered again"))
    assert render(citable, STYLES[0]) == first
