"""Pages and records for the oversight tests: a credited public item, a chapter around blocks."""

from __future__ import annotations

from exhibits.models import ChapterPage, Credit, ExhibitionCredit
from tests.factories.catalogue import ItemFactory
from tests.pages import exhibition_tree, stream


def good_item(**kwargs):
    kwargs.setdefault("creators", "钱学森")
    return ItemFactory(**kwargs)


def text_block(html: str) -> dict:
    return {"type": "text", "value": html}


def image_block(image, alt: str) -> dict:
    return {"type": "image", "value": {"image": image.pk, "alt": alt, "caption": ""}}


def chapter_with(*blocks) -> ChapterPage:
    """One published chapter of a credited exhibition, showing `blocks`."""
    _index, exhibition, (chapter,) = exhibition_tree([stream(*blocks)])
    credit = Credit.objects.create(name="策展组")
    ExhibitionCredit.objects.create(page=exhibition, credit=credit, role="策展")
    return chapter


def kinds(issues) -> list[str]:
    return sorted(str(issue.kind) for issue in issues)


def in_english(user):
    """Wagtail's admin speaks the user's preferred language; the tests read English."""
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    return user
