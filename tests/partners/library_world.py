"""A small partner world for the resource library's tests: two organisations, a member of
each, a reviewer, and resources in every state (approved public, approved partner-only,
awaiting review, rejected), each carrying one real JPEG file."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import Group

from archive_collections.models import Scientist
from archive_collections.models.choices import AccessLevel
from archive_site.partners import deciding, submitting
from archive_site.partners.models import Membership, Organisation
from media_pipeline.tasks import process_item_file
from tests.factories import ItemFileFactory, small_jpeg


@dataclass
class LibraryWorld:
    scientist: Any
    org: Any
    other_org: Any
    member: Any
    other_member: Any
    curator: Any
    public: Any  # approved, shared with everyone
    partners: Any  # approved, partner organisations only
    pending: Any
    rejected: Any
    masters: dict  # contribution pk -> its file's master bytes


def _submission(scientist, title, kind="case", **extra):
    return submitting.Submission(
        kind=kind,
        title=title,
        licence=extra.pop("licence", "cc-by-4.0"),
        source_statement=extra.pop("source_statement", "本会自采，版权归本会所有"),
        scientists=[scientist],
        **extra,
    )


def build(users, *, process: bool = True) -> LibraryWorld:
    scientist = Scientist.objects.create(
        identifier="qian-xuesen", name="钱学森", name_pinyin="Qian Xuesen"
    )
    org = Organisation.objects.create(
        name="陕西省科协",
        name_en="Shaanxi Association for Science and Technology",
        code="sxkx",
        kind="association",
        region="61",
    )
    other_org = Organisation.objects.create(
        name="中国力学学会", code="cstam", kind="society", region="00"
    )
    member = users.objects.create_user("lib-member", password="x")
    other_member = users.objects.create_user("lib-other", password="x")
    membership = Membership.objects.create(user=member, organisation=org)
    other_membership = Membership.objects.create(user=other_member, organisation=other_org)
    curator = users.objects.create_user("lib-curator", password="x")
    # get_or_create: a live-server test before may have flushed the migrations' groups.
    curator.groups.add(Group.objects.get_or_create(name="策展人")[0])

    public = submitting.create(
        membership,
        _submission(
            scientist,
            "libpubtok 钱学森回国的故事",
            summary="一个宣传案例",
            body="第一段<script>alert(1)</script>\n\n第二段",
            theme="patriotism",
        ),
    )
    partners = submitting.create(
        other_membership,
        _submission(
            scientist,
            "libpartok 力学课教案",
            kind="product",
            product_kind="lesson",
            licence="members",
            audience="partners",
        ),
    )
    pending = submitting.create(membership, _submission(scientist, "libpendtok 待审案例"))
    rejected = submitting.create(membership, _submission(scientist, "librejtok 被拒案例"))
    masters = {}
    for number, contribution in enumerate((public, partners, pending, rejected)):
        data = small_jpeg(700 + number, (80, 60))
        item_file = ItemFileFactory(
            item=contribution.item, data=data, original_filename=f"lib-{number}.jpg"
        )
        if process:
            assert process_item_file.call(item_file.pk) == "done"
        masters[contribution.pk] = data
    public = deciding.approve(public, curator, AccessLevel.PUBLIC)
    partners = deciding.approve(partners, curator, AccessLevel.PUBLIC)
    rejected = deciding.reject(rejected, curator, "与主题无关")
    return LibraryWorld(
        scientist,
        org,
        other_org,
        member,
        other_member,
        curator,
        public,
        partners,
        pending,
        rejected,
        masters,
    )
