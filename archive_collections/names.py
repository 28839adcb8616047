"""Name forms for Chinese personal names."""

import re

from pypinyin import Style, lazy_pinyin

# Several names in one field (an item's creators, an interview's interviewers) are typed as the
# document gives them, separated by ；(or ; 、 when pasted).
_NAME_SEPARATORS = re.compile(r"[；;、]")

# Surnames whose reading differs from the character's commonest reading.
_SURNAME_READINGS = {
    "单": "Shan",
    "曾": "Zeng",
    "解": "Xie",
    "查": "Zha",
    "区": "Ou",
    "仇": "Qiu",
    "朴": "Piao",
    "乐": "Yue",
    "华": "Hua",
    "盖": "Ge",
    "覃": "Qin",
}

_COMPOUND_SURNAMES = {
    "欧阳",
    "司马",
    "诸葛",
    "上官",
    "东方",
    "司徒",
    "夏侯",
    "公孙",
    "皇甫",
    "慕容",
    "令狐",
    "长孙",
    "宇文",
    "端木",
    "尉迟",
    "澹台",
    "轩辕",
    "西门",
}


def pinyin_of(name: str) -> str:
    """钱学森 → "Qian Xuesen": surname, space, given name run together, as names are romanised."""
    name = name.strip()
    if not name:
        return ""
    syllables = lazy_pinyin(name, style=Style.NORMAL, errors="default")
    if len(syllables) != len(name):  # non-Chinese characters inside: keep pypinyin's own split
        return " ".join(s.capitalize() for s in syllables)
    cut = 2 if name[:2] in _COMPOUND_SURNAMES and len(name) > 2 else 1
    surname = _SURNAME_READINGS.get(name[0], "".join(syllables[:cut]).capitalize())
    given = "".join(syllables[cut:]).capitalize()
    return f"{surname} {given}".strip()


def split_names(text: str) -> list[str]:
    """The names of a field that lists several, in their order, blanks dropped."""
    return [part.strip() for part in _NAME_SEPARATORS.split(text) if part.strip()]
