"""The site search's Chinese matching for the search box inside one interview.

The interview player (archive_collections/oral_history/player.py) sits below this layer and asks
for a matcher through the hook `oral_history_search_matcher` (registered in wagtail_hooks.py).
A query matches a text when its normal form (full-width folded, case folded, traditional →
simplified, as the site index stores text) is a substring of the text's normal form, or, for a
query of Latin letters, when its letters run inside the text's toneless pinyin
("shanghai", "Shang Hai" → 上海).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from . import analysis

_LETTERS = re.compile(r"[a-z][a-z\s'’-]*")
MIN_PINYIN_LETTERS = 2


@lru_cache(maxsize=20_000)
def _normal(text: str) -> str:
    return analysis.normalize(text)


@lru_cache(maxsize=20_000)
def _pinyin(text: str) -> str:
    from pypinyin import Style, lazy_pinyin  # noqa: PLC0415  pypinyin loads its tables on import

    return "".join(lazy_pinyin(_normal(text), style=Style.NORMAL, errors="ignore"))


def interview_matcher(query: str) -> Callable[[str], bool]:
    needle = _normal(query.strip())
    letters = re.sub(r"[^a-z]", "", needle) if _LETTERS.fullmatch(needle) else ""
    by_pinyin = len(letters) >= MIN_PINYIN_LETTERS

    def matches(text: str) -> bool:
        if not needle:
            return False
        if needle in _normal(text):
            return True
        return by_pinyin and letters in _pinyin(text)

    return matches
