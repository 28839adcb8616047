"""Chinese-aware text analysis shared by every search engine.

Both engines index the SAME token streams produced here, and compile queries into the SAME token
phrases, so they agree on what matches. The rules:

- normalisation: NFKC (full-width → half-width), case folding, Latin diacritics stripped
  (qián → qian), traditional → simplified Chinese (OpenCC t2s) for text and queries alike, so
  錢學森 and 钱学森 are one word to the index;
- CJK runs (Han, kana, hangul) become an interleaved stream of character unigrams and bigrams:
  ``钱学森`` → ``钱 钱学 学 学森 森``. Any substring of n ≥ 2 characters is then a contiguous phrase
  of that stream (``学森`` → ``学森``; ``钱学森`` → ``钱学 学 学森``) and a single character is its
  unigram, so exact-substring recall is 1.00 by construction, whatever a word segmenter thinks;
- Latin letters and digits form words (``DNA`` → ``dna``, ``1956年`` → ``1956 年``);
- jieba word segmentation feeds a separate ranking stream (``ranking_tokens``), never recall;
- scientist names also get pinyin forms (``qian xuesen``, ``qian xue sen``, ``qianxuesen``).

Token streams are lists of strings containing only letters/digits/CJK characters, so they can be
joined with spaces and handed to any whitespace or unicode61 tokenizer unchanged.
"""

from __future__ import annotations

import os
import re
import threading
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

__all__ = [
    "cjk_char",
    "index_tokens",
    "name_forms",
    "name_key",
    "normalize",
    "normalize_with_offsets",
    "phrase_tokens",
    "ranking_tokens",
    "split_runs",
    "to_simplified",
    "to_traditional",
]

# Ideographs (incl. extensions and compatibility ideographs), kana, hangul syllables, bopomofo.
_CJK_RANGES = (
    (0x3040, 0x30FF),  # hiragana, katakana
    (0x3100, 0x312F),  # bopomofo
    (0x3400, 0x4DBF),  # CJK extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xAC00, 0xD7AF),  # hangul syllables
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0x20000, 0x3134F),  # extensions B–H
)
_PINYIN_TONE_NUMBER = re.compile(r"^([a-z]*[aeiouvn]g?r?)[1-5]$")
_MAX_TEXT = 2_000_000  # characters; a guard against pathological inputs, far above any page


def cjk_char(ch: str) -> bool:
    """True for a character that belongs to a CJK run (gets unigram/bigram treatment)."""
    code = ord(ch)
    return any(lo <= code <= hi for lo, hi in _CJK_RANGES)


# --- OpenCC -----------------------------------------------------------------------------------

_local = threading.local()


def _converter(config: str):
    # OpenCC converters are not documented as thread-safe; one per thread is cheap.
    cache = getattr(_local, "converters", None)
    if cache is None:
        cache = _local.converters = {}
    if config not in cache:
        import opencc

        cache[config] = opencc.OpenCC(config)
    return cache[config]


def to_simplified(text: str) -> str:
    """Traditional → simplified (OpenCC t2s)."""
    return _converter("t2s").convert(text) if text else text


def to_traditional(text: str) -> str:
    """Simplified → traditional (OpenCC s2t), used for "did you mean" and tests."""
    return _converter("s2t").convert(text) if text else text


# --- normalisation ----------------------------------------------------------------------------


@lru_cache(maxsize=8192)
def _fold_char(ch: str) -> str:
    """NFKC + case folding + Latin diacritics stripped, for one character."""
    folded = unicodedata.normalize("NFKC", ch).casefold()
    if folded and all(ord(c) < 0x2000 for c in folded):
        # Below U+2000 are Latin/Greek/Cyrillic: drop combining marks (qián → qian, ü → u).
        decomposed = unicodedata.normalize("NFKD", folded)
        folded = "".join(c for c in decomposed if not unicodedata.combining(c))
    return folded


def normalize_with_offsets(text: str) -> tuple[str, list[int]]:
    """Normalise `text` and return, for each character of the result, the index of the original
    character it came from — the highlighter maps matches back to the original text with it."""
    text = (text or "")[:_MAX_TEXT]
    chars: list[str] = []
    offsets: list[int] = []
    for index, ch in enumerate(text):
        folded = _fold_char(ch)
        chars.append(folded)
        offsets.extend([index] * len(folded))
    folded_text = "".join(chars)
    simplified = to_simplified(folded_text)
    if len(simplified) != len(folded_text):
        # OpenCC t2s is character-for-character for nearly all text; where a phrase mapping
        # changes length, convert per character so offsets stay exact.
        simplified = "".join(
            to_simplified(c) if len(to_simplified(c)) == 1 else c for c in folded_text
        )
    return simplified, offsets


_NEEDS_FOLD = re.compile("[\u0080-\u1fff]")


def normalize(text: str) -> str:
    """The normal form both the index and queries use: NFKC, casefold, no Latin diacritics,
    simplified Chinese. (The same as normalize_with_offsets, without the bookkeeping.)"""
    text = unicodedata.normalize("NFKC", (text or "")[:_MAX_TEXT]).casefold()
    if _NEEDS_FOLD.search(text):
        text = "".join(_fold_char(c) if 0x7F < ord(c) < 0x2000 else c for c in text)
    return to_simplified(text)


# --- token streams ----------------------------------------------------------------------------


_CJK_CLASS = "".join(f"{chr(lo)}-{chr(hi)}" for lo, hi in _CJK_RANGES)
_RUNS = re.compile(f"(?P<cjk>[{_CJK_CLASS}]+)|(?P<word>[^\\W_{_CJK_CLASS}]+)")


def split_runs(normalized: str) -> list[tuple[str, str]]:
    """Split normalised text into ("cjk", run) and ("word", word) pieces, dropping everything
    else (punctuation, symbols, emoji, control characters)."""
    return [(match.lastgroup or "", match.group()) for match in _RUNS.finditer(normalized)]


MAX_TOKEN_CHARS = 64  # longer "words" (hashes, base64) are cut, identically in text and query


def _word(word: str) -> str:
    # Pinyin with tone numbers ("qian2") means the same as without.
    match = _PINYIN_TONE_NUMBER.match(word)
    word = match.group(1) if match and len(word) > 2 else word
    return word[:MAX_TOKEN_CHARS]


def _cjk_stream(run: str) -> list[str]:
    stream: list[str] = []
    for index, ch in enumerate(run):
        stream.append(ch)
        if index + 1 < len(run):
            stream.append(run[index : index + 2])
    return stream


def _stream(normalized: str) -> list[tuple[str, list[str]]]:
    return [
        (kind, _cjk_stream(piece) if kind == "cjk" else [_word(piece)])
        for kind, piece in split_runs(normalized)
    ]


def index_tokens(text: str) -> list[str]:
    """The recall token stream of `text`, in order: what every engine indexes."""
    return [token for _kind, tokens in _stream(normalize(text)) for token in tokens]


def phrase_tokens(text: str) -> list[str]:
    """The contiguous token phrase that matches `text` as an exact substring of indexed text.

    It is the index stream of `text` minus the outer unigram of a CJK run at either end (a
    substring may start or end inside a longer run, where the document's stream has a bigram
    before that character). An empty list means `text` has nothing searchable."""
    pieces = _stream(normalize(text))
    if not pieces:
        return []
    tokens = [token for _kind, stream in pieces for token in stream]
    first_kind, first = pieces[0]
    last_kind, last = pieces[-1]
    drop_head = first_kind == "cjk" and len(first) > 1
    drop_tail = last_kind == "cjk" and len(last) > 1
    if len(pieces) == 1 and drop_head:
        return first[1:-1]
    return tokens[1 if drop_head else 0 : len(tokens) - (1 if drop_tail else 0)]


# --- jieba (ranking only) ---------------------------------------------------------------------

_jieba_lock = threading.Lock()
_jieba = None


def _jieba_cache_path() -> Path:
    """jieba writes a ~9 MB dictionary cache; keep it in the user's cache folder, not TMPDIR."""
    base = os.environ.get("JIEBA_CACHE_DIR") or os.environ.get("XDG_CACHE_HOME")
    folder = Path(base) if base else Path.home() / ".cache"
    if not os.environ.get("JIEBA_CACHE_DIR"):
        folder = folder / "scientist-archive"
    return folder / "jieba.cache"


def _tokenizer():
    """The process-wide jieba tokenizer, loaded once (the dictionary takes ~1 s)."""
    global _jieba
    if _jieba is None:
        with _jieba_lock:
            if _jieba is None:
                import logging

                import jieba

                logging.getLogger("jieba").setLevel(logging.WARNING)
                tokenizer = jieba.Tokenizer()
                cache = _jieba_cache_path()
                try:
                    cache.parent.mkdir(parents=True, exist_ok=True)
                    tokenizer.cache_file = str(cache)
                    tokenizer.tmp_dir = str(cache.parent)
                except OSError:
                    # Unwritable home (some service accounts): jieba then rebuilds in memory.
                    tokenizer.tmp_dir = None
                tokenizer.initialize()
                _jieba = tokenizer
    return _jieba


def ranking_tokens(text: str) -> list[str]:
    """jieba words of the normalised text (CJK words joined, Latin words as in the recall
    stream). Used only to rank: documents containing the query's words as whole words score
    higher than documents containing the same characters across word boundaries."""
    words: list[str] = []
    # One jieba call over the whole text (it passes non-Chinese stretches through), then the
    # same run splitting as the recall stream, so only letters, digits and CJK remain.
    for piece in _tokenizer().cut(normalize(text), HMM=False):
        for kind, run in split_runs(piece):
            words.append(_word(run) if kind == "word" else run)
    return words


def segment(text: str) -> list[str]:
    """jieba words of one CJK run (already normalised); used by the query parser to split a
    long unquoted run into words that must all occur."""
    return [w for w in _tokenizer().cut(text, HMM=False) if w.strip()]


# --- names ------------------------------------------------------------------------------------


def name_key(text: str) -> str:
    """A spelling-insensitive key for a romanised or Chinese name: "Qian Xuesen", "qián xué
    sēn", "QianXuesen", "qian2 xue2 sen1" → "qianxuesen"; "Tsien Hsue-shen" → "tsienhsueshen".
    Chinese characters are kept (simplified)."""
    parts = [
        _word(piece) if kind == "word" else piece for kind, piece in split_runs(normalize(text))
    ]
    # Tone numbers glued to syllables ("qian2xue2sen1") come out as one word; strip digits 1-5
    # that follow a letter.
    return re.sub(r"(?<=[a-z])[1-5]", "", "".join(parts))


def name_forms(name: str, variants: Iterable[str] = ()) -> list[str]:
    """Every form a scientist's name is searched by: the characters, their pinyin with and
    without syllable breaks, and each recorded variant with its key.

    钱学森 → ["钱学森", "qian xuesen", "qian xue sen", "qianxuesen", ...variants]."""
    from pypinyin import Style, lazy_pinyin

    forms: list[str] = []
    name = (name or "").strip()
    if name:
        forms.append(name)
        syllables = [s for s in lazy_pinyin(normalize(name), style=Style.NORMAL) if s.strip()]
        if syllables:
            forms.append(f"{syllables[0]} {''.join(syllables[1:])}".strip())
            forms.append(" ".join(syllables))
            forms.append("".join(syllables))
    for variant in variants:
        variant = (variant or "").strip()
        if variant:
            forms.append(variant)
            key = name_key(variant)
            if key and key != normalize(variant):
                forms.append(key)
    return list(dict.fromkeys(forms))
