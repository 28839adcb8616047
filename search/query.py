"""The query language, parsed into a small AST every engine compiles from.

Syntax (tolerant — what cannot be understood is searched as text; the one input refused is
brackets nested deeper than MAX_NESTING, see QueryTooNested):
- words separated by spaces must all occur (AND);
- ``"…"`` or ``“…”`` / ``「…」`` — an exact phrase; a lone quote runs to the end of the query;
- ``OR`` / ``|`` / ``或`` between terms (binds tighter than the implicit AND: ``钱学森 手稿 OR
  书信`` = 钱学森 AND (手稿 OR 书信)); ``AND`` / ``&`` / ``和`` accepted, AND is the default;
- ``NOT x`` / ``-x`` / ``非 x`` excludes; a query made only of exclusions matches nothing
  (there is nothing to rank) and says so through ``ParsedQuery.warnings``;
- ``( … )`` groups, nested at most MAX_NESTING deep; unbalanced brackets are ignored;
- ``field:term`` / ``field:"phrase"`` / ``field:(…)`` restricts to a field (see FIELDS);
  an unknown field name is searched as ordinary text.

Each ``Term`` carries ``phrases``: the token phrases (from search.analysis) that must ALL occur
in the field for the term to match. An unquoted run of Chinese longer than three characters is
split by jieba into words that must all occur (so 钱学森手稿 also finds 钱学森的手稿); a quoted
phrase stays one exact phrase. Either way every document containing the text as an exact
substring matches.
"""

from __future__ import annotations

import re
import string
import unicodedata
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from . import analysis

__all__ = [
    "FIELDS",
    "MAX_NESTING",
    "MAX_QUERY_CHARS",
    "MAX_TERMS",
    "And",
    "Node",
    "Not",
    "Or",
    "ParsedQuery",
    "QueryError",
    "QueryTooNested",
    "Term",
    "operator_reading",
    "parse_query",
]

MAX_QUERY_CHARS = 500
MAX_TERMS = 32
# Brackets inside brackets. The parser and every engine's compiler recurse once per level, so a
# bound keeps a 500-character query far from Python's recursion limit (190 levels reached it)
# and from Elasticsearch's bool-depth limit; no one searching an archive writes more than a few.
MAX_NESTING = 16

# Searchable text fields of a SearchDocument; query prefixes (English and Chinese) map onto them.
# `seal`: what the seals on a page say (read by OCR), apart from the page's text.
FIELDS = ("title", "names", "body", "subjects", "creators", "places", "identifier", "type", "seal")
FIELD_ALIASES = {
    "title": "title",
    "标题": "title",
    "题名": "title",
    "題名": "title",
    "標題": "title",
    "scientist": "names",
    "name": "names",
    "names": "names",
    "科学家": "names",
    "科學家": "names",
    "人物": "names",
    "姓名": "names",
    "text": "body",
    "body": "body",
    "fulltext": "body",
    "全文": "body",
    "内容": "body",
    "subject": "subjects",
    "subjects": "subjects",
    "主题": "subjects",
    "主題": "subjects",
    "creator": "creators",
    "author": "creators",
    "作者": "creators",
    "责任者": "creators",
    "place": "places",
    "places": "places",
    "地点": "places",
    "地點": "places",
    "id": "identifier",
    "identifier": "identifier",
    "档号": "identifier",
    "檔號": "identifier",
    "type": "type",
    "类型": "type",
    "類型": "type",
    "seal": "seal",
    "印章": "seal",
    "公章": "seal",
}

_OPEN_QUOTES = {'"': '"', "“": "”", "「": "」", "『": "』", "＂": "＂", "”": "”"}
_OR_WORDS = {"or", "|", "||", "或", "或者"}
_AND_WORDS = {"and", "&", "&&", "和", "且"}
_NOT_WORDS = {"not", "非", "!"}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\ufeff]")
_SPLIT_RUN_ABOVE = 3
_FIELD_SEPARATOR = re.compile("[:：]")


class QueryError(ValueError):
    """The one exception parse_query raises: a query it refuses. `message` is the sentence to
    show the person who typed it (translated when read)."""

    code = "invalid"

    @property
    def message(self) -> str:
        return str(self)


class QueryTooNested(QueryError):
    code = "too_nested"

    def __init__(self) -> None:
        super().__init__(f"brackets nested deeper than {MAX_NESTING}")

    @property
    def message(self) -> str:
        return _(
            "The query nests brackets more than %(n)s deep; remove some brackets and search again."
        ) % {"n": MAX_NESTING}


@dataclass(frozen=True)
class Term:
    """One searchable unit. `text` as typed; `field` None = every field; `phrases` = token
    phrases that must all occur (empty tuple: nothing searchable, e.g. only punctuation)."""

    text: str
    field: str | None = None
    phrase: bool = False
    phrases: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    child: Node


Node = Term | And | Or | Not


@dataclass
class ParsedQuery:
    """The result of parsing. `root` is None when nothing searchable remains."""

    text: str
    root: Node | None
    warnings: list[str] = field(default_factory=list)
    truncated: bool = False

    @property
    def is_empty(self) -> bool:
        return self.root is None

    def positive_terms(self) -> list[Term]:
        """Terms that are not under a NOT — what the highlighter marks."""
        found: list[Term] = []

        def walk(node, negated):
            if isinstance(node, Term):
                if not negated and node.phrases:
                    found.append(node)
            elif isinstance(node, Not):
                walk(node.child, not negated)
            elif node is not None:
                for child in node.children:
                    walk(child, negated)

        walk(self.root, False)
        return found

    def highlight_strings(self) -> list[str]:
        """Normalised strings to mark in snippets (longest first)."""
        strings = set()
        for term in self.positive_terms():
            for phrase in term.phrases:
                strings.add(_phrase_text(phrase))
        return sorted((s for s in strings if s), key=len, reverse=True)

    def has_positive(self) -> bool:
        return bool(self.positive_terms())


def _phrase_text(phrase: tuple[str, ...]) -> str:
    """Rebuild the normalised text a phrase matches (for highlighting), e.g. (钱学, 学, 学森) →
    钱学森, ("dna", "双", "双螺") → dna 双螺."""
    out: list[str] = []
    previous_cjk = False
    for token in phrase:
        is_cjk = analysis.cjk_char(token[0])
        if is_cjk and previous_cjk:
            if len(token) == 2:
                # bigram after its own first character's unigram: add only the second char
                out.append(token[1] if out and out[-1].endswith(token[0]) else token)
            elif not (out and out[-1].endswith(token)):
                out.append(token)
        else:
            if out:
                out.append(" ")
            out.append(token)
        previous_cjk = is_cjk
    return "".join(out)


# --- tokenizer ----------------------------------------------------------------------------------

_WORD_BREAK = re.compile(r"\s+")


def _lex(text: str) -> list[tuple[str, str]]:
    """Tokens: ("(",), (")",), ("quote", phrase), ("word", w). Never fails."""
    tokens: list[tuple[str, str]] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
        elif ch in "(（":
            tokens.append(("(", ch))
            i += 1
        elif ch in ")）":
            tokens.append((")", ch))
            i += 1
        elif ch in _OPEN_QUOTES:
            close = _OPEN_QUOTES[ch]
            end = text.find(close, i + 1)
            if end == -1:
                end = n  # lone quote: the phrase runs to the end
            tokens.append(("quote", text[i + 1 : end]))
            i = end + 1
        else:
            j = i
            # A quote ends a word, so `title:"…"` lexes as the word `title:` and a phrase.
            while (
                j < n
                and not text[j].isspace()
                and text[j] not in "()（）"
                and (text[j] not in _OPEN_QUOTES)
            ):
                j += 1
            tokens.append(("word", text[i:j]))
            i = j
    return tokens


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]], warnings: list[str]):
        self.tokens = tokens
        self.pos = 0
        self.terms = 0
        self.depth = 0
        self.warnings = warnings

    def peek(self):
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self):
        token = self.peek()
        self.pos += 1
        return token

    def parse(self) -> Node | None:
        nodes = []
        while self.peek() is not None:
            node = self.parse_and()
            if node is not None:
                nodes.append(node)
            elif self.peek() is not None and self.peek()[0] == ")":
                self.take()  # unbalanced ")": ignore
        return _and(nodes)

    def parse_and(self) -> Node | None:
        """Terms side by side must all occur. OR binds tighter than this implicit AND, as in
        web search: 钱学森 手稿 OR 书信 = 钱学森 AND (手稿 OR 书信)."""
        nodes = []
        while True:
            token = self.peek()
            if token is None or token[0] == ")":
                break
            if self._is_word(_AND_WORDS) or self._is_word(_OR_WORDS):
                self.take()  # a dangling operator: nothing on its left to join
                continue
            node = self.parse_or()
            if node is not None:
                nodes.append(node)
        return _and(nodes)

    def parse_or(self) -> Node | None:
        left = self.parse_unary()
        while self._is_word(_OR_WORDS):
            self.take()
            if self.peek() is None or self.peek()[0] == ")":
                break
            right = self.parse_unary()
            if left is None:
                left = right
            elif right is not None:
                left = Or(((*left.children,) if isinstance(left, Or) else (left,)) + (right,))
        return left

    def parse_unary(self) -> Node | None:
        """Negations in a row (NOT, -x, --x, NOT -x…) are counted, not recursed into: NOT NOT x
        is x, and a chain as long as the query stays one level deep."""
        negations = 0
        while (token := self.peek()) is not None:
            if self._is_word(_NOT_WORDS):
                self.take()
            elif token[0] == "word" and len(token[1]) > 1 and token[1][0] in "-－":
                self.tokens[self.pos] = ("word", token[1][1:])
            else:
                break
            negations += 1
        token = self.peek()
        if token is None or token[0] == ")":
            # "(NOT)": nothing to negate, and the ")" still closes its group (taking it here
            # used to leave the group open, so "(NOT)(NOT)…" nested one level per pair).
            return None
        child = self.parse_primary(None)
        if child is None or negations % 2 == 0:
            return child
        return Not(child)

    def parse_primary(self, field_name: str | None) -> Node | None:
        token = self.take()
        if token is None:
            return None
        kind, value = token
        if kind == "(":
            inner = self._group()
            return _with_field(inner, field_name) if field_name else inner
        if kind == "quote":
            return self._term(value, field_name, phrase=True)
        # a word: maybe field:rest
        if field_name is None and (":" in value or "：" in value):
            name, rest = _FIELD_SEPARATOR.split(value, maxsplit=1)  # the rest stays as typed
            target = FIELD_ALIASES.get(name.casefold())
            if target:
                if rest:
                    return self._term(rest, target, phrase=False)
                nxt = self.peek()
                if nxt is not None and nxt[0] in ("quote", "("):
                    return self.parse_primary(target)
                return None  # "title:" with nothing after it
        return self._term(value, field_name, phrase=False)

    def _group(self) -> Node | None:
        if self.depth >= MAX_NESTING:
            raise QueryTooNested()
        self.depth += 1
        node = self.parse_and()
        self.depth -= 1
        if self.peek() is not None:
            self.take()  # the closing ")"
        return node

    def _term(self, text: str, field_name: str | None, phrase: bool) -> Term | None:
        if self.terms >= MAX_TERMS:
            if not self.warnings or self.warnings[-1] != "terms":
                self.warnings.append("terms")
            return None
        phrases = _phrases(text, phrase)
        if not phrases:
            return None
        self.terms += 1
        return Term(text=text, field=field_name, phrase=phrase, phrases=phrases)

    def _is_word(self, words: set[str]) -> bool:
        token = self.peek()
        return token is not None and token[0] == "word" and token[1].casefold() in words


def _phrases(text: str, quoted: bool) -> tuple[tuple[str, ...], ...]:
    if quoted:
        tokens = analysis.phrase_tokens(text)
        return (tuple(tokens),) if tokens else ()
    out: list[tuple[str, ...]] = []
    for kind, piece in analysis.split_runs(analysis.normalize(text)):
        if kind == "cjk" and len(piece) > _SPLIT_RUN_ABOVE:
            words = analysis.segment(piece)
        else:
            words = [piece]
        for word in words:
            tokens = analysis.phrase_tokens(word)
            if tokens and tuple(tokens) not in out:
                out.append(tuple(tokens))
    return tuple(out)


def _and(nodes: list[Node]) -> Node | None:
    nodes = [n for n in nodes if n is not None]
    if not nodes:
        return None
    if len(nodes) == 1:
        return nodes[0]
    flat: list[Node] = []
    for node in nodes:
        flat.extend(node.children if isinstance(node, And) else (node,))
    return And(tuple(flat))


def _with_field(node: Node | None, field_name: str) -> Node | None:
    return None if node is None else _field_everywhere(node, field_name)


def _field_everywhere(node: Node, field_name: str) -> Node:
    """`node` with `field_name` on every Term that names no field (each keeps its shape)."""
    if isinstance(node, Term):
        return Term(node.text, node.field or field_name, node.phrase, node.phrases)
    if isinstance(node, Not):
        return Not(_field_everywhere(node.child, field_name))
    return type(node)(tuple(_field_everywhere(c, field_name) for c in node.children))


def _prune(node: Node | None) -> Node | None:
    """Drop subtrees that cannot match anything positive, e.g. a bare NOT inside OR."""
    if node is None or isinstance(node, Term):
        return node
    if isinstance(node, Not):
        child = _prune(node.child)
        if isinstance(child, Not):  # NOT NOT x = x
            return child.child
        return Not(child) if child is not None else None
    children = [c for c in (_prune(c) for c in node.children) if c is not None]
    if isinstance(node, Or):
        # An alternative with nothing positive ("a OR -b") would match almost everything.
        children = [c for c in children if _has_positive(c)]
        if not children:
            return None
        return children[0] if len(children) == 1 else Or(tuple(children))
    return _and(children)


def parse_query(text: str | None) -> ParsedQuery:
    """Parse a user's query. Over-long queries are cut at MAX_QUERY_CHARS with ``truncated``
    set; control characters are dropped. Raises QueryTooNested (a QueryError) for brackets nested
    deeper than MAX_NESTING, and nothing else."""
    raw = text or ""
    warnings: list[str] = []
    truncated = len(raw) > MAX_QUERY_CHARS
    cleaned = _CONTROL.sub(" ", raw[:MAX_QUERY_CHARS])
    parser = _Parser(_lex(cleaned), warnings)
    root = _prune(parser.parse())
    if root is not None and not _has_positive(root):
        warnings.append("only_negative")
        root = None
    return ParsedQuery(text=cleaned.strip(), root=root, warnings=warnings, truncated=truncated)


def _has_positive(node: Node) -> bool:
    if isinstance(node, Term):
        return True
    if isinstance(node, Not):
        return False
    if isinstance(node, Or):
        return all(_has_positive(c) for c in node.children)
    return any(_has_positive(c) for c in node.children)


def warning_message(code: str) -> str:
    """The user-facing sentence for a ParsedQuery warning code."""
    if code == "terms":
        return _("Only the first %(n)s terms of the query were used.") % {"n": MAX_TERMS}
    return str(_("A query made only of exclusions matches nothing; add a word to find."))


@dataclass(frozen=True)
class OperatorReading:
    """How a query made only of operators and punctuation was read (``-v``, ``--help``, ``()``):
    `searched` the text that was searched ("" for nothing), `excluded` what was left out, and
    `phrase` the query as one quoted phrase to offer instead ("" when even that holds nothing
    the index keeps: punctuation alone is not indexed)."""

    text: str
    searched: str
    excluded: str
    phrase: str


def operator_reading(text: str | None) -> OperatorReading | None:
    """The reading of `text` when every part of it is an operator, a bracket, punctuation or a
    word with a leading ``-``; None when some part is plain text (then it searched what was
    typed). Raises QueryTooNested like parse_query."""
    cleaned = _CONTROL.sub(" ", (text or "")[:MAX_QUERY_CHARS]).strip()
    if not cleaned:
        return None
    operators = _OR_WORDS | _AND_WORDS | _NOT_WORDS
    for kind, value in _lex(cleaned):
        if kind == "quote" and analysis.phrase_tokens(value):
            return None
        if kind == "word" and not (
            value.casefold() in operators or value[0] in "-－" or _punctuation(value)
        ):
            return None
    parsed = parse_query(cleaned)
    searched = " ".join(term.text for term in parsed.positive_terms())
    excluded = " ".join(
        value.lstrip("-－")
        for kind, value in _lex(cleaned)
        if kind == "word"
        and (len(value) - len(value.lstrip("-－"))) % 2  # "--x" is x again: NOT NOT x
        and analysis.phrase_tokens(value)
    )
    inner = "".join(ch for ch in cleaned if ch not in _OPEN_QUOTES and ch not in "」』")
    phrase = f'"{inner}"' if analysis.phrase_tokens(inner) else ""
    return OperatorReading(text=cleaned, searched=searched, excluded=excluded, phrase=phrase)


def _punctuation(word: str) -> bool:
    """Only ASCII punctuation (+ | * …) or Unicode punctuation (，「」…): not an emoji or a
    letter the index does not keep, which are not operators the person meant."""
    return all(ch in string.punctuation or unicodedata.category(ch).startswith("P") for ch in word)
