"""Queueing and running renders; the one place that changes a micro-video's render state.

`queue_render(video, user)` checks the span (validation.py), and, when the inputs differ from
those of the render on show (or that render failed), marks the record QUEUED with a Job for the
admin's progress bar and enqueues `render_micro_video` after commit. The task renders into a
temporary folder, stores the files under a name of their own fingerprint, and only then points
the record at them and removes the previous render's files; a failure records ffmpeg's reason
and leaves the previous render on show.
"""

from __future__ import annotations

import tempfile
from contextlib import ExitStack
from functools import partial
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task
from wagtail.models import Site

from media_pipeline import jobs
from media_pipeline.errors import StepError
from media_pipeline.storage import derivative_storage, local_path, master_storage

from . import cards, render
from .models import MicroVideo, RenderStatus
from .validation import recording_for, recording_info, span_errors

PROGRESS_STEPS = 100
CONTENT_TYPES = {"video.mp4": "video/mp4", "captions.vtt": "text/vtt", "poster.jpg": "image/jpeg"}


def site_url() -> str:
    """The default site's address as the end card prints it (no scheme)."""
    site = Site.objects.filter(is_default_site=True).first()
    root = site.root_url if site else ""
    return root.split("://", 1)[-1].rstrip("/")


def inputs_for(video: MicroVideo) -> render.RenderInputs:
    """Everything the render of this record depends on, read from the database now."""
    interview = video.interview
    item = interview.item
    scientist = interview.interviewee
    recording = recording_for(interview)
    if recording is None:
        raise StepError(_("“%(interview)s” has no recording to cut from.") % {"interview": item})
    info = recording_info(recording)
    segments = interview.transcript.filter(
        start_ms__lt=video.end_ms, end_ms__gt=video.start_ms
    ).order_by("start_ms", "pk")
    image = video.background or scientist.portrait
    return render.RenderInputs(
        variant=video.variant,
        start_ms=video.start_ms,
        end_ms=video.end_ms,
        recording_sha256=recording.sha256,
        has_video=bool(info.get("has_video")),
        segments=[(s.start_ms, s.end_ms, s.text) for s in segments],
        card=cards.CardText(
            title=video.title,
            name=scientist.name,
            life_dates=scientist.life_dates,
            identifier=item.identifier,
            rights=item.get_rights_statement_display(),
            site_url=site_url(),
        ),
        background_key=f"{image.pk}:{image.file_hash or image.file.name}" if image else "",
        size=render.frame_size(video.variant),
        cards=render.card_seconds(),
    )


def is_current(video: MicroVideo) -> bool:
    """Whether the render on show was made from the record's inputs as they are now."""
    try:
        return bool(video.fingerprint) and video.fingerprint == inputs_for(video).fingerprint()
    except StepError:
        return False


def queue_render(video: MicroVideo, user=None, *, force: bool = False) -> bool:
    """Queue a render if the inputs changed (or `force`); False when nothing needed doing.

    Raises ValidationError naming the field when the span cannot be rendered.
    """
    errors = span_errors(video.interview, video.start_ms, video.end_ms)
    if errors:
        raise ValidationError(errors)
    fingerprint = inputs_for(video).fingerprint()
    busy = video.status in (RenderStatus.QUEUED, RenderStatus.RENDERING)
    if not force and fingerprint == video.pending_fingerprint and busy:
        return False
    if not force and fingerprint == video.fingerprint and video.status == RenderStatus.DONE:
        return False
    job = jobs.start(
        user,
        "microvideo",
        _("Micro-video “%(title)s”") % {"title": video.title},
        total=PROGRESS_STEPS,
        item=video.interview.item,
    )
    MicroVideo.objects.filter(pk=video.pk).update(
        status=RenderStatus.QUEUED,
        pending_fingerprint=fingerprint,
        job=job,
        updated_at=timezone.now(),
    )
    video.status, video.pending_fingerprint, video.job = RenderStatus.QUEUED, fingerprint, job
    transaction.on_commit(partial(render_micro_video.enqueue, video.pk))
    return True


@task()
def render_micro_video(video_id: int) -> str:
    video = MicroVideo.objects.select_related("interview__item", "job").filter(pk=video_id).first()
    if video is None:
        return "gone"
    job = video.job or jobs.start(None, "microvideo", video.title, total=PROGRESS_STEPS)
    MicroVideo.objects.filter(pk=video.pk).update(status=RenderStatus.RENDERING)
    jobs.set_phase(job, _("Rendering"), PROGRESS_STEPS)
    try:
        fingerprint, stored, rendered = _render_and_store(video, job)
    except (StepError, OSError) as exc:
        MicroVideo.objects.filter(pk=video.pk).update(
            status=RenderStatus.FAILED, error=str(exc), updated_at=timezone.now()
        )
        jobs.fail(
            job,
            _("%(title)s: the render failed: %(reason)s") % {"title": video.title, "reason": exc},
        )
        return RenderStatus.FAILED
    old = [name for name in (video.video, video.captions, video.poster) if name]
    stored = dict(stored)
    MicroVideo.objects.filter(pk=video.pk).update(
        status=RenderStatus.DONE,
        error="",
        fingerprint=fingerprint,
        video=stored["video.mp4"],
        captions=stored["captions.vtt"],
        poster=stored["poster.jpg"],
        rendered={
            "width": rendered.width,
            "height": rendered.height,
            "seconds": round(rendered.seconds, 3),
            "bytes": stored["bytes"],
            "cues": rendered.cues,
            "at": timezone.now().isoformat(),
        },
        updated_at=timezone.now(),
    )
    storage = derivative_storage()
    for name in old:
        if name not in stored.values():
            storage.delete(name)
    jobs.finish(job, _("%(title)s: rendered.") % {"title": video.title})
    return RenderStatus.DONE


def _render_and_store(video: MicroVideo, job):
    inputs = inputs_for(video)
    fingerprint = inputs.fingerprint()
    recording = recording_for(video.interview)
    if recording is None:  # inputs_for has already said so; this keeps the type checker sure
        raise StepError(_("“%(interview)s” has no recording to cut from.") % {"interview": video})
    image = video.background or video.interview.interviewee.portrait
    last = [0]

    def progress(fraction: float) -> None:
        step = int(fraction * PROGRESS_STEPS)
        if step > last[0]:
            jobs.advance(job, step - last[0])
            last[0] = step

    with ExitStack() as stack:
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="microvideo-")))
        inputs.recording_path = stack.enter_context(
            local_path(master_storage(), str(recording.master.name))
        )
        if image is not None and not inputs.has_video:
            inputs.background_path = stack.enter_context(
                local_path(image.file.storage, image.file.name)
            )
        rendered = render.render(inputs, workdir, progress)
        stored = _store(video.pk, fingerprint, rendered)
    return fingerprint, stored, rendered


def _store(pk: int, fingerprint: str, rendered: render.Rendered) -> dict[str, str]:
    storage = derivative_storage()
    stored: dict = {"bytes": rendered.video.stat().st_size}
    for name, path in (
        ("video.mp4", rendered.video),
        ("captions.vtt", rendered.captions),
        ("poster.jpg", rendered.poster),
    ):
        target = f"microvideos/{pk}/{fingerprint[:16]}/{name}"
        if storage.exists(target):
            storage.delete(target)
        with path.open("rb") as fileobj:
            stored[name] = storage.save(target, File(fileobj, name=target))
    return stored
