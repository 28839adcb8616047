"""Builders for import manifests used by the test_import_* modules (no tests in here)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.utils import translation
from PIL import Image


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English, whatever translations the tree holds."""
    with translation.override("en"):
        yield


SCIENTISTS = [
    [
        "标识",
        "姓名",
        "拼音",
        "性别",
        "出生",
        "逝世",
        "出生地",
        "学科",
        "简介",
        "传记",
        "别名",
        "荣誉",
        "机构",
        "关系",
    ],
    [
        "qian-xuesen",
        "钱学森",
        "",
        "男",
        "1911年12月11日",
        "2009年10月31日",
        "上海",
        "力学；航天",
        "中国航天事业奠基人",
        "生于上海。\n\n1935年赴美留学。",
        "Tsien Hsue-shen|wade_giles",
        "中国科学院学部委员|1957；两弹一星功勋奖章|1999",
        "加州理工学院|教授|1949|1955；中国科学院力学研究所|所长|1956|1968",
        "guo-yonghuai|collaborator",
    ],
    [
        "guo-yonghuai",
        "郭永怀",
        "Guo Yonghuai",
        "male",
        "1909年",
        "1968年",
        "山东荣成",
        "力学",
        "",
        "",
        "",
        "",
        "",
        "",
    ],
]
FONDS = [
    ["identifier", "title", "scientist", "date", "extent", "collecting_institution"],
    ["F001", "钱学森学术成长资料", "qian-xuesen", "1930—2009", "120件", "上海交通大学"],
]
SERIES = [
    ["identifier", "title", "fonds", "parent", "level", "position"],
    # The sub-series comes first: it names a parent created later in the same manifest.
    ["S001.1", "早期手稿", "F001", "S001", "subseries", "1"],
    ["S001", "手稿", "F001", "", "series", "1"],
    ["S002", "口述访谈", "F001", "", "series", "2"],
]
ITEMS = [
    [
        "identifier",
        "title",
        "type",
        "series",
        "date",
        "creators",
        "scientists",
        "subjects",
        "rights",
        "access",
        "embargo_until",
        "files",
    ],
    [
        "IT-0001",
        "工程控制论手稿",
        "手稿",
        "S001.1",
        "1954年",
        "钱学森",
        "qian-xuesen",
        "控制论；工程",
        "InC",
        "公开",
        "",
        "scans/p1.png；scans/p2.png",
    ],
    [
        "IT-0002",
        "致郭永怀的信",
        "letter",
        "S001",
        "约1955年",
        "钱学森；蒋英",
        "qian-xuesen;guo-yonghuai",
        "",
        "NoC-US",
        "researchers",
        "2030-01-01",
        "",
    ],
    [
        "OH-0001",
        "钱学森口述访谈",
        "口述访谈",
        "S002",
        "1989年",
        "",
        "qian-xuesen",
        "航天",
        "",
        "",
        "",
        "",
    ],
]
INTERVIEWS = [
    [
        "item",
        "interviewee",
        "interviewers",
        "interview_date",
        "place",
        "consent",
        "transcript",
        "index",
    ],
    [
        "OH-0001",
        "qian-xuesen",
        "采集小组",
        "1989-05-04",
        "北京",
        "signed",
        "oh1.vtt",
        "oh1-index.vtt",
    ],
]
TRANSCRIPT = """WEBVTT

00:00:01.000 --> 00:00:04.500
<v 采访者>请您谈谈童年。

2
00:00:05.000 --> 00:00:09.000
钱学森：我小时候在北京读书。
"""
INDEX = """WEBVTT

00:00:00.000 --> 00:01:00.000
童年与求学
谈到在北京师范大学附中读书的经历。

00:01:00.000 --> 00:02:00.000
赴美留学
"""
MANIFEST = {
    "scientists": SCIENTISTS,
    "fonds": FONDS,
    "series": SERIES,
    "items": ITEMS,
    "interviews": INTERVIEWS,
}


def csv_text(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()


def write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8") -> Path:
    path.write_bytes(csv_text(rows).encode(encoding))
    return path


def write_png(path: Path, colour: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (8, 8), colour).save(path, format="PNG")
    return path


def write_media(folder: Path) -> None:
    write_png(folder / "scans" / "p1.png", "red")
    write_png(folder / "scans" / "p2.png", "blue")
    (folder / "oh1.vtt").write_text(TRANSCRIPT, encoding="utf-8")
    (folder / "oh1-index.vtt").write_text(INDEX, encoding="utf-8")


def csv_manifest(folder: Path, manifest: dict | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    write_media(folder)
    for kind, rows in (manifest or MANIFEST).items():
        write_csv(folder / f"{kind}.csv", rows)
    return folder


def xlsx_manifest(folder: Path, manifest: dict | None = None, name: str = "manifest.xlsx"):
    from openpyxl import Workbook

    folder.mkdir(parents=True, exist_ok=True)
    write_media(folder)
    workbook = Workbook()
    workbook.remove(workbook.active)
    for kind, rows in (manifest or MANIFEST).items():
        sheet = workbook.create_sheet(kind)
        for row in rows:
            sheet.append(row)
    path = folder / name
    workbook.save(path)
    return path


def replace_cell(rows: list[list[str]], row: int, column: str, value: str) -> list[list[str]]:
    """A copy of `rows` with one cell changed; `row` counts like a spreadsheet (header = 1)."""
    copy = [list(r) for r in rows]
    copy[row - 1][copy[0].index(column)] = value
    return copy
