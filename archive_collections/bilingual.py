"""Chinese records on the English site: which text to show and how to mark what is untranslated.

The site is Chinese first; a visitor who switches to English (the switcher's cookie, see
archive_site/middleware.py) reads the English a curator wrote beside the Chinese, in fields named
after the Chinese one with `_en` (`Item.title_en`, `Scientist.summary_en`, an exhibit page's
`introduction_en`...). Where there is none yet, the Chinese is shown as it is, inside an element
with lang="zh-Hans" (so a screen reader reads it in Chinese and the browser picks Chinese fonts)
and with a small "中文" marker, never silently and never as an empty space.

`pick(record, "title")` is the one place that decides; the template tags in
`templatetags/bilingual_tags.py` render its answer. On the Chinese site it returns the Chinese
field untouched, so the Chinese pages render exactly as before.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext

CHINESE = "zh-Hans"

# Subject headings and disciplines of the collection in English (the archive's own vocabulary is
# Chinese; a heading missing here is shown in Chinese, marked, like any untranslated text). A
# Discipline's own `name_en`, when filled in the admin, comes before this table.
SUBJECT_LABELS: dict[str, str] = {
    "中医药": "traditional Chinese medicine",
    "中微子": "neutrinos",
    "中药化学": "chemistry of Chinese medicines",
    "优选法": "optimisation methods",
    "作物遗传育种": "crop genetics and breeding",
    "农学": "agronomy",
    "力学": "mechanics",
    "区域地质": "regional geology",
    "原子核物理": "nuclear physics",
    "原子核理论": "nuclear theory",
    "口述史": "oral history",
    "古生物": "palaeontology",
    "哥德巴赫猜想": "Goldbach's conjecture",
    "地理学": "geography",
    "地质力学": "geomechanics",
    "地质学": "geology",
    "宇宙线": "cosmic rays",
    "惯性约束聚变": "inertial confinement fusion",
    "控制论": "cybernetics",
    "数学": "mathematics",
    "数论": "number theory",
    "日记": "diaries",
    "杂交水稻": "hybrid rice",
    "核武器": "nuclear weapons",
    "核裂变": "nuclear fission",
    "核试验": "nuclear tests",
    "核试验技术": "nuclear test technology",
    "气候变迁": "climate change",
    "气象学": "meteorology",
    "浙江大学西迁": "Zhejiang University's wartime move west",
    "物候": "phenology",
    "理论物理": "theoretical physics",
    "留学": "study abroad",
    "科技政策": "science policy",
    "空气动力学": "aerodynamics",
    "第四纪冰川": "Quaternary glaciation",
    "粒子物理": "particle physics",
    "系统工程": "systems engineering",
    "航天": "spaceflight",
    "航天技术": "space technology",
    "药学": "pharmacy",
    "青蒿素": "artemisinin",
    "高能天体物理": "high-energy astrophysics",
}


def english_active() -> bool:
    return (get_language() or "").lower().startswith("en")


def site_name() -> str:
    """The site's name in the active language (settings.SITE_NAME_EN on the English site)."""
    if english_active():
        return getattr(settings, "SITE_NAME_EN", "") or settings.WAGTAIL_SITE_NAME
    return settings.WAGTAIL_SITE_NAME


@dataclass(frozen=True)
class Text:
    """What to show for one field: `value` (a str, rich text or a StreamValue) and whether it is
    the Chinese shown in place of missing English (`fallback`)."""

    value: Any
    fallback: bool = False

    @property
    def lang(self) -> str:
        """The lang attribute the element holding the value needs ("" when it is the page's)."""
        return CHINESE if self.fallback else ""

    def __str__(self) -> str:
        return "" if self.value is None else str(self.value)

    def __bool__(self) -> bool:
        return _present(self.value)


def _present(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    try:
        return len(value) > 0  # a StreamValue
    except TypeError:
        return bool(value)


def _english_of(record: Any, field: str) -> Any:
    if field == "name" and hasattr(record, "english_name"):
        return record.english_name  # a scientist: the English name variant, else the pinyin
    english = getattr(record, f"{field}_en", None)
    if _present(english):
        return english
    chinese = getattr(record, field, None)
    if isinstance(chinese, str) and chinese in SUBJECT_LABELS:
        return SUBJECT_LABELS[chinese]
    return None


def pick(record: Any, field: str) -> Text:
    """The field in the active language: on the English site its English, else the Chinese
    marked as a fallback; on the Chinese site the Chinese field itself."""
    chinese = getattr(record, field, None)
    if not english_active():
        return Text(chinese)
    english = _english_of(record, field)
    if english is not None:
        return Text(english)
    return Text(chinese, fallback=_present(chinese))


def label(text: str) -> Text:
    """A subject heading (a tag's name) in the active language."""
    if not english_active() or not text:
        return Text(text)
    english = SUBJECT_LABELS.get(text)
    return Text(english) if english else Text(text, fallback=True)


def marker() -> SafeString:
    """The "中文" badge after text shown in Chinese on the English site, with its meaning for
    screen readers (the badge alone would be read as a language name)."""
    return format_html(
        '<span class="lang-fallback"><span lang="{}" aria-hidden="true">中文</span>'
        '<span class="visually-hidden">{}</span></span>',
        CHINESE,
        gettext("(in Chinese: not yet translated)"),
    )


def inline(text: Text) -> SafeString:
    """Short text (a title, a summary, a name) as HTML: escaped, and on a fallback wrapped in
    lang="zh-Hans" with the marker after it."""
    if not text.fallback:
        return format_html("{}", str(text))
    return format_html('<span lang="{}">{}</span> {}', CHINESE, str(text), marker())
