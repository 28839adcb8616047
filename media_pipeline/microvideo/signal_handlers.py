"""Renders follow their inputs: a saved micro-video is queued when its inputs changed, and a
transcript change re-queues the interview's micro-videos whose subtitles it touches (the
fingerprint decides; an unchanged span costs one hash). Quote cards are typeset on save."""

from __future__ import annotations

from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from archive_collections.models import Interview, TranscriptSegment
from media_pipeline.errors import StepError

from .models import MicroVideo, QuoteCard, RenderStatus
from .quotes import make_quote_card
from .tasks import queue_render


def refresh(video: MicroVideo) -> None:
    """Queue the render if needed; a span that cannot be rendered is recorded as the error."""
    try:
        queue_render(video, getattr(video, "_requested_by", None))
    except ValidationError as exc:
        message = " ".join(m for messages in exc.message_dict.values() for m in messages)
        MicroVideo.objects.filter(pk=video.pk).update(
            status=RenderStatus.FAILED, error=message, updated_at=timezone.now()
        )
    except StepError as exc:
        MicroVideo.objects.filter(pk=video.pk).update(
            status=RenderStatus.FAILED, error=str(exc), updated_at=timezone.now()
        )


def refresh_interview(interview_id: int) -> None:
    for video in MicroVideo.objects.filter(interview_id=interview_id).select_related(
        "interview__item", "interview__interviewee"
    ):
        refresh(video)
    for card in QuoteCard.objects.filter(interview_id=interview_id, quote=""):
        make_quote_card(card)


@receiver(post_save, sender=MicroVideo)
def micro_video_saved(sender, instance: MicroVideo, raw=False, **kwargs) -> None:
    if not raw:
        transaction.on_commit(partial(refresh, instance))


@receiver(post_save, sender=TranscriptSegment)
@receiver(post_delete, sender=TranscriptSegment)
def transcript_changed(sender, instance: TranscriptSegment, raw=False, **kwargs) -> None:
    if not raw and instance.interview_id:
        transaction.on_commit(partial(refresh_interview, instance.interview_id))


@receiver(post_save, sender=Interview)
def interview_saved(sender, instance: Interview, raw=False, **kwargs) -> None:
    if not raw:
        transaction.on_commit(partial(refresh_interview, instance.pk))


@receiver(post_save, sender=QuoteCard)
def quote_card_saved(sender, instance: QuoteCard, raw=False, **kwargs) -> None:
    if not raw:
        transaction.on_commit(partial(make_quote_card, instance))
