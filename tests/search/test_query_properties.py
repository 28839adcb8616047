"""Properties of the query parser (search/query.py) over generated text.

- Any text (up to the cap and past it) parses or raises QueryTooNested, the parser's one
  documented error, and it raises exactly when brackets outside quotes nest deeper than
  MAX_NESTING.
- A quoted phrase is one exact term, whatever operators, brackets or field names it holds.
- Writing a parsed query back as text (terms as typed, OR between alternatives, NOT before
  exclusions, brackets where a group was) and parsing that gives the same tree.
"""

from __future__ import annotations

from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from search import analysis
from search.query import (
    _AND_WORDS,
    _NOT_WORDS,
    _OPEN_QUOTES,
    _OR_WORDS,
    FIELD_ALIASES,
    FIELDS,
    MAX_NESTING,
    MAX_QUERY_CHARS,
    Node,
    Not,
    Or,
    QueryError,
    QueryTooNested,
    Term,
    parse_query,
)

PROPERTY = settings(
    max_examples=300,
    deadline=None,  # a shared, loaded machine; jieba's first call loads its dictionary
    database=None,  # nothing written into the tree: failures found become @example lines
    suppress_health_check=[HealthCheck.too_slow],
)

# Pieces of the syntax, so generated text is mostly made of what the parser reacts to.
SYNTAX = [
    "(",
    ")",
    "（",
    "）",
    *_OPEN_QUOTES,
    *_OPEN_QUOTES.values(),
    "-",
    "－",
    ":",
    "：",
    " ",
    "　",
    "\t",
    "OR",
    "or",
    "|",
    "或",
    "AND",
    "&",
    "和",
    "NOT",
    "!",
    "非",
    "title:",
    "作者：",
    "科学家:",
    "type:",
    "unknown:",
    "钱学森",
    "手稿",
    "錢學森",
    "DNA",
    "qian",
    "1956",
    "\x00",
    "\u200b",
]
fragments = st.one_of(st.sampled_from(SYNTAX), st.text(max_size=4))
query_text = st.lists(fragments, max_size=150).map("".join)
# Text past the cap: the parser reads only the first MAX_QUERY_CHARS characters.
long_text = st.lists(st.sampled_from(SYNTAX), min_size=300, max_size=600).map("".join)

PHRASE_SAFE = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cs", "Cc"),
        blacklist_characters="".join(_OPEN_QUOTES) + "".join(_OPEN_QUOTES.values()),
    ),
    min_size=1,
    max_size=40,
)


def bracket_depth(text: str) -> int:
    """How deep brackets outside quotes nest, read as the syntax states: a quote runs to its
    closing mark (or the end), a ")" with no "(" open is ignored."""
    depth = deepest = 0
    i = 0
    while i < len(text):
        ch = text[i]
        if ch in _OPEN_QUOTES:
            end = text.find(_OPEN_QUOTES[ch], i + 1)
            i = len(text) if end == -1 else end + 1
            continue
        if ch in "(（":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in ")）":
            depth = max(depth - 1, 0)
        i += 1
    return deepest


@settings(PROPERTY, max_examples=150)  # long texts cost jieba a few ms each
@given(st.one_of(query_text, long_text))
@example("(NOT)" * (MAX_NESTING + 1) + "x")
@example("(" * (MAX_NESTING + 1))
@example("title:(" * MAX_NESTING + "x")
def test_only_the_documented_error_and_only_for_deep_brackets(text):
    read = text[:MAX_QUERY_CHARS]
    try:
        parsed = parse_query(text)
    except QueryError as error:
        assert isinstance(error, QueryTooNested)
        assert bracket_depth(read) > MAX_NESTING
        assert str(MAX_NESTING) in error.message
        return
    assert bracket_depth(read) <= MAX_NESTING
    assert parsed.truncated == (len(text) > MAX_QUERY_CHARS)
    assert len(parsed.text) <= MAX_QUERY_CHARS
    # What the highlighter and the engines read from the tree is always there.
    for term in parsed.positive_terms():
        assert term.phrases and all(term.phrases)
        assert term.field is None or term.field in FIELDS
    parsed.highlight_strings()


@PROPERTY
@given(PHRASE_SAFE, st.sampled_from(sorted(FIELD_ALIASES)) | st.none())
@example("钱学森 OR (手稿", None)
@example("NOT title:x -y", "作者")
def test_a_quoted_phrase_is_one_exact_term(text, alias):
    query = f'"{text}"' if alias is None else f'{alias}:"{text}"'
    assume(len(query) <= MAX_QUERY_CHARS)
    parsed = parse_query(query)
    tokens = analysis.phrase_tokens(text)
    if not tokens:
        assert parsed.root is None
        return
    field = None if alias is None else FIELD_ALIASES[alias]
    assert parsed.root == Term(text=text, field=field, phrase=True, phrases=(tuple(tokens),))


# --- writing a tree back as query text ---------------------------------------------------------

# One query prefix per field (the canonical names are not all prefixes: `creators` is `creator:`).
PREFIX = {field: next(a for a, f in FIELD_ALIASES.items() if f == field) for field in FIELDS}
OPERATOR_WORDS = _OR_WORDS | _AND_WORDS | _NOT_WORDS


def render(node: Node) -> str:
    if isinstance(node, Term):
        return render_term(node)
    if isinstance(node, Not):
        return "NOT " + render_operand(node.child)
    if isinstance(node, Or):
        return " OR ".join(render_operand(c) for c in node.children)
    # OR binds tighter than the implicit AND, so an alternative inside AND needs no brackets.
    return " ".join(
        render(c) if isinstance(c, Or | Term | Not) else f"({render(c)})" for c in node.children
    )


def render_operand(node: Node) -> str:
    return render(node) if isinstance(node, Term | Not) else f"({render(node)})"


def render_term(term: Term) -> str:
    prefix = f"{PREFIX[term.field]}:" if term.field else ""
    if not term.phrase:
        return prefix + term.text
    opener = next(o for o, c in _OPEN_QUOTES.items() if c not in term.text)
    return f"{prefix}{opener}{term.text}{_OPEN_QUOTES[opener]}"


def terms(node: Node) -> list[Term]:
    if isinstance(node, Term):
        return [node]
    if isinstance(node, Not):
        return terms(node.child)
    return [t for c in node.children for t in terms(c)]


@PROPERTY
@given(query_text)
@example('钱学森 手稿 OR 书信 -"秘密 档案" title:(工程 OR 控制论)')
@example("a OR (b OR c) NOT (d e)")
@example("title:(:作者：")  # the text after a field name stays as typed (： was rewritten to :)
def test_written_back_query_parses_to_the_same_tree(text):
    try:
        parsed = parse_query(text)
    except QueryTooNested:
        assume(False)
    assume(parsed.root is not None)
    # An operator word searched as a word ("a OR or") has no unquoted spelling of its own.
    assume(all(t.phrase or t.text.casefold() not in OPERATOR_WORDS for t in terms(parsed.root)))
    written = render(parsed.root)
    assume(len(written) <= MAX_QUERY_CHARS)
    assert parse_query(written).root == parsed.root, written
