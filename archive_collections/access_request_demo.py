"""The demo's access request (load_demo): a registered visitor's pending request for one
researcher-only record, so curators opening "访问申请" find a queue. Running it again changes
nothing; the visitor's account has no usable password (nobody signs in as them)."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext as _

from .access import RESEARCHERS
from .models import AccessRequest, Item, ResearcherProfile

VISITOR = "demo-visitor@example.edu"
PURPOSE = "撰写关于中国近代科学家学术成长的博士论文，需要查阅这份记录的手稿原件以核对书信日期。"


def load(log: Callable[[str], None]) -> None:
    today = timezone.localdate()
    item = (
        Item.objects.filter(access_level=RESEARCHERS)
        .exclude(embargo_until__gt=today)
        .order_by("identifier")
        .first()
    )
    if item is None:
        log(_("  no researcher-only record; no demo access request"))
        return
    users = get_user_model().objects
    visitor = users.filter(username=VISITOR).first()
    if visitor is None:
        visitor = users.create_user(
            username=VISITOR, email=VISITOR, first_name="林晓", password=None
        )
        ResearcherProfile.objects.create(
            user=visitor,
            institution="北京大学科学史与科学哲学系",
            research_purpose=PURPOSE,
            verified_at=timezone.now(),
        )
    request, created = AccessRequest.objects.get_or_create(
        user=visitor, item=item, defaults={"purpose": PURPOSE}
    )
    if created:
        log(_("  a pending access request for %(item)s") % {"item": item.identifier})
    else:
        log(_("  the demo access request exists; left unchanged"))
