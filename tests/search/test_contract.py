"""The search contract, run against every engine (the `engine` fixture)."""

import pytest

from archive_collections.access import AccessPolicy
from search.analysis import to_traditional
from search.contract import SearchQuery

pytestmark = pytest.mark.django_db


@pytest.fixture
def public():
    return AccessPolicy.anonymous()


@pytest.fixture
def staff(staff_user):
    return AccessPolicy.for_user(staff_user)


def run(engine, policy, text="", **kwargs):
    return engine.search(SearchQuery(text=text, **kwargs), policy)


def keys(results):
    return {g.key for g in results.groups}


def item_key(item):
    return f"item:{item.pk}"


# --- recall on Chinese -------------------------------------------------------------------------

SOURCE = "钱学森在加州理工学院写成的手稿，记录学术成长。科学家的责任。"


@pytest.mark.parametrize("length", [1, 2, 3, 4, 6, 9])
def test_every_substring_of_every_length_is_found(engine, indexed, public, length):
    from search.documents import item_documents

    engine.clear()
    documents = item_documents(indexed.manuscript)
    for doc in documents:
        doc.body = SOURCE if doc.kind == "item" else doc.body
    engine.index_documents(documents)
    getattr(engine, "refresh", lambda: None)()
    text = "".join(ch for ch in SOURCE if ch not in "，。")
    misses = []
    for start in range(0, len(text) - length + 1):
        needle = text[start : start + length]
        if needle not in SOURCE:
            continue  # spans punctuation
        if item_key(indexed.manuscript) not in keys(run(engine, public, f'"{needle}"')):
            misses.append(needle)
    assert misses == []


@pytest.mark.parametrize("word", ["科学家", "钱学森", "手稿", "学术成长", "理工学院", "学", "森"])
def test_known_words_are_found(engine, indexed, public, word):
    assert item_key(indexed.manuscript) in keys(run(engine, public, word)) or word == "科学家"
    if word == "科学家":
        assert item_key(indexed.letter) in keys(run(engine, public, word))


def test_traditional_query_finds_simplified_text(engine, indexed, public):
    assert item_key(indexed.manuscript) in keys(run(engine, public, to_traditional("学术成长")))
    assert item_key(indexed.manuscript) in keys(run(engine, public, "學術成長"))


def test_simplified_query_finds_traditional_text(engine, indexed, public):
    found = keys(run(engine, public, "导弹与火箭"))
    assert item_key(indexed.traditional) in found


def test_full_width_and_case_fold(engine, indexed, public):
    assert item_key(indexed.dna) in keys(run(engine, public, "ＤＮＡ"))
    assert item_key(indexed.dna) in keys(run(engine, public, "dna"))
    assert item_key(indexed.dna) in keys(run(engine, public, "full-WIDTH"))


@pytest.mark.parametrize(
    "name",
    [
        "qianxuesen",
        "Qian Xuesen",
        "qián xué sēn",
        "QIAN XUE SEN",
        "Tsien Hsue-shen",
        "tsien hsue shen",
        "錢學森",
    ],
)
def test_names_in_pinyin_and_variants_find_the_scientist(engine, indexed, public, name):
    found = keys(run(engine, public, name))
    assert f"scientist:{indexed.qian.pk}" in found
    assert item_key(indexed.letter) in found  # items carry their scientists' name forms


def test_mixed_queries(engine, indexed, public):
    assert item_key(indexed.letter) in keys(run(engine, public, "1956年 规划"))
    assert item_key(indexed.dna) in keys(run(engine, public, "DNA 双螺旋"))
    assert item_key(indexed.dna) in keys(run(engine, public, "DNA双螺旋"))


# --- query language ----------------------------------------------------------------------------


def test_phrase_is_exact(engine, indexed, public):
    assert item_key(indexed.manuscript) in keys(run(engine, public, '"加州理工学院"'))
    assert item_key(indexed.manuscript) not in keys(run(engine, public, '"理工加州"'))


def test_and_or_not(engine, indexed, public):
    both = keys(run(engine, public, "钱学森 书信"))
    assert item_key(indexed.letter) in both and item_key(indexed.manuscript) not in both
    either = keys(run(engine, public, "工程控制论 OR 双螺旋"))
    assert {item_key(indexed.manuscript), item_key(indexed.dna)} <= either
    without = keys(run(engine, public, "钱学森 -书信"))
    assert item_key(indexed.letter) not in without and item_key(indexed.manuscript) in without
    without = keys(run(engine, public, "钱学森 NOT 书信"))
    assert item_key(indexed.letter) not in without


def test_field_restriction(engine, indexed, public):
    titled = keys(run(engine, public, "title:手稿"))
    assert item_key(indexed.manuscript) in titled
    assert item_key(indexed.letter) not in titled
    by_scientist = keys(run(engine, public, "scientist:李四光"))
    assert by_scientist >= {item_key(indexed.dna)}
    assert item_key(indexed.letter) not in by_scientist
    assert item_key(indexed.letter) in keys(run(engine, public, "type:书信"))
    assert item_key(indexed.letter) in keys(run(engine, public, '标题:"致友人"'))


# --- facets, dates, sort, pagination ------------------------------------------------------------


def facet(results, name):
    return {v.value: v.count for v in results.facets[name]}


def test_facets_count_groups(engine, indexed, public):
    results = run(engine, public, "钱学森")
    types = facet(results, "type")
    assert types["letter"] == 2  # the letter and the expired embargo one? only if matched
    assert "manuscript" in types
    assert facet(results, "scientist")["qian-xuesen"] >= 3
    assert facet(results, "fonds")["F-QXS"] >= 3
    assert "1950" in facet(results, "decade")
    assert facet(results, "discipline")["力学"] >= 1
    assert "zh-Hans" in facet(results, "language")
    assert facet(results, "has_transcript")["true"] == 1
    assert facet(results, "has_scan")["true"] >= 1


@pytest.mark.parametrize(
    "name,value,expected",
    [
        ("type", "letter", "letter"),
        ("scientist", "li-siguang", "dna"),
        ("fonds", "F-LSG", "dna"),
        ("decade", "1950", "manuscript"),
        ("discipline", "力学", "letter"),
        ("language", "en", "dna"),
        ("has_transcript", "true", None),
        ("has_scan", "true", "manuscript"),
    ],
)
def test_each_facet_filters(engine, indexed, public, name, value, expected):
    results = run(engine, public, "", filters={name: [value]})
    assert results.total >= 1
    if expected:
        assert item_key(getattr(indexed, expected)) in keys(results)
    else:
        assert keys(results) == {item_key(indexed.interview.item)}
    for group in results.groups:
        assert group.kind in ("item", "scientist", "exhibit")
    # the selected facet keeps its siblings visible
    assert any(v.selected for v in results.facets[name])


def test_date_range_on_parsed_years(engine, indexed, public):
    found = keys(run(engine, public, "", year_from=1950, year_to=1959))
    assert {item_key(indexed.letter), item_key(indexed.manuscript)} <= found
    assert item_key(indexed.traditional) not in found
    assert item_key(indexed.dna) not in found


def test_sort_by_date(engine, indexed, public):
    asc = run(engine, public, "钱学森", sort="date_asc", kinds=("item",))
    years = [g.date_text for g in asc.groups]
    assert years.index("1954年") < years.index("1956年") < years.index("1962年")
    desc = run(engine, public, "钱学森", sort="date_desc", kinds=("item",))
    assert [g.key for g in desc.groups][0] == item_key(indexed.interview.item)


def test_pagination(engine, indexed, public):
    first = run(engine, public, "钱学森", per_page=2, page=1)
    second = run(engine, public, "钱学森", per_page=2, page=2)
    assert first.total == second.total >= 5
    assert len(first.groups) == 2 and len(second.groups) == 2
    assert not keys(first) & keys(second)
    beyond = run(engine, public, "钱学森", per_page=2, page=99)
    assert beyond.groups == [] and beyond.total == first.total


# --- hits, highlighting, grouping ---------------------------------------------------------------


def test_ocr_page_hit_links_to_item_page(engine, indexed, public):
    results = run(engine, public, "基本概念")
    group = next(g for g in results.groups if g.key == item_key(indexed.manuscript))
    hit = next(h for h in group.hits if h.kind == "page")
    assert hit.page_number == 3  # shown as the item's page 3: second file, first page
    second = indexed.manuscript.files.get(sequence=2)
    # The link names the file and its page, which the viewer opens exactly.
    assert hit.url.startswith(f"{indexed.manuscript.get_absolute_url()}?file={second.pk}&page=1&")
    assert "<mark>基本概念</mark>" in hit.snippet
    assert hit.line_boxes == [[0.1, 0.1, 0.8, 0.025]]


def test_transcript_hit_links_to_time(engine, indexed, public):
    results = run(engine, public, "火箭推进")
    group = next(g for g in results.groups if g.key == item_key(indexed.interview.item))
    hit = next(h for h in group.hits if h.kind == "segment")
    assert hit.start_ms == 754_000 and hit.timecode == "00:12:34"
    assert hit.url == indexed.interview.item.get_absolute_url() + "?t=754"
    assert "<mark>火箭推进</mark>" in hit.snippet


def test_index_segment_hit(engine, indexed, public):
    group = next(
        g
        for g in run(engine, public, "回国历程").groups
        if g.key == item_key(indexed.interview.item)
    )
    assert any(h.kind == "index" and h.url.endswith("?t=120") for h in group.hits)


def test_one_group_per_item(engine, indexed, public):
    results = run(engine, public, "钱学森")
    assert len(keys(results)) == len(results.groups)
    oral = next(g for g in results.groups if g.key == item_key(indexed.interview.item))
    assert oral.hit_count >= 1 and oral.title == "钱学森口述访谈"


def test_snippets_are_escaped(engine, indexed, public):
    indexed.manuscript.description = "<script>alert(1)</script> 学术成长"
    indexed.manuscript.save()
    from search.documents import item_documents

    engine.replace_group(item_key(indexed.manuscript), item_documents(indexed.manuscript))
    getattr(engine, "refresh", lambda: None)()
    results = run(engine, public, "学术成长")
    snippets = " ".join(h.snippet for g in results.groups for h in g.hits)
    assert "<script>" not in snippets and "&lt;script&gt;" in snippets
    assert "<mark>学术成长</mark>" in snippets


def test_traditional_text_highlighted_for_simplified_query(engine, indexed, public):
    results = run(engine, public, "火箭的发展")
    group = next(g for g in results.groups if g.key == item_key(indexed.traditional))
    assert "<mark>火箭的發展</mark>" in group.hits[0].snippet


# --- autocomplete -------------------------------------------------------------------------------


def test_autocomplete_names_and_titles(engine, indexed, public):
    texts = [c.text for c in engine.autocomplete("钱学", public)]
    assert texts[0] == "钱学森"
    assert "钱学森致友人的书信" in texts
    assert "钱学森" in [c.text for c in engine.autocomplete("qian", public)]
    assert "钱学森" in [c.text for c in engine.autocomplete("Tsien", public)]
    assert engine.autocomplete("", public) == []


# --- access -------------------------------------------------------------------------------------


HIDDEN = ("restricted", "staff_only", "embargoed")


def test_hidden_items_never_in_results(engine, indexed, public):
    for text in ("钱学森", "手稿", "档案内容", "导弹秘密", "火箭试验"):
        found = keys(run(engine, public, text))
        for name in HIDDEN:
            assert item_key(getattr(indexed, name)) not in found
        assert item_key(indexed.restricted_interview.item) not in found
    assert item_key(indexed.old_embargo) in keys(run(engine, public, "解禁"))


def test_hidden_items_not_in_totals(engine, indexed, public, staff):
    assert run(engine, public, "档案内容").total == 0
    assert run(engine, staff, "档案内容").total == 3
    assert run(engine, public, "导弹秘密").total == 0


def test_hidden_items_not_in_facet_counts(engine, indexed, public, staff):
    public_counts = facet(run(engine, public, "手稿"), "type")
    staff_counts = facet(run(engine, staff, "手稿"), "type")
    assert staff_counts["manuscript"] == public_counts["manuscript"] + 2


def test_hidden_text_not_in_snippets(engine, indexed, public):
    results = run(engine, public, "钱学森")
    snippets = " ".join(h.snippet for g in results.groups for h in g.hits)
    titles = " ".join(g.title for g in results.groups)
    for secret in ("绝密", "内部", "封存", "秘密档案"):
        assert secret not in snippets and secret not in titles


def test_hidden_items_not_in_autocomplete(engine, indexed, public, staff):
    texts = [c.text for c in engine.autocomplete("钱学森", public, limit=20)]
    assert "钱学森绝密手稿" not in texts and "钱学森封存书信" not in texts
    staff_texts = [c.text for c in engine.autocomplete("钱学森", staff, limit=20)]
    assert "钱学森封存书信" in staff_texts


def test_researcher_sees_researcher_level(engine, indexed, researcher):
    policy = AccessPolicy.for_user(researcher)
    found = keys(run(engine, policy, "钱学森"))
    assert item_key(indexed.restricted) in found
    assert item_key(indexed.staff_only) not in found and item_key(indexed.embargoed) not in found


# --- bad input ----------------------------------------------------------------------------------

BAD = [
    "",
    "   ",
    '"',
    "'",
    "“",
    "(",
    ")",
    "((",
    "[",
    "]",
    "{",
    "}",
    "title:(",
    "title:",
    "*:*",
    "OR OR",
    "AND",
    "NOT",
    "-",
    "--",
    'title:"',
    "\x00\x01\x1f",
    "😀🎉",
    "钱学森😀",
    "a" * 10240,
    "钱" * 10240,
    "NEAR(钱 学)",
    "钱 *",
    "^",
    "\\",
    "'; DROP TABLE x; --",
    "{title}:x",
    "Привет 钱学森 Ωμέγα عربى",
    "title:(钱学森 OR",
    ":",
    "::",
    '"""',
    "NOT 钱学森",
]


@pytest.mark.parametrize("text", BAD, ids=[repr(b[:12]) for b in BAD])
def test_bad_input_never_raises(engine, indexed, public, text):
    results = run(engine, public, text)
    assert results.total >= 0
    engine.autocomplete(text, public)


def test_injected_syntax_is_searched_as_text(engine, indexed, public):
    assert run(engine, public, "*:*").total == 0
    assert item_key(indexed.manuscript) in keys(run(engine, public, "title:(工程控制论"))
