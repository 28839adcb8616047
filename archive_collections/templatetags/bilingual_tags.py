"""The public templates' side of archive_collections/bilingual.py.

{% load bilingual_tags %}
{% bi item "title" %}                 short text: English, or the Chinese marked "中文"
{{ item|bi_text:"title" }}            the same as plain text (for <title> and attributes)
{% pick page "body" as body %}        a Text: body.value, body.fallback, body.lang
{% lang_fallback_marker %}            the marker alone, after a block shown in Chinese
{{ item.date_text|written_date }}     a written date, in English on the English site
{{ subject.name|subject_label }}      a subject heading in the active language
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from archive_collections import bilingual
from archive_collections.dates import UNKNOWN, DateParseError, english_date, parse_date

register = template.Library()


@register.simple_tag
def bi(record: Any, field: str) -> SafeString:
    return bilingual.inline(bilingual.pick(record, field))


@register.filter
def bi_text(record: Any, field: str) -> str:
    return str(bilingual.pick(record, field))


@register.simple_tag
def pick(record: Any, field: str) -> bilingual.Text:
    return bilingual.pick(record, field)


@register.filter
def bi_inline(text: bilingual.Text) -> SafeString:
    """A text already chosen for the site's language (e.g. a search result's title), escaped,
    and marked as Chinese with the 中文 badge when it is a fallback."""
    return bilingual.inline(text)


@register.simple_tag
def lang_fallback_marker() -> SafeString:
    return bilingual.marker()


@register.filter
def subject_label(name: str) -> SafeString:
    return bilingual.inline(bilingual.label(name))


@register.filter
def written_date(text: str) -> SafeString:
    """The date as written on the Chinese site; on the English site its English form, or the
    Chinese (lang="zh-Hans") when it cannot be read as a date."""
    if not text or not bilingual.english_active():
        return format_html("{}", text or "")
    english = english_date(text)
    if english:
        return format_html("{}", english)
    if parse_date_or_none(text) is UNKNOWN:
        return format_html("{}", gettext("Undated"))
    return format_html('<span lang="{}">{}</span>', bilingual.CHINESE, text)


def parse_date_or_none(text: str):
    try:
        return parse_date(text)
    except DateParseError:
        return None


@register.filter
def life_dates(scientist: Any) -> str:
    """Born–died: as written on the Chinese site, in English on the English site."""
    if not bilingual.english_active():
        return scientist.life_dates
    born = english_date(scientist.birth_date_text) or str(scientist.birth_year or "?")
    died = english_date(scientist.death_date_text) or str(scientist.death_year or "")
    return f"{born} – {died}" if died else f"{born} –"


@register.filter
def zh(text: str) -> SafeString:
    """Text that is Chinese in every language (a creator, a place as catalogued), marked
    lang="zh-Hans" on the English site."""
    if not text or not bilingual.english_active():
        return format_html("{}", text or "")
    return format_html('<span lang="{}">{}</span>', bilingual.CHINESE, text)
