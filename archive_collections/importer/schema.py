"""Columns of each record kind: names, Chinese aliases, whether required, how values are read.

Each parser takes the stripped cell text (never empty: empty cells are handled by the caller) and
returns the normalised value, or raises CellError with a reason a curator can act on.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from archive_collections.dates import DateParseError, parse_date
from archive_collections.models import (
    AccessLevel,
    ConsentStatus,
    Fonds,
    Interview,
    Item,
    ItemType,
    NameKind,
    RelationKind,
    RightsStatement,
    Scientist,
    ScientistAffiliation,
    ScientistHonour,
    ScientistName,
    Series,
)
from archive_collections.models.choices import LANGUAGE_CHOICES

from .report import FORMULA_TRIGGERS

LIST_SEPARATOR = re.compile(r"\s*[；;]\s*")
SCIENTIST_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ARCHIVAL_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


class CellError(ValueError):
    pass


FORMULA_GUARD = "'"


def needs_formula_guard(value: str) -> bool:
    """A formula trigger, even behind apostrophes: `'=x` written by a curator is guarded too,
    or unguard_formula would take its apostrophe; so guarding and unguarding are inverses."""
    return value.lstrip(FORMULA_GUARD).startswith(FORMULA_TRIGGERS)


def guard_formula(value: str) -> str:
    """An exported cell a spreadsheet shows as text: one apostrophe in front, as OWASP advises."""
    return FORMULA_GUARD + value if needs_formula_guard(value) else value


def unguard_formula(value: str) -> str:
    """The cell as it was before guard_formula: an exported, edited and re-imported sheet keeps
    `=SUM(1)` and `-1` exactly, not with an apostrophe in front."""
    if value.startswith(FORMULA_GUARD) and needs_formula_guard(value[1:]):
        return value[1:]
    return value


@dataclass(frozen=True)
class Column:
    name: str
    alias: str
    parse: Callable[[str], object]
    required: bool = False
    empty: object = ""  # the value an empty cell stands for


def split_list(text: str) -> list[str]:
    return [part for part in LIST_SEPARATOR.split(text.strip()) if part]


def split_compound(entry: str, size: int) -> list[str]:
    parts = [part.strip() for part in entry.split("|")]
    if len(parts) > size:
        raise CellError(
            _("“%(entry)s” has %(n)d parts separated by |; at most %(size)d allowed")
            % {"entry": entry, "n": len(parts), "size": size}
        )
    return parts + [""] * (size - len(parts))


def max_length(model, field: str) -> int | None:
    return model._meta.get_field(field).max_length


def text(model=None, field: str = "", limit: int | None = None):
    limit = limit or (max_length(model, field) if model else None)

    def parse(value: str) -> str:
        if limit and len(value) > limit:
            raise CellError(
                _("is %(n)d characters long; at most %(limit)d allowed")
                % {"n": len(value), "limit": limit}
            )
        return value

    return parse


def identifier(pattern: re.Pattern, limit: int, description: str | Promise):
    def parse(value: str) -> str:
        if len(value) > limit or not pattern.match(value):
            raise CellError(
                _("is not a valid identifier: use %(rule)s, at most %(limit)d characters")
                % {"rule": description, "limit": limit}
            )
        return value

    return parse


scientist_id = identifier(
    SCIENTIST_ID, 80, gettext_lazy("lower-case letters, digits and single hyphens")
)
archival_id = identifier(ARCHIVAL_ID, 64, gettext_lazy("letters, digits, “-”, “_” and “.”"))


def choice(options: dict[str, str], label: str | Promise):
    """Accept a stored code (any case) or one of its aliases."""
    lookup = {key.lower(): value for key, value in options.items()}

    def parse(value: str) -> str:
        try:
            return lookup[value.lower()]
        except KeyError:
            codes = sorted({v for v in options.values()})
            raise CellError(
                _("is not a known %(label)s; use one of %(codes)s")
                % {"label": label, "codes": ", ".join(codes)}
            ) from None

    return parse


def _codes(choices) -> dict[str, str]:
    return {value: value for value, _label in choices}


ITEM_TYPES = _codes(ItemType.choices) | {
    "口述访谈": "oral_history",
    "口述": "oral_history",
    "手稿": "manuscript",
    "信件": "letter",
    "书信": "letter",
    "照片": "photograph",
    "证书": "certificate",
    "出版物": "publication",
    "实物": "object",
    "文件": "document",
    "音频": "audio",
    "视频": "video",
}
ACCESS_LEVELS = _codes(AccessLevel.choices) | {
    "公开": "public",
    "研究人员": "researchers",
    "工作人员": "staff",
}
GENDERS = {"male": "male", "female": "female", "男": "male", "女": "female"}
LANGUAGES = _codes(LANGUAGE_CHOICES) | {
    "简体中文": "zh-Hans",
    "中文": "zh",
    "繁体中文": "zh-Hant",
    "英文": "en",
    "英语": "en",
    "俄文": "ru",
    "俄语": "ru",
    "德文": "de",
    "德语": "de",
    "法文": "fr",
    "法语": "fr",
    "日文": "ja",
    "日语": "ja",
    "拉丁文": "la",
    "多语种": "mul",
    "无语言内容": "zxx",
}
CONSENT = _codes(ConsentStatus.choices) | {
    "已签署": "signed",
    "有限制": "restricted",
    "待定": "pending",
    "无": "none",
}
SERIES_LEVELS = {
    "series": "series",
    "subseries": "subseries",
    "file": "file",
    "系列": "series",
    "子系列": "subseries",
    "案卷": "file",
}
NAME_KINDS = _codes(NameKind.choices) | {
    "拼音": "pinyin",
    "威妥玛": "wade_giles",
    "英文名": "english",
    "繁体": "traditional",
    "曾用名": "former",
    "字": "courtesy",
    "号": "art",
    "其他": "other",
}
RELATION_KINDS = _codes(RelationKind.choices) | {
    "师承": "mentor_of",
    "导师": "mentor_of",
    "合作者": "collaborator",
    "同事": "colleague",
    "亲属": "family",
}
RIGHTS_SHORT_CODES = [
    uri.split("/vocab/")[1].split("/")[0] for uri, _label in RightsStatement.choices
]
RIGHTS_CODES = {
    code.lower(): uri
    for code, (uri, _label) in zip(RIGHTS_SHORT_CODES, RightsStatement.choices, strict=True)
}

item_type = choice(ITEM_TYPES, gettext_lazy("item type"))
access_level = choice(ACCESS_LEVELS, gettext_lazy("access level"))
gender = choice(GENDERS, gettext_lazy("gender"))
language = choice(LANGUAGES, gettext_lazy("language code"))
consent = choice(CONSENT, gettext_lazy("consent status"))
series_level = choice(SERIES_LEVELS, gettext_lazy("level"))


def rights(value: str) -> str:
    """A rightsstatements.org URI (http or https, with or without the final slash) or its code."""
    match = re.match(r"^https?://rightsstatements\.org/(?:vocab|page)/([^/]+)/1\.0/?$", value)
    code = (match.group(1) if match else value).lower()
    if code not in RIGHTS_CODES:
        raise CellError(
            _("is not a rightsstatements.org statement; use a URI or one of %(codes)s")
            % {"codes": ", ".join(RIGHTS_SHORT_CODES)}
        )
    return RIGHTS_CODES[code]


def written_date(limit: int | None):
    def parse(value: str) -> str:
        if limit is not None and len(value) > limit:
            raise CellError(_("is longer than %(limit)d characters") % {"limit": limit})
        try:
            parse_date(value)
        except DateParseError as exc:
            raise CellError(str(exc)) from exc
        return value

    return parse


def iso_date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CellError(_("is not a date in the form YYYY-MM-DD")) from None


MAX_POSITION = 2_147_483_647  # the largest value every database's integer column holds


def position(value: str) -> int:
    # isdecimal, not isdigit: "²" is a digit int() refuses, which would escape the row's report.
    if not value.isdecimal() or int(value) > MAX_POSITION:
        raise CellError(_("is not a whole number from 0 to %(max)d") % {"max": MAX_POSITION})
    return int(value)


def year(value: str) -> int | None:
    if not value:
        return None
    if not re.fullmatch(r"\d{4}", value) or not 1000 <= int(value) <= 2100:
        raise CellError(_("“%(value)s” is not a four-digit year") % {"value": value})
    return int(value)


def listing(parse_entry: Callable[[str], object] | None = None):
    def parse(value: str) -> tuple:
        entries = split_list(value)
        return tuple(parse_entry(entry) for entry in entries) if parse_entry else tuple(entries)

    return parse


def joined_list(model, field: str):
    """A list cell stored as one text field, entries joined with ；as the model expects."""
    check = text(model, field)

    def parse(value: str) -> str:
        return check("；".join(split_list(value)))

    return parse


def _entry_text(value: str, model, field: str) -> str:
    text(model, field)(value)
    return value


def name_entry(entry: str) -> tuple[str, str]:
    name, kind = split_compound(entry, 2)
    if not name:
        raise CellError(_("“%(entry)s” has no name before |") % {"entry": entry})
    return _entry_text(name, ScientistName, "name"), choice(NAME_KINDS, _("name kind"))(
        kind or "other"
    )


def honour_entry(entry: str) -> tuple[str, int | None]:
    title, when = split_compound(entry, 2)
    if not title:
        raise CellError(_("“%(entry)s” has no title before |") % {"entry": entry})
    return _entry_text(title, ScientistHonour, "title"), year(when)


def affiliation_entry(entry: str) -> tuple[str, str, int | None, int | None]:
    institution, role, start, end = split_compound(entry, 4)
    if not institution:
        raise CellError(_("“%(entry)s” has no institution before |") % {"entry": entry})
    start_year, end_year = year(start), year(end)
    if start_year and end_year and end_year < start_year:
        raise CellError(_("“%(entry)s” ends before it starts") % {"entry": entry})
    return (
        _entry_text(institution, ScientistAffiliation, "institution"),
        _entry_text(role, ScientistAffiliation, "role"),
        start_year,
        end_year,
    )


def relation_entry(entry: str) -> tuple[str, str]:
    other, kind = split_compound(entry, 2)
    if not other or not kind:
        raise CellError(_("“%(entry)s” must be other-identifier|kind") % {"entry": entry})
    return scientist_id(other), choice(RELATION_KINDS, _("relation kind"))(kind)


def _short_texts(model, field: str):
    return listing(lambda entry: _entry_text(entry, model, field))


SCHEMAS: dict[str, list[Column]] = {
    "scientists": [
        Column("identifier", "标识", scientist_id, required=True),
        Column("name", "姓名", text(Scientist, "name"), required=True),
        Column("name_pinyin", "拼音", text(Scientist, "name_pinyin")),
        Column("gender", "性别", gender),
        Column("birth", "出生", written_date(max_length(Scientist, "birth_date_text"))),
        Column("death", "逝世", written_date(max_length(Scientist, "death_date_text"))),
        Column("birth_place", "出生地", text(Scientist, "birth_place")),
        Column("death_place", "逝世地", text(Scientist, "death_place")),
        Column("disciplines", "学科", listing(text(limit=100)), empty=()),
        Column("summary", "简介", text(Scientist, "summary")),
        Column("summary_en", "英文简介", text(Scientist, "summary_en")),
        Column("biography", "传记", text()),
        Column("names", "别名", listing(name_entry), empty=()),
        Column("honours", "荣誉", listing(honour_entry), empty=()),
        Column("affiliations", "机构", listing(affiliation_entry), empty=()),
        Column("relations", "关系", listing(relation_entry), empty=()),
        Column("portrait", "肖像", text(), empty=None),
    ],
    "fonds": [
        Column("identifier", "档号", archival_id, required=True),
        Column("title", "题名", text(Fonds, "title"), required=True),
        Column("scientist", "科学家", scientist_id, required=True),
        Column("date", "日期", written_date(max_length(Fonds, "date_text"))),
        Column("extent", "数量", text(Fonds, "extent")),
        Column("scope_content", "内容提要", text()),
        Column("custodial_history", "保管沿革", text()),
        Column("arrangement", "整理方式", text()),
        Column("collecting_institution", "采集单位", text(Fonds, "collecting_institution")),
    ],
    "series": [
        Column("identifier", "档号", archival_id, required=True),
        Column("title", "题名", text(Series, "title"), required=True),
        Column("fonds", "全宗", archival_id, required=True),
        Column("parent", "上级", archival_id, empty=None),
        Column("level", "层级", series_level, empty="series"),
        Column("position", "顺序", position, empty=0),
        Column("date", "日期", written_date(max_length(Series, "date_text"))),
        Column("scope_content", "内容提要", text()),
    ],
    "items": [
        Column("identifier", "档号", archival_id, required=True),
        Column("title", "题名", text(Item, "title"), required=True),
        Column("title_en", "英文题名", text(Item, "title_en")),
        Column("type", "类型", item_type, required=True),
        Column("series", "系列", archival_id, required=True),
        Column("date", "日期", written_date(max_length(Item, "date_text"))),
        Column("creators", "责任者", joined_list(Item, "creators")),
        Column("scientists", "相关科学家", listing(scientist_id), empty=()),
        Column("description", "描述", text()),
        Column("description_en", "英文描述", text()),
        Column("subjects", "主题词", listing(text(limit=100)), empty=()),
        Column("places", "地点", text(Item, "places")),
        Column("language", "语种", language, empty="zh-Hans"),
        Column("extent", "数量", text(Item, "extent")),
        Column("provenance", "来源", text()),
        Column("rights", "权利", rights, empty=RightsStatement.IN_COPYRIGHT.value),
        Column("access", "开放级别", access_level, empty=AccessLevel.PUBLIC.value),
        Column("embargo_until", "解密日期", iso_date, empty=None),
        Column("position", "顺序", position, empty=0),
        Column("files", "文件", listing(), empty=()),
    ],
    "interviews": [
        Column("item", "档号", archival_id, required=True),
        Column("interviewee", "受访人", scientist_id, required=True),
        Column("interviewers", "访谈人", text(Interview, "interviewers")),
        Column("interview_date", "访谈日期", iso_date, empty=None),
        Column("place", "地点", text(Interview, "place")),
        Column("language", "语种", language, empty="zh-Hans"),
        Column("dialect", "方言", text(Interview, "dialect")),
        Column("consent", "授权", consent, empty=ConsentStatus.PENDING.value),
        Column("consent_note", "授权说明", text()),
        Column("transcript", "文字稿", text(), empty=None),
        Column("index", "索引", text(), empty=None),
    ],
}
KEY_COLUMN = {
    "scientists": "identifier",
    "fonds": "identifier",
    "series": "identifier",
    "items": "identifier",
    "interviews": "item",
}


def _header_key(header: str) -> str:
    return re.sub(r"\s+", " ", header.strip()).lower()


def header_lookup(kind: str) -> dict[str, Column]:
    """Every accepted spelling of each header: `title`, `题名`, `title (题名)`, `title（题名）`."""
    lookup = {}
    for column in SCHEMAS[kind]:
        for spelling in (
            column.name,
            column.alias,
            f"{column.name} ({column.alias})",
            f"{column.name}（{column.alias}）",
            f"{column.alias}（{column.name}）",
            f"{column.alias} ({column.name})",
        ):
            lookup[_header_key(spelling)] = column
    return lookup


def map_header(kind: str, header: list[str]) -> tuple[list[Column | None], list[tuple[int, str]]]:
    """Columns in header order (None for a blank header) and (position, reason) problems."""
    lookup = header_lookup(kind)
    mapped: list[Column | None] = []
    problems = []
    seen: dict[str, int] = {}
    for position_, raw in enumerate(header):
        if not raw.strip():
            mapped.append(None)
            continue
        column = lookup.get(_header_key(raw))
        if column is None:
            known = ", ".join(f"{c.name} ({c.alias})" for c in SCHEMAS[kind])
            problems.append(
                (
                    position_,
                    _("unknown column “%(header)s”; the %(kind)s columns are %(known)s")
                    % {"header": raw.strip(), "kind": kind, "known": known},
                )
            )
        elif column.name in seen:
            problems.append((position_, _("column %(name)s appears twice") % {"name": column.name}))
        else:
            seen[column.name] = position_
        mapped.append(column if column is not None and seen.get(column.name) == position_ else None)
    for column in SCHEMAS[kind]:
        if column.required and column.name not in seen:
            problems.append(
                (
                    -1,
                    _("required column %(name)s (%(alias)s) is missing")
                    % {"name": column.name, "alias": column.alias},
                )
            )
    return mapped, problems
