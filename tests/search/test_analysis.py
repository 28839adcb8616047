"""Shared Chinese analysis and the query parser: the rules both engines rely on."""

import pytest

from search import analysis
from search.query import And, Not, Or, Term, parse_query


def test_normalisation_folds_width_case_script_and_tones():
    assert analysis.normalize("ＤＮＡ錢學森Qián") == "dna钱学森qian"
    text, offsets = analysis.normalize_with_offsets("Ａ錢ﬁ")
    assert text == "a钱fi" and offsets == [0, 1, 2, 2]


def test_cjk_stream_interleaves_unigrams_and_bigrams():
    assert analysis.index_tokens("钱学森") == ["钱", "钱学", "学", "学森", "森"]
    assert analysis.index_tokens("1956年规划 DNA") == [
        "1956",
        "年",
        "年规",
        "规",
        "规划",
        "划",
        "dna",
    ]


@pytest.mark.parametrize("text", ["钱学森在加州理工学院写成手稿", "DNA双螺旋结构1956年"])
def test_every_substring_phrase_is_contiguous_in_the_index_stream(text):
    stream = analysis.index_tokens(text)
    joined = " " + " ".join(stream) + " "
    for start in range(len(text)):
        for end in range(start + 1, len(text) + 1):
            needle = text[start:end]
            if needle != needle.strip() or not analysis.cjk_char(needle[0]):
                continue
            if not all(analysis.cjk_char(c) for c in needle):
                continue
            phrase = analysis.phrase_tokens(needle)
            assert " " + " ".join(phrase) + " " in joined, needle


def test_name_keys_ignore_spacing_tones_and_case():
    keys = {
        analysis.name_key(n)
        for n in ["Qian Xuesen", "qián xué sēn", "QIANXUESEN", "qian2 xue2 sen1"]
    }
    assert keys == {"qianxuesen"}
    assert analysis.name_key("Tsien Hsue-shen") == "tsienhsueshen"
    forms = analysis.name_forms("钱学森", ["Tsien Hsue-shen"])
    assert {"钱学森", "qian xuesen", "qian xue sen", "qianxuesen", "tsienhsueshen"} <= set(forms)


def test_jieba_cache_is_not_in_tmpdir(tmp_path, monkeypatch):
    import tempfile

    path = analysis._jieba_cache_path()
    assert not str(path).startswith(tempfile.gettempdir())
    monkeypatch.setenv("JIEBA_CACHE_DIR", str(tmp_path))
    assert analysis._jieba_cache_path() == tmp_path / "jieba.cache"


def test_ranking_tokens_segment_words():
    assert "加州理工学院" in analysis.ranking_tokens("钱学森在加州理工学院")


def test_parser_structure():
    root = parse_query('"学术成长" OR title:手稿 -书信').root
    assert isinstance(root, And)
    assert isinstance(root.children[0], Or)
    assert isinstance(root.children[1], Not)
    term = root.children[0].children[1]
    assert isinstance(term, Term) and term.field == "title"
    grouped = parse_query("钱学森 (手稿 OR 书信)").root
    assert isinstance(grouped, And) and isinstance(grouped.children[1], Or)


@pytest.mark.parametrize(
    "text",
    [
        '"',
        "(",
        ")",
        "title:(",
        "*:*",
        "OR OR",
        "NOT",
        "-",
        "😀",
        "\x00",
        "title:",
        "((钱",
        "钱))",
        "“钱",
    ],
)
def test_parser_is_tolerant(text):
    parsed = parse_query(text)
    assert parsed.root is None or parsed.positive_terms()


def test_parser_limits_length_and_terms():
    parsed = parse_query("钱 " * 2000)
    assert parsed.truncated
    many = parse_query(" ".join(f"w{i}" for i in range(100)))
    assert "terms" in many.warnings
    assert parse_query("-钱学森").warnings == ["only_negative"]
