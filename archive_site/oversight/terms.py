"""Matching the curators' term list against page text with the search's Chinese analysis.

Text and terms are compared in the search's normal form (search/analysis.py: NFKC, case folding,
traditional → simplified), so 中國科學院 is caught by an entry for 中国科学院 and 錢學森 by one for
钱学森. A match is not reported where the text already writes the preferred form literally: an
entry 錢學森 → 钱学森 flags the traditional spelling and leaves the simplified one alone, and an
entry 科学院 → 中国科学院 does not flag the 科学院 inside 中国科学院.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from search.analysis import normalize, normalize_with_offsets


@dataclass(frozen=True)
class TermRule:
    term: str
    preferred: str
    note: str
    kind: str
    normal: str
    preferred_normal: str


@dataclass(frozen=True)
class TermHit:
    rule: TermRule
    found: str  # the text as written
    start: int  # offset in the original text


def normal_form(text: str) -> str:
    """A term's key: the analysis' normal form without spaces, so that duplicates differing in
    script, width or spacing are one entry."""
    return "".join(normalize(text or "").split())


def _phrase(text: str) -> str:
    return " ".join(normalize(text or "").split())


class TermMatcher:
    def __init__(self, rules: Iterable[TermRule]):
        self.rules = [rule for rule in rules if rule.normal]

    @classmethod
    def from_terms(cls, terms) -> TermMatcher:
        return cls(
            TermRule(
                term=t.term,
                preferred=t.preferred,
                note=t.note,
                kind=t.kind,
                normal=_phrase(t.term),
                preferred_normal=_phrase(t.preferred),
            )
            for t in terms
        )

    def __bool__(self) -> bool:
        return bool(self.rules)

    def find(self, text: str) -> list[TermHit]:
        if not self.rules or not text:
            return []
        normal, offsets = normalize_with_offsets(text)
        hits = []
        for rule in self.rules:
            start = normal.find(rule.normal)
            if start < 0:
                continue
            kept = self._preferred_spans(text, normal, offsets, rule)
            while start >= 0:
                end = start + len(rule.normal)
                if not any(s <= start and end <= e for s, e in kept):
                    first, last = offsets[start], offsets[end - 1] + 1
                    hits.append(TermHit(rule, text[first:last], first))
                start = normal.find(rule.normal, start + 1)
        return sorted(hits, key=lambda hit: hit.start)

    @staticmethod
    def _preferred_spans(text, normal, offsets, rule) -> list[tuple[int, int]]:
        """Where the text writes the preferred form exactly as the list gives it."""
        spans: list[tuple[int, int]] = []
        if not rule.preferred_normal:
            return spans
        start = normal.find(rule.preferred_normal)
        while start >= 0:
            end = start + len(rule.preferred_normal)
            if text[offsets[start] : offsets[end - 1] + 1] == rule.preferred:
                spans.append((start, end))
            start = normal.find(rule.preferred_normal, start + 1)
        return spans
