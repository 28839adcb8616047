"""Text handling both database dialects share: the token streams a document is stored as, and
the parts of a parsed query that rank (positive terms, their jieba words)."""

from __future__ import annotations

from .. import analysis
from ..contract import FIELDS, SearchDocument
from ..query import Node, Not, Term

#: Weight of whole-word (jieba) matches added to a document's phrase score.
WORDS_BONUS = 0.5
#: Most ranking words taken from one query (a long pasted paragraph must not blow up the SQL).
MAX_RANKING_WORDS = 16


def field_tokens(document: SearchDocument) -> list[str]:
    """Per field of FIELDS, the field's index tokens joined by spaces."""
    return [" ".join(analysis.index_tokens(getattr(document, name) or "")) for name in FIELDS]


def words(document: SearchDocument) -> str:
    """The document's jieba words (every field but the type label), for ranking only."""
    text = " ".join(getattr(document, name) or "" for name in FIELDS if name != "type")
    return " ".join(analysis.ranking_tokens(text))


def positive_terms(node: Node, negated: bool = False) -> list[Term]:
    if isinstance(node, Term):
        return [] if negated else [node]
    if isinstance(node, Not):
        return positive_terms(node.child, not negated)
    return [t for child in node.children for t in positive_terms(child, negated)]


def ranking_words(root: Node) -> list[str]:
    found: list[str] = []
    for term in positive_terms(root):
        for word in analysis.ranking_tokens(term.text):
            if word not in found and len(found) < MAX_RANKING_WORDS:
                found.append(word)
    return found
