"""The demo's theme exhibition "党领导下的中国科学家", built from the demo archive's own records.

Every block refers to archive records by identifier (档号 / authority identifier), resolved to keys
here, so the exhibition shows the live catalogue: titles, dates and scans come from the records.
The texts are the curators' own summaries of well-documented public history. Loading is
idempotent: a page that already exists (a curator may have edited it) is left as it is.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page

from archive_collections.models import Interview, Item, Scientist

from .models import (
    ChapterPage,
    Credit,
    ExhibitionCredit,
    ExhibitionIndexPage,
    ExhibitionPage,
    HomePage,
    ScientistStoryPage,
    TeacherResourcePage,
)

EXHIBITION_SLUG = "chinese-scientists-under-the-party"
CURATORS_GROUP = "策展人"
# Wagtail's own group, created by its migrations; its "Moderators approval" workflow covers
# every page and is the step between a curator's submission and publishing.
MODERATORS_GROUP = "Moderators"
CURATOR_PAGE_PERMISSIONS = ["add_page", "change_page"]  # never publish_page: moderators do
CURATOR_IMAGE_PERMISSIONS = ["add_image", "change_image", "choose_image"]
CREDIT_PERMISSIONS = ["add_credit", "change_credit", "view_credit"]
# The archive-record choosers in exhibit blocks list Items, Interviews and Scientists.
CHOOSER_PERMISSIONS = ["view_item", "view_interview", "view_scientist"]


class Refs:
    """Identifier → key lookups for the records the demo pages use; unknown ones are reported."""

    def __init__(self):
        self.items = dict(Item.objects.values_list("identifier", "pk"))
        self.scientists = dict(Scientist.objects.values_list("identifier", "pk"))
        self.interviews = dict(Interview.objects.values_list("item__identifier", "pk"))
        self.missing: set[str] = set()

    def _get(self, table: dict, key: str):
        if key not in table:
            self.missing.add(key)
        return table.get(key)

    def item(self, identifier: str):
        return self._get(self.items, identifier)

    def scientist(self, identifier: str):
        return self._get(self.scientists, identifier)

    def interview(self, identifier: str):
        return self._get(self.interviews, identifier)


# Block builders: raw StreamField data; a block whose record is missing is left out. -----------


def text(html: str) -> dict:
    return {"type": "text", "value": html}


def item(refs: Refs, identifier: str, caption: str = "") -> dict | None:
    pk = refs.item(identifier)
    return pk and {"type": "item", "value": {"item": pk, "caption": caption}}


def gallery(refs: Refs, heading: str, identifiers: list[str]) -> dict | None:
    pks = [pk for pk in (refs.item(i) for i in identifiers) if pk]
    return pks and {"type": "gallery", "value": {"heading": heading, "items": pks}}


def timeline(refs: Refs, heading: str, events: list[tuple[str, str, str, str]]) -> dict:
    """events: (date as written or "", label, description, item identifier or "")."""
    values = []
    for written, label, description, identifier in events:
        pk = refs.item(identifier) if identifier else None
        if not written and not pk:
            continue
        values.append(
            {"date_text": written, "label": label, "description": description, "item": pk}
        )
    return {"type": "timeline", "value": {"heading": heading, "events": values}}


def scientists(refs: Refs, heading: str, identifiers: list[str]) -> dict | None:
    pks = [pk for pk in (refs.scientist(i) for i in identifiers) if pk]
    return pks and {"type": "scientists", "value": {"heading": heading, "scientists": pks}}


def clip(refs: Refs, identifier: str, start: str, end: str, caption: str) -> dict | None:
    pk = refs.interview(identifier)
    return pk and {
        "type": "clip",
        "value": {"interview": pk, "start": start, "end": end, "caption": caption},
    }


def quote(refs: Refs, identifier: str, words: str, speaker: str) -> dict | None:
    pk = refs.interview(identifier)
    return pk and {
        "type": "pull_quote",
        "value": {"quote": words, "speaker": speaker, "item": None, "interview": pk},
    }


def detail(refs: Refs, identifier: str, region: tuple, alt: str, caption: str) -> dict | None:
    pk = refs.item(identifier)
    x, y, w, h = region
    return pk and {
        "type": "deep_zoom",
        "value": {
            "item": pk,
            "page": 1,
            "x": x,
            "y": y,
            "width": w,
            "height": h,
            "alt": alt,
            "caption": caption,
        },
    }


def comparison(refs: Refs, heading: str, left: tuple, right: tuple, commentary: str):
    lpk, rpk = refs.item(left[0]), refs.item(right[0])
    return (
        lpk
        and rpk
        and {
            "type": "comparison",
            "value": {
                "heading": heading,
                "left": {"item": lpk, "caption": left[1]},
                "right": {"item": rpk, "caption": right[1]},
                "commentary": commentary,
            },
        }
    )


def classroom(heading: str, html: str, grade: str = "") -> dict:
    return {"type": "classroom", "value": {"heading": heading, "text": html, "grade_hint": grade}}


def stream(*blocks) -> str:
    return json.dumps([block for block in blocks if block], ensure_ascii=False)


# Pages ----------------------------------------------------------------------------------------


def _child(parent: Page, model, slug: str, build: Callable[[], Page], log) -> Page:
    existing = model.objects.child_of(parent).filter(slug=slug).first()
    if existing is not None:
        log(f"  {existing.title}: already present, left unchanged")
        return existing
    page = build()
    page.slug = slug
    parent.add_child(instance=page)
    page.save_revision(log_action=True).publish()
    log(f"  {page.title}: created and published")
    return page


def chapters(refs: Refs) -> list[dict]:
    return [
        {
            "slug": "founding",
            "title": "归国与新中国科学事业的奠基",
            "period_label": "1949—1956",
            "start_year": 1949,
            "end_year": 1956,
            "introduction": (
                "新中国成立时，全国专门从事科学研究的人员不过数百人。中国共产党把发展科学事业"
                "列为国家建设的重要任务：1949年11月中国科学院成立，一批在海外学有所成的科学家"
                "冲破重重阻挠回到祖国，为新中国的科学事业打下了根基。"
            ),
            "body": stream(
                text(
                    "<p>1949年前后，许多中国科学家正在欧美的大学和实验室工作。新中国成立的消息"
                    "传来，他们中的很多人放弃了优厚的条件，选择回国。数学家华罗庚1950年从美国"
                    "启程回国；核物理学家钱三强、何泽慧夫妇1948年已从法国回到北平；地质学家"
                    "李四光1950年辗转回国，随后主持全国的地质工作。</p>"
                ),
                gallery(refs, "归国之路", ["DA-HLG-04-001", "DA-QSQ-03-002", "DA-QSQ-04-002"]),
                text(
                    "<p>钱学森的归国之路最为曲折。他在美国被限制出境长达五年，直到1955年才得以"
                    "回到祖国。回国后不久，他便参与筹建中国科学院力学研究所，并担任所长。</p>"
                ),
                quote(
                    refs,
                    "DA-QXS-01-001",
                    "一九五五年我回到祖国，第二年参与筹建中国科学院力学研究所。",
                    "钱学森（合成语音演示）",
                ),
                clip(refs, "DA-QXS-01-001", "00:33", "00:53", "回国后最先承担的工作"),
                item(refs, "DA-QXS-04-002", "力学研究所成立初期的留影，记录了新机构起步时的样子。"),
                timeline(
                    refs,
                    "大事记",
                    [
                        (
                            "1949年11月",
                            "中国科学院成立",
                            "新中国的科学研究有了全国性的组织中心。",
                            "",
                        ),
                        (
                            "",
                            "华罗庚回国",
                            "从美国启程，途中写下致留美学生的公开信。",
                            "DA-HLG-04-001",
                        ),
                        ("1955年", "钱学森回国", "历经五年阻挠后回到祖国。", ""),
                        ("", "筹建力学研究所", "钱学森致筹建组同事的信。", "DA-QXS-03-002"),
                    ],
                ),
                scientists(
                    refs,
                    "本章人物",
                    ["hua-luogeng", "qian-sanqiang", "he-zehui", "li-siguang", "qian-xuesen"],
                ),
            ),
        },
        {
            "slug": "march-on-science",
            "title": "向科学进军：十二年远景规划",
            "period_label": "1956—1966",
            "start_year": 1956,
            "end_year": 1966,
            "introduction": (
                "1956年1月，中共中央召开关于知识分子问题的会议，发出“向科学进军”的号召。"
                "随后，数百位科学家参与编制《1956—1967年科学技术发展远景规划纲要》，"
                "确定了原子能、电子学、半导体、自动化、计算技术等重点任务。"
            ),
            "body": stream(
                text(
                    "<p>十二年远景规划是新中国第一个科学技术长远规划。它把国家建设的需要与科学"
                    "发展的方向联系起来，许多重点任务提前完成，一批新的研究所和学科在这一时期"
                    "建立起来。</p>"
                ),
                item(
                    refs,
                    "DA-QXS-06-001",
                    "《工程控制论》中文译本出版，把控制理论带给国内的工程界。",
                ),
                item(refs, "DA-HLG-06-001", "华罗庚的《数论导引》，是国内数论研究者的重要读物。"),
                detail(
                    refs,
                    "DA-LSG-02-002",
                    (10, 12, 80, 40),
                    "地质力学讲稿第一页上部的标题与提纲",
                    "李四光地质力学讲稿的开篇提纲",
                ),
                gallery(refs, "考察与研究", ["DA-ZKZ-04-002", "DA-ZKZ-02-003", "DA-WGC-04-001"]),
                classroom(
                    "想一想",
                    "<p>为什么国家要为科学技术制定长远规划？规划和科学家个人的兴趣之间"
                    "是什么关系？</p>",
                    "初中 / 高中",
                ),
            ),
        },
        {
            "slug": "two-bombs-one-satellite",
            "title": "两弹一星",
            "period_label": "1960年代—1970",
            "start_year": 1960,
            "end_year": 1970,
            "introduction": (
                "在党中央的决策和组织下，一大批科学家隐姓埋名，在艰苦的条件下自力更生研制"
                "原子弹、氢弹和人造卫星：1964年10月16日第一颗原子弹爆炸成功，1967年6月17日"
                "第一颗氢弹空爆成功，1970年4月24日“东方红一号”卫星发射成功。"
            ),
            "body": stream(
                text(
                    "<p>从原子弹到氢弹，中国只用了两年零八个月。理论设计、实验测试、工程制造"
                    "需要成千上万人的协作。邓稼先领导理论部开展原子弹的理论设计，于敏在氢弹原理"
                    "的突破中作出关键贡献，程开甲在戈壁深处组织核试验的测试工作。</p>"
                ),
                gallery(
                    refs, "在试验场和理论部", ["DA-CKJ-04-002", "DA-DJX-04-002", "DA-YM-04-001"]
                ),
                detail(
                    refs,
                    "DA-YM-02-002",
                    (8, 20, 84, 35),
                    "原子核理论研究笔记中的一段推导",
                    "于敏原子核理论研究笔记（局部）",
                ),
                timeline(
                    refs,
                    "关键时刻",
                    [
                        ("1964年10月16日", "第一颗原子弹爆炸成功", "", ""),
                        ("1967年6月17日", "第一颗氢弹空爆成功", "", ""),
                        ("1970年4月24日", "“东方红一号”卫星发射成功", "", ""),
                        (
                            "",
                            "两弹一星功勋奖章",
                            "1999年，国家表彰23位为两弹一星作出突出贡献的科技专家。",
                            "DA-CKJ-05-001",
                        ),
                    ],
                ),
                comparison(
                    refs,
                    "两枚证书",
                    ("DA-CKJ-05-001", "程开甲获颁的功勋奖章证书"),
                    ("DA-DJX-05-001", "邓稼先获追授的功勋奖章证书"),
                    "<p>邓稼先1986年去世，没能看到这一表彰；他的证书是追授的。</p>",
                ),
                scientists(
                    refs,
                    "本章人物",
                    [
                        "deng-jiaxian",
                        "yu-min",
                        "cheng-kaijia",
                        "wang-ganchang",
                        "qian-sanqiang",
                        "qian-xuesen",
                    ],
                ),
            ),
        },
        {
            "slug": "spring-of-science",
            "title": "科学的春天",
            "period_label": "1978",
            "start_year": 1978,
            "end_year": 1978,
            "introduction": (
                "1978年3月，全国科学大会在北京召开。大会重申科学技术是生产力，知识分子是"
                "工人阶级的一部分。会议闭幕时宣读的书面讲话把这一时刻称为“科学的春天”。"
            ),
            "body": stream(
                text(
                    "<p>这一时期，陈景润关于哥德巴赫猜想的研究成果通过报告文学广为人知，"
                    "“学科学、爱科学”成为一代青年的风尚。华罗庚则带领小分队到工厂农村推广"
                    "优选法和统筹法，让数学走进生产一线。</p>"
                ),
                item(refs, "DA-CJR-04-001", "陈景润出席全国科学大会。"),
                comparison(
                    refs,
                    "师生之间",
                    ("DA-CJR-02-002", "陈景润早年的塔里问题研究笔记"),
                    ("DA-HLG-03-002", "华罗庚与陈景润讨论数论问题的便笺"),
                    "<p>华罗庚读到陈景润关于塔里问题的论文后，把他调到中国科学院数学研究所。"
                    "两份材料放在一起，可以看到一位老师如何发现并培养学生。</p>",
                ),
                item(refs, "DA-HLG-02-002", "优选法讲义底稿。"),
                scientists(refs, "本章人物", ["chen-jingrun", "hua-luogeng"]),
            ),
        },
        {
            "slug": "reform-and-rejuvenation",
            "title": "改革开放与科教兴国",
            "period_label": "1980年代—2000年代",
            "start_year": 1980,
            "end_year": 2009,
            "introduction": (
                "改革开放以后，科技体制改革逐步展开。1986年3月，王淦昌等四位科学家建议跟踪"
                "世界高技术发展，促成了“863计划”；1995年，国家提出实施科教兴国战略；2000年起"
                "设立国家最高科学技术奖。"
            ),
            "body": stream(
                item(refs, "DA-WGC-08-001", "四位科学家联名建议的抄件。邓小平同志很快作出批示。"),
                text(
                    "<p>863计划把有限的力量集中到生物、航天、信息、激光、自动化、能源和新材料等"
                    "领域，培养了一代高技术研究人才。袁隆平的杂交水稻在这一时期大面积推广，"
                    "2001年他成为首批国家最高科学技术奖获得者之一。</p>"
                ),
                gallery(
                    refs, "实验室与试验田", ["DA-HZH-04-002", "DA-YLP-04-002", "DA-YLP-05-001"]
                ),
                timeline(
                    refs,
                    "大事记",
                    [
                        ("", "863计划建议", "", "DA-WGC-08-001"),
                        ("1995年5月", "提出实施科教兴国战略", "", ""),
                        ("", "首届国家最高科学技术奖", "", "DA-YLP-05-001"),
                    ],
                ),
                scientists(refs, "本章人物", ["wang-ganchang", "he-zehui", "yuan-longping"]),
            ),
        },
        {
            "slug": "new-era",
            "title": "新时代的科学家精神",
            "period_label": "2012年以来",
            "start_year": 2012,
            "end_year": None,
            "introduction": (
                "进入新时代，国家把科技自立自强作为发展的战略支撑，大力弘扬以爱国、创新、"
                "求实、奉献、协同、育人为内涵的科学家精神。老一辈科学家获得国家的最高荣誉。"
            ),
            "body": stream(
                text(
                    "<p>2015年，屠呦呦因发现青蒿素获得诺贝尔生理学或医学奖，这是中国本土科学家"
                    "首次获得该奖项。2019年，于敏、袁隆平、屠呦呦等被授予“共和国勋章”。</p>"
                ),
                gallery(
                    refs,
                    "荣誉",
                    ["DA-TYY-04-002", "DA-TYY-05-001", "DA-YM-05-002", "DA-CKJ-07-001"],
                ),
                classroom(
                    "讨论",
                    "<p>科学家精神包括爱国、创新、求实、奉献、协同、育人。请从本展览中"
                    "任选一位科学家，找出能体现其中一点的一件档案资料。</p>",
                    "高中",
                ),
                scientists(
                    refs, "本章人物", ["tu-youyou", "yu-min", "yuan-longping", "cheng-kaijia"]
                ),
            ),
        },
    ]


def stories(refs: Refs) -> list[dict]:
    return [
        {
            "slug": "qian-xuesen-road-home",
            "title": "钱学森：五年归国路",
            "scientist": refs.scientist("qian-xuesen"),
            "listing_summary": "从加州理工学院到中国科学院力学研究所，一位科学家的选择。",
            "standfirst": "1950年，钱学森决定回国，却被阻拦了整整五年。",
            "body": stream(
                text(
                    "<p>钱学森1935年赴美留学，在冯·卡门指导下研究空气动力学，成为喷气推进"
                    "领域的知名学者。1950年他准备回国时遭到扣留，此后长期受到监视。"
                    "其间他完成了《工程控制论》。1955年，经过多方努力，他终于踏上归途。</p>"
                ),
                item(refs, "DA-QXS-04-001", "留美期间在实验室工作。"),
                item(refs, "DA-QXS-02-002", "《工程控制论》书稿的章节提纲。"),
                clip(refs, "DA-QXS-01-001", "00:09", "00:33", "谈早年求学经历"),
                text(
                    "<p>回国后，他参与筹建力学研究所，又投入导弹和航天事业，被誉为"
                    "“中国航天事业的奠基人之一”。</p>"
                ),
                item(refs, "DA-QXS-03-002"),
            ),
        },
        {
            "slug": "tu-youyou-artemisinin",
            "title": "屠呦呦：从古籍中寻找青蒿素",
            "scientist": refs.scientist("tu-youyou"),
            "listing_summary": "一项国家任务、一句古代医方和一次次失败之后的发现。",
            "standfirst": (
                "上世纪六七十年代，抗疟药物研究是一项国家任务，屠呦呦和同事从古代医籍中找到了线索。"
            ),
            "body": stream(
                text(
                    "<p>1969年，屠呦呦加入国家组织的抗疟药物研究。她和同事查阅大量中医古籍，"
                    "收集了数百个方药。东晋葛洪《肘后备急方》中“青蒿一握，以水二升渍，"
                    "绞取汁”的记载启发了她：加热可能破坏有效成分。改用低沸点溶剂提取后，"
                    "青蒿提取物对疟原虫的抑制率显著提高。</p>"
                ),
                item(refs, "DA-TYY-02-002", "从古籍中摘录的抗疟方药卡片。"),
                item(refs, "DA-TYY-07-001", "提取实验用过的玻璃器皿。"),
                detail(
                    refs,
                    "DA-TYY-02-002",
                    (5, 10, 90, 45),
                    "方药摘录卡片上部的手写条目",
                    "卡片上的摘录（局部）",
                ),
                item(refs, "DA-TYY-05-001", "2015年诺贝尔生理学或医学奖证书。"),
            ),
        },
    ]


def resources(refs: Refs) -> list[dict]:
    def plain(kind: str, values: list[str]) -> str:
        return json.dumps([{"type": kind, "value": v} for v in values], ensure_ascii=False)

    return [
        {
            "slug": "junior-two-bombs-one-satellite",
            "title": "初中历史：两弹一星与科学家精神",
            "grade_band": "junior",
            "subject": "历史",
            "lesson_minutes": 45,
            "listing_summary": "借助档案资料，认识两弹一星的历史和科学家的奉献。",
            "overview": "本课配合初中历史“独立自主的和平外交与国防建设”相关内容，使用展览中的"
            "照片、证书和笔记，引导学生从实物史料中认识两弹一星的历史。",
            "learning_objectives": plain(
                "objective",
                [
                    "说出我国第一颗原子弹、第一颗氢弹和第一颗人造卫星成功的时间。",
                    "通过照片和证书等档案资料，了解科学家在艰苦条件下的工作。",
                    "用自己的话说明什么是科学家精神。",
                ],
            ),
            "discussion_questions": plain(
                "question",
                [
                    "为什么许多参与研制的科学家多年“隐姓埋名”？",
                    "邓稼先的功勋奖章是追授的，这说明了什么？",
                ],
            ),
            "activities": json.dumps(
                [
                    {
                        "type": "activity",
                        "value": {
                            "title": "看图说史",
                            "minutes": 15,
                            "instructions": "<p>分组观察戈壁试验场区的照片，"
                            "说说照片里能看到哪些工作条件。</p>",
                        },
                    },
                    {
                        "type": "activity",
                        "value": {
                            "title": "排一排时间线",
                            "minutes": 10,
                            "instructions": "<p>把原子弹、氢弹、人造卫星的成功时间"
                            "按顺序排好，并计算间隔。</p>",
                        },
                    },
                ],
                ensure_ascii=False,
            ),
            "linked_items": stream(
                item(refs, "DA-CKJ-04-002"),
                item(refs, "DA-DJX-05-001"),
                detail(
                    refs,
                    "DA-YM-02-002",
                    (8, 20, 84, 35),
                    "研究笔记中的一段推导",
                    "于敏研究笔记（局部）",
                ),
            ),
            "worksheet_title": "学习单：两弹一星",
            "worksheet": json.dumps(
                [
                    {"type": "instructions", "value": "阅读展览“两弹一星”一章，完成下列问题。"},
                    {
                        "type": "question",
                        "value": {
                            "question": "我国第一颗原子弹爆炸成功的日期是：",
                            "answer_lines": 1,
                        },
                    },
                    {
                        "type": "question",
                        "value": {"question": "从原子弹到氢弹用了多长时间？", "answer_lines": 1},
                    },
                    {
                        "type": "question",
                        "value": {
                            "question": "选一件档案资料，写出它告诉了你什么。",
                            "answer_lines": 4,
                        },
                    },
                ],
                ensure_ascii=False,
            ),
        },
        {
            "slug": "senior-scientists-spirit",
            "title": "高中思想政治：科学家精神与科技自立自强",
            "grade_band": "senior",
            "subject": "思想政治",
            "lesson_minutes": 45,
            "listing_summary": "比较不同时代科学家的选择，讨论科技自立自强。",
            "overview": "本课以展览的六个章节为线索，请学生比较不同时代科学家面临的选择，"
            "理解党领导科技事业发展的历程和科学家精神的内涵。",
            "learning_objectives": plain(
                "objective",
                [
                    "概括新中国科技事业发展的几个阶段及其标志性事件。",
                    "结合具体档案资料，说明科学家精神的内涵。",
                    "讨论科技自立自强对国家发展的意义。",
                ],
            ),
            "discussion_questions": plain(
                "question",
                [
                    "钱学森、华罗庚等人放弃国外条件回国，他们考虑的是什么？",
                    "“863计划”为什么由科学家提出建议？这说明了科学家与国家决策的什么关系？",
                    "今天的青年学生可以怎样传承科学家精神？",
                ],
            ),
            "activities": json.dumps(
                [
                    {
                        "type": "activity",
                        "value": {
                            "title": "档案研读",
                            "minutes": 20,
                            "instructions": "<ol><li>每组选一个章节。</li>"
                            "<li>找出一件最能代表这一时期"
                            "的档案资料，并说明理由。</li></ol>",
                        },
                    },
                ],
                ensure_ascii=False,
            ),
            "linked_items": stream(
                item(refs, "DA-WGC-08-001"),
                clip(
                    refs, "DA-QXS-01-001", "00:33", "00:53", "钱学森谈回国后的工作（合成语音演示）"
                ),
                item(refs, "DA-TYY-05-001"),
            ),
            "worksheet_title": "学习单：科学家精神",
            "worksheet": json.dumps(
                [
                    {
                        "type": "instructions",
                        "value": "浏览展览“党领导下的中国科学家”，完成下列问题。",
                    },
                    {
                        "type": "question",
                        "value": {
                            "question": "按时间顺序写出展览六个章节的名称。",
                            "answer_lines": 3,
                        },
                    },
                    {
                        "type": "question",
                        "value": {
                            "question": "科学家精神包括哪些内涵？任选一点，"
                            "用一件档案资料加以说明。",
                            "answer_lines": 5,
                        },
                    },
                ],
                ensure_ascii=False,
            ),
        },
    ]


def _permissions(app_label: str, codenames: list[str]) -> list[Permission]:
    found = list(
        Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
    )
    missing = set(codenames) - {permission.codename for permission in found}
    if missing:
        raise RuntimeError(
            _("Permission(s) %(names)s of %(app)s are missing; run `manage.py migrate` first.")
            % {"names": ", ".join(sorted(missing)), "app": app_label}
        )
    return found


@transaction.atomic
def ensure_curator_group(home: Page, log: Callable[[str], None] = print) -> Group:
    """The 策展人 (curators) group: edit the site's pages and submit them for moderation, manage
    exhibition images and credits, choose archive records; publishing is left to Wagtail's
    Moderators group, which approves through the default workflow. Missing permissions are
    added; permissions someone granted in the admin are kept."""
    curators, created = Group.objects.get_or_create(name=CURATORS_GROUP)
    curators.permissions.add(
        *_permissions("wagtailadmin", ["access_admin"]),
        *_permissions("exhibits", CREDIT_PERMISSIONS),
        *_permissions("collections", CHOOSER_PERMISSIONS),
    )
    for permission in _permissions("wagtailcore", CURATOR_PAGE_PERMISSIONS):
        GroupPagePermission.objects.get_or_create(group=curators, page=home, permission=permission)
    root_collection = Collection.get_first_root_node()
    for permission in _permissions("wagtailimages", CURATOR_IMAGE_PERMISSIONS):
        GroupCollectionPermission.objects.get_or_create(
            group=curators, collection=root_collection, permission=permission
        )
    moderators = Group.objects.filter(name=MODERATORS_GROUP).first()
    if moderators is not None:
        moderators.permissions.add(
            *_permissions("exhibits", CREDIT_PERMISSIONS),
            *_permissions("collections", CHOOSER_PERMISSIONS),
        )
    if created:
        log(_("  group %(group)s: created") % {"group": CURATORS_GROUP})
    else:
        log(
            _("  group %(group)s: already present, permissions checked") % {"group": CURATORS_GROUP}
        )
    if moderators is None:
        log(
            _("  no %(group)s group, so nobody can approve curators' submissions yet")
            % {"group": MODERATORS_GROUP}
        )
    return curators


@transaction.atomic
def load_theme_exhibition(log: Callable[[str], None] = print) -> ExhibitionPage | None:
    """Create the theme exhibition under the home page, and the curators' group that edits it;
    existing pages are left as they are."""
    home = HomePage.objects.first()
    if home is None:
        log("  no home page exists; the theme exhibition was not created")
        return None
    ensure_curator_group(home, log)
    refs = Refs()
    index = _child(
        home,
        ExhibitionIndexPage,
        "exhibitions",
        lambda: ExhibitionIndexPage(
            title="专题展览",
            introduction="<p>以档案讲述科学家的成长道路与科学精神。每个展览都直接引用档案中的"
            "原始资料，档案著录更新时，展览中的内容随之更新。</p>",
        ),
        log,
    )
    exhibition = _child(
        index,
        ExhibitionPage,
        EXHIBITION_SLUG,
        lambda: ExhibitionPage(
            title="党领导下的中国科学家",
            subtitle="从归国奠基到科技自立自强",
            listing_summary="六个章节，讲述新中国科学家在党的领导下投身国家科技事业的历程。",
            curators_statement=(
                "<p>这个展览按照历史时期分为六章，从1949年前后科学家回国参加建设讲起，到新时代"
                "弘扬科学家精神为止。展品全部来自本平台的“老科学家学术成长资料采集工程”演示档案："
                "书信、手稿、照片、证书和口述访谈。展览中的每件展品都直接链接档案记录，"
                "您可以点开查看完整的著录信息。</p><p>演示说明：展品为系统生成的示例资料，"
                "历史叙述依据公开史实，由策展人撰写。</p>"
            ),
            opening_date=date(2026, 10, 1),
            # In the page, not added afterwards: credits live in the page's revisions, so a link
            # created beside them would vanish the next time a curator publishes the page.
            credit_links=[
                ExhibitionCredit(
                    credit=Credit.objects.get_or_create(
                        name="演示策展小组", organisation="演示采集小组"
                    )[0],
                    role="策展",
                )
            ],
        ),
        log,
    )
    for spec in chapters(refs):
        slug = spec.pop("slug")
        _child(exhibition, ChapterPage, slug, lambda spec=spec: ChapterPage(**spec), log)
    for spec in stories(refs):
        slug = spec.pop("slug")
        scientist_pk = spec.pop("scientist")
        _child(
            exhibition,
            ScientistStoryPage,
            slug,
            lambda spec=spec, pk=scientist_pk: ScientistStoryPage(scientist_id=pk, **spec),
            log,
        )
    for spec in resources(refs):
        slug = spec.pop("slug")
        _child(
            exhibition,
            TeacherResourcePage,
            slug,
            lambda spec=spec: TeacherResourcePage(**spec),
            log,
        )
    if refs.missing:
        log("  records not in the archive, left out: " + ", ".join(sorted(refs.missing)))
    return exhibition
