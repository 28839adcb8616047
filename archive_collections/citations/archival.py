"""The citation as Chinese archival practice writes it:
责任者：《题名》，日期，《全宗》，档号，藏所。

Its punctuation and the 档号/藏 markers belong to the form itself, so they are not translated
with the interface. The date is the one the document gives, as written, which is what this form
has always shown.
"""

from __future__ import annotations

from datetime import date

from archive_collections.models import Item

from .record import Citable, item_citable


def book_title(title: str) -> str:
    """《》 around a title, unless the cataloguer already wrote book-title marks into it
    (《工程控制论》中文译本 must not become 《《工程控制论》中文译本》)."""
    if "《" in title or "》" in title:
        return title
    return f"《{title}》"


def archival_citation(citable: Citable) -> str:
    record = citable.record
    creators = "、".join(citable.author_names)
    title = book_title(citable.title)
    parts = [f"{creators}：{title}" if creators else title]
    if citable.written_date:
        parts.append(citable.written_date)
    parts.append(book_title(str(record["collection-title"])))
    parts.append(f"档号：{record['archive_location']}")
    if record.get("archive"):
        parts.append(f"{record['archive']}藏")
    year, month, day = record["accessed"]["date-parts"][0]
    return "，".join(parts) + f"。{record['URL']}（{year}年{month}月{day}日访问）"


def chinese_citation(item: Item, url: str, accessed: date) -> str:
    """The item page's archival citation, from the same record as every other form."""
    return archival_citation(item_citable(item, url, accessed))
