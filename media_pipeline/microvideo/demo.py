"""The demo's micro-video and quote card, cut from the synthesised interview DA-QXS-01-001
(fixtures/demo), for the theme exhibition's page on Qian Xuesen. Idempotent: a second load finds
them and renders only if their inputs changed."""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext as _

from archive_collections.models import Interview

from .models import MicroVideo, QuoteCard, Variant

DEMO_INTERVIEW = "DA-QXS-01-001"
# The interviewee's answer about his studies (the demo transcript's third line).
SPAN_MS = (16_947, 33_297)
VIDEO_TITLE = "钱学森谈早年求学"


def make_demo_media(log: Callable[[str], None] = print) -> None:
    interview = Interview.objects.filter(item__identifier=DEMO_INTERVIEW).first()
    if interview is None:
        log(_("No interview %(identifier)s: no micro-video made.") % {"identifier": DEMO_INTERVIEW})
        return
    video, created = MicroVideo.objects.get_or_create(
        interview=interview,
        title=VIDEO_TITLE,
        defaults={"start_ms": SPAN_MS[0], "end_ms": SPAN_MS[1], "variant": Variant.VERTICAL},
    )
    card, made = QuoteCard.objects.get_or_create(
        interview=interview, start_ms=SPAN_MS[0], end_ms=SPAN_MS[1]
    )
    log(
        _("Micro-video “%(title)s” (%(state)s), quote card %(pk)s.")
        % {"title": video.title, "state": video.get_status_display(), "pk": card.pk}
    )
