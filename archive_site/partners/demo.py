"""The partner network's demo (called by load_demo): six organisations of every kind, three member
logins, and contributions in every state, made through the same services the contribution area
and the review queue use (`submitting`, `deciding`), so the demo's history is a real one.

Their files are drawn by the demo media's renderers (fixtures/media_images.py: page "scans" with
the 演示数据 banner, a captioned synthetic picture for the poster) into a scratch folder and
ingested like any upload; the task worker makes their thumbnails. Running it again changes
nothing: organisations are found by code, accounts by username, contributions by organisation and
title, and nothing is drawn for what exists.

The organisations are real bodies named as such; their descriptions were written for this demo,
their contacts are demo addresses, and every contribution says it is demo data.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.files import File
from django.db import transaction
from django.utils.translation import gettext as _

from archive_collections.models import Scientist
from archive_collections.models.choices import AccessLevel
from fixtures import media_images

from . import deciding, submitting
from .models import Contribution, MemberRole, Membership, Organisation

# The partner-site demo of the embeds serves its page from this loopback origin.
EMBED_ORIGINS = "http://127.0.0.1:8001\nhttp://localhost:8001"

ORGANISATIONS = [
    {
        "code": "cstam",
        "name": "中国力学学会",
        "name_en": "Chinese Society of Theoretical and Applied Mechanics",
        "kind": "society",
        "region": "00",
        "contact_name": "学会科普工作部（演示联系人）",
        "contact_email": "cstam-demo@example.org",
        "website": "https://www.cstam.org.cn",
        "description": "全国性的力学学术团体。在本平台上推荐与力学学科有关的老科学家资料，"
        "并把会员单位制作的科普作品放进资源库，供各地科协和学校取用。（演示数据）",
        "description_en": "The national learned society for mechanics. Here it recommends "
        "materials on the mechanics pioneers and shares its members' outreach work. (Demo data)",
    },
    {
        "code": "sxkx",
        "name": "陕西省科学技术协会",
        "name_en": "Shaanxi Association for Science and Technology",
        "kind": "association",
        "region": "61",
        "contact_name": "科普部（演示联系人）",
        "contact_email": "sxkx-demo@example.org",
        "contact_phone": "029-0000-0000",
        "description": "省级科协。组织全省的科学家精神宣讲活动，收集基层科协和学校在活动中形成的"
        "案例和材料，经审核后共享；其网站嵌入本平台的展览章节。（演示数据）",
        "description_en": "The provincial science and technology association. It gathers the "
        "cases and materials its talks on the scientist spirit produce and embeds the "
        "platform's chapters on its own site. (Demo data)",
        "embed_origins": EMBED_ORIGINS,
    },
    {
        "code": "shkx",
        "name": "上海市科学技术协会",
        "name_en": "Shanghai Association for Science and Technology",
        "kind": "association",
        "region": "31",
        "contact_name": "学会学术部（演示联系人）",
        "contact_email": "shkx-demo@example.org",
        "description": "市级科协。与市内的教育基地和高校合作，推荐适合中小学的展览与课堂资源。"
        "（演示数据）",
        "description_en": "The municipal association. It works with the city's education bases "
        "and universities and recommends resources for schools. (Demo data)",
    },
    {
        "code": "cj-mech",
        "name": "力学家学术成长资料采集小组",
        "name_en": "Collecting team for the mechanics scientists",
        "kind": "team",
        "region": "11",
        "contact_name": "采集小组负责人（演示联系人）",
        "contact_email": "collecting-demo@example.org",
        "description": "采集工程中的一个采集小组（演示用的名称）：访谈老科学家及其同事，"
        "整理手稿、书信和照片，按工程的著录规范提交。（演示数据）",
        "description_en": "A collecting team of the programme (a demo name): it interviews the "
        "scientists and their colleagues and submits manuscripts, letters and photographs "
        "catalogued to the programme's rules. (Demo data)",
    },
    {
        "code": "qxs-library",
        "name": "钱学森图书馆",
        "name_en": "Qian Xuesen Library and Museum",
        "kind": "base",
        "region": "31",
        "contact_name": "社会教育部（演示联系人）",
        "contact_email": "qxslib-demo@example.org",
        "description": "以钱学森生平与科学贡献为主题的纪念馆，也是科学家精神教育基地。"
        "在本平台共享展陈图片和研学活动方案。（演示数据）",
        "description_en": "A museum of Qian Xuesen's life and work and a base for education in "
        "the scientist spirit; it shares exhibition pictures and study-visit plans. (Demo data)",
    },
    {
        "code": "xjtu",
        "name": "西安交通大学",
        "name_en": "Xi'an Jiaotong University",
        "kind": "institution",
        "region": "61",
        "contact_name": "校史馆（演示联系人）",
        "contact_email": "xjtu-demo@example.org",
        "description": "高校。校史馆整理学校西迁以来的档案，推荐与本校有渊源的科学家资料。"
        "（演示数据）",
        "description_en": "A university whose history museum keeps the records of its move to "
        "Xi'an and recommends materials on scientists linked to it. (Demo data)",
    },
]

#: (username, organisation code, role): the logins load_demo prints.
ACCOUNTS = [
    ("shaanxi", "sxkx", MemberRole.EDITOR),
    ("shaanxi-contrib", "sxkx", MemberRole.CONTRIBUTOR),
    ("cstam", "cstam", MemberRole.CONTRIBUTOR),
]
PASSWORD_VARIABLE = "DEMO_PARTNER_PASSWORD"  # noqa: S105 — the name of a variable, not a password


@dataclass
class DemoContribution:
    """One demo contribution: what is submitted, its files, and what the reviewer decides."""

    member: str
    submission: dict
    scientists: list[str]
    pages: int = 0  # page scans drawn from the description
    poster: bool = False  # one captioned picture
    decision: str = ""  # "", "approve", "changes", "reject"
    comment: str = ""
    item: dict = field(default_factory=dict)


CONTRIBUTIONS = [
    DemoContribution(
        member="shaanxi-contrib",
        submission={
            "kind": "case",
            "title": "科学家精神宣讲进社区：一场关于邓稼先的讲座（演示案例）",
            "summary": "省科协组织的社区讲座，以邓稼先隐姓埋名投身核武器研制的经历为主线，"
            "配合档案图片讲述“干惊天动地事，做隐姓埋名人”。",
            "body": "讲座面向社区居民和中学生，时长约一小时。\n\n"
            "主讲人先介绍邓稼先的求学经历，再结合档案中的工作照片讲述他在西北基地的工作条件，"
            "最后请听众讨论：今天的青年怎样理解奉献。\n\n"
            "本案例为演示数据，活动与人物细节为示意。",
            "theme": "dedication",
            "licence": "cc-by-4.0",
            "source_statement": "陕西省科协科普部自行组织并记录，图片由主办方拍摄。（演示）",
        },
        scientists=["deng-jiaxian"],
        pages=1,
        decision="approve",
        comment="案例完整，准予公开。",
    ),
    DemoContribution(
        member="cstam",
        submission={
            "kind": "product",
            "product_kind": "poster",
            "title": "钱学森与中国力学（主题海报，演示）",
            "summary": "一张介绍钱学森在力学领域工作的主题海报，适合在学校和科技馆张贴。",
            "theme": "innovation",
            "licence": "cc-by-nc-4.0",
            "source_statement": "中国力学学会科普工作委员会设计制作，版权归学会所有。（演示）",
        },
        scientists=["qian-xuesen"],
        poster=True,
        decision="approve",
    ),
    DemoContribution(
        member="shaanxi-contrib",
        submission={
            "kind": "material",
            "title": "学习华罗庚推广优选法的群众笔记（演示材料）",
            "summary": "一册听讲笔记的两页，记下了用优选法安排生产试验的方法。",
            "licence": "members",
            "source_statement": "由笔记作者的家属捐赠给当地科协，原件存科协资料室。（演示）",
        },
        item={
            "item_type": "manuscript",
            "date_text": "1970年代",
            "description": "笔记记下了推广会上讲解的“对分法”和“0.618法”，"
            "并附有在车间安排配料试验的例子。\n\n第二页是听讲者自己的练习，"
            "用折纸的办法演示每次去掉试验范围的一部分。",
            "creators": "佚名听讲者",
            "extent": "2页",
        },
        scientists=["hua-luogeng"],
        pages=2,
    ),
    DemoContribution(
        member="cstam",
        submission={
            "kind": "case",
            "title": "力学科普讲座中的钱学森故事（演示案例）",
            "summary": "学会会员在中学开展的力学科普讲座，穿插钱学森回国的故事。",
            "theme": "patriotism",
            "licence": "cc-by-4.0",
            "source_statement": "学会会员提供。（演示）",
        },
        scientists=["qian-xuesen"],
        decision="changes",
        comment="请补充讲座的时间、地点，并说明所用图片的授权情况。",
    ),
    DemoContribution(
        member="shaanxi-contrib",
        submission={
            "kind": "material",
            "title": "网络转载的科学家照片合集（演示材料）",
            "summary": "从多个网站下载汇编的照片。",
            "licence": "reserved",
            "source_statement": "网络下载，出处不详。",
        },
        item={"item_type": "photograph", "description": "汇编的网络图片，未注明出处。"},
        scientists=["yuan-longping"],
        pages=1,
        decision="reject",
        comment="来源不明，无法确认著作权，不予收录。",
    ),
    DemoContribution(
        member="shaanxi",
        submission={
            "kind": "product",
            "product_kind": "lesson",
            "title": "中学课堂：袁隆平与杂交水稻（教案，演示）",
            "summary": "一课时的教案：从一粒种子讲起，引导学生认识袁隆平坚持试验的科学态度。",
            "theme": "truth",
            "licence": "members",
            "audience": "partners",
            "source_statement": "陕西省科协组织中学教师编写，供合作单位内部教学使用。（演示）",
        },
        scientists=["yuan-longping"],
        pages=1,
        decision="approve",
    ),
]


def load(
    default_password: str | None, log: Callable[[str], None], say: Callable[[str], None]
) -> None:
    """Organisations, member accounts and contributions. The accounts' password is
    DEMO_PARTNER_PASSWORD's, else `default_password` (load_demo gives the demo's well-known one
    only when DEBUG is on), else none: the accounts are made without a usable password."""
    organisations = _organisations(log)
    if os.environ.get(PASSWORD_VARIABLE):
        password: str | None = os.environ[PASSWORD_VARIABLE]
        shown = _("(password from %(var)s)") % {"var": PASSWORD_VARIABLE}
    else:
        password, shown = default_password, default_password or ""
    _accounts(organisations, password, shown, say)
    reviewer = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
    made = 0
    with tempfile.TemporaryDirectory(prefix="partner-demo-") as scratch:
        for demo in CONTRIBUTIONS:
            made += _contribute(demo, reviewer, Path(scratch), log)
    log(_("  %(n)s partner contribution(s) made") % {"n": made})


def _organisations(log: Callable[[str], None]) -> dict[str, Organisation]:
    found = {}
    for fields in ORGANISATIONS:
        organisation, created = Organisation.objects.get_or_create(
            code=fields["code"], defaults=fields
        )
        found[organisation.code] = organisation
        if created:
            log(_("  organisation %(name)s") % {"name": organisation.name})
    return found


def _accounts(organisations, password: str | None, shown: str, say) -> None:
    users = get_user_model().objects
    for username, code, role in ACCOUNTS:
        user = users.filter(username=username).first()
        if user is None:
            user = users.create_user(
                username=username, email=f"{username}@example.org", password=password
            )
            values = {"user": username, "password": shown, "org": organisations[code].name}
            if password is None:
                message = _(
                    "  created %(user)s (%(org)s) without a usable password: set "
                    "%(var)s before loading, or run manage.py changepassword %(user)s"
                )
                say(message % {**values, "var": PASSWORD_VARIABLE})
            else:
                say(_("  created %(user)s — log in as %(user)s / %(password)s (%(org)s)") % values)
        Membership.objects.get_or_create(
            user=user, defaults={"organisation": organisations[code], "role": role}
        )


@transaction.atomic
def _contribute(demo: DemoContribution, reviewer, scratch: Path, log) -> int:
    membership = (
        Membership.objects.select_related("organisation", "user")
        .filter(user__username=demo.member)
        .first()
    )
    if membership is None:
        return 0
    title = demo.submission["title"]
    if Contribution.objects.filter(organisation=membership.organisation, title=title).exists():
        return 0
    scientists = list(Scientist.objects.filter(identifier__in=demo.scientists))
    if not scientists:
        log(_("  %(title)s: its scientists are not in the archive; left out") % {"title": title})
        return 0
    contribution = submitting.create(
        membership,
        submitting.Submission(scientists=scientists, item=demo.item, **demo.submission),
    )
    identifier = contribution.item.identifier if contribution.item else str(contribution.pk)
    paths = _draw(demo, identifier, scratch)
    if paths:
        handles = [path.open("rb") for path in paths]
        try:
            submitting.add_files(
                contribution, [File(h, name=p.name) for h, p in zip(handles, paths, strict=True)]
            )
        finally:
            for handle in handles:
                handle.close()
    if demo.decision == "approve":
        deciding.approve(contribution, reviewer, AccessLevel.PUBLIC, comment=demo.comment)
    elif demo.decision == "changes":
        deciding.request_changes(contribution, reviewer, demo.comment)
    elif demo.decision == "reject":
        deciding.reject(contribution, reviewer, demo.comment)
    return 1


def _draw(demo: DemoContribution, identifier: str, scratch: Path) -> list[Path]:
    """The contribution's files, drawn by the demo media's renderers."""
    record = {
        "identifier": identifier,
        "title": demo.submission["title"],
        "type": demo.item.get("item_type", "document"),
        "date": demo.item.get("date_text", ""),
        "creators": demo.item.get("creators", ""),
        "description": demo.item.get("description") or demo.submission.get("summary", ""),
        "language": "zh-Hans",
    }
    stem = identifier.lower()
    if demo.poster:
        path = scratch / f"{stem}-poster.jpg"
        media_images.render_photo(record, path)
        return [path]
    if record["type"] not in ("manuscript", "document", "letter"):
        record["type"] = "document"
    paths = [scratch / f"{stem}-{n}.jpg" for n in range(1, demo.pages + 1)]
    if paths:
        media_images.render_scan_pages(record, paths)
    return paths
