"""A small archive with one record of every citable kind, fixed dates so citations are exact."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from tests.factories import (
    FondsFactory,
    InterviewFactory,
    ItemFactory,
    ScientistFactory,
    SeriesFactory,
)

ACCESSED = datetime.date(2026, 11, 3)


@pytest.fixture(autouse=True)
def accessed_today(monkeypatch):
    """Every citation carries the access date; pin it so expected strings stay exact."""
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: ACCESSED)


@pytest.fixture
def qian(db):
    scientist = ScientistFactory(
        identifier="qian-xuesen", name="钱学森", birth_year=1911, death_year=2009
    )
    fonds = FondsFactory(
        identifier="QXS",
        title="钱学森档案",
        scientist=scientist,
        collecting_institution="上海交通大学钱学森图书馆",
    )
    series = SeriesFactory(identifier="QXS-S1", title="手稿与书信", fonds=fonds)
    make = lambda identifier, **kw: ItemFactory(series=series, identifier=identifier, **kw)  # noqa: E731
    records = {
        "scientist": scientist,
        "fonds": fonds,
        "series": series,
        "manuscript": make(
            "QXS-001",
            title="《工程控制论》中文译本",
            item_type="manuscript",
            creators="钱学森",
            date_text="1956年3月",
        ),
        "letter": make(
            "QXS-002",
            title="致周培源的信",
            item_type="letter",
            creators="钱学森；蒋英",
            date_text="约1950年",
        ),
        "photograph": make(
            "QXS-003",
            title="钱学森回国抵达深圳",
            item_type="photograph",
            creators="新华社",
            date_text="1955年10月8日",
        ),
        "certificate": make(
            "QXS-004", title="学位证书", item_type="certificate", date_text="1950年代"
        ),
        "publication": make(
            "QXS-005",
            title="工程控制论",
            item_type="publication",
            creators="钱学森",
            date_text="1958",
        ),
        "object": make("QXS-006", title="计算尺", item_type="object", date_text="不详"),
    }
    interview = InterviewFactory(
        item__series=series,
        item__identifier="QXS-KS-001",
        item__title="钱学森口述访谈",
        item__date_text="1990年5月",
        interviewee=scientist,
        interviewers="张三；李四",
        interview_date=datetime.date(1990, 5, 3),
        duration_ms=3_600_000,
    )
    records["interview"] = interview
    return records
