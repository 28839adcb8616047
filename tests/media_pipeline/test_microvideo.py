"""Micro-videos rendered by ffmpeg from a short synthesised interview, and quote cards.

The recording is silent for its first three seconds and then a tone, so where the tone starts in
the rendered video shows how accurately the cut began.
"""

from __future__ import annotations

import hashlib
import io
import json
import subprocess
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image

from media_pipeline import av
from media_pipeline.microvideo.models import MicroVideo, QuoteCard, RenderStatus
from media_pipeline.models import FileStatus, ItemFile, Job, JobState
from media_pipeline.storage import derivative_storage, master_name, master_storage
from tests.factories import InterviewFactory, TranscriptSegmentFactory
from tests.pages import ensure_root_collection

from .av_samples import ffmpeg_bytes, needs_ffmpeg

pytestmark = [pytest.mark.django_db, pytest.mark.slow, needs_ffmpeg]

TONE_AT = 3.0
SIZE = (180, 320)
TITLE_S = END_S = 0.4


@pytest.fixture
def small(settings, media_root):
    settings.MICROVIDEO_SHORT_SIDE = SIZE[0]
    settings.MICROVIDEO_TITLE_SECONDS = TITLE_S
    settings.MICROVIDEO_END_SECONDS = END_S
    return media_root


def recording(interview, data: bytes, suffix: str, mime: str) -> ItemFile:
    sha = hashlib.sha256(data).hexdigest()
    # Stored through the storage the fixture configured (the field's own is bound at import).
    name = master_storage().save(master_name(sha, suffix), ContentFile(data))
    item_file = ItemFile.objects.create(
        item=interview.item,
        sequence=1,
        original_filename=f"interview{suffix}",
        sha256=sha,
        size=len(data),
        mime_type=mime,
        status=FileStatus.DONE,
        master=name,
    )
    item_file.technical = {"av": av.probe_master(item_file)}
    item_file.save(update_fields=["technical"])
    return item_file


def photograph():
    """A Wagtail image to pan over: stripes, so a frame shows whether it moved."""
    from django.core.files.images import ImageFile
    from PIL import ImageDraw
    from wagtail.images.models import Image as WagtailImage

    image = Image.new("RGB", (600, 800), (150, 120, 90))
    draw = ImageDraw.Draw(image)
    for n in range(0, 800, 40):
        draw.line([(0, n), (600, n + 200)], fill=(210, 190, 150), width=10)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG")
    ensure_root_collection()  # a live-server test before may have flushed it
    return WagtailImage.objects.create(title="肖像", file=ImageFile(buffer, name="portrait.jpg"))


def speech_wav(seconds: float = 6.0) -> bytes:
    return ffmpeg_bytes(
        ".wav",
        "-f",
        "lavfi",
        "-i",
        f"sine=frequency=880:sample_rate=16000:duration={seconds}",
        "-af",
        f"volume=enable='lt(t,{TONE_AT})':volume=0",
    )


@pytest.fixture
def interview(small):
    interview = InterviewFactory(duration_ms=6000)
    TranscriptSegmentFactory(
        interview=interview, start_ms=2000, end_ms=4000, text="我小时候在上海读书，老师很严格。"
    )
    TranscriptSegmentFactory(
        interview=interview, start_ms=4000, end_ms=6000, text="后来考进了交通大学。"
    )
    recording(interview, speech_wav(), ".wav", "audio/wav")
    return interview


def make(interview, capture, **fields) -> MicroVideo:
    values = {"title": "求学的日子", "start_ms": 2500, "end_ms": 4500, **fields}
    with capture(execute=True):
        video = MicroVideo.objects.create(interview=interview, **values)
    video.refresh_from_db()
    return video


def probe(path: Path) -> dict:
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-print_format", "json", "-show_streams", str(path)],
        capture_output=True,
        check=True,
    ).stdout
    return {s["codec_type"]: s for s in json.loads(out)["streams"]}


def frame(path: Path, at: float) -> Image.Image:
    png = subprocess.run(
        [
            "ffmpeg",
            "-v",
            "error",
            "-ss",
            f"{at}",
            "-i",
            str(path),
            "-frames:v",
            "1",
            "-f",
            "image2pipe",
            "-c:v",
            "png",
            "-",
        ],
        capture_output=True,
        check=True,
    ).stdout
    return Image.open(io.BytesIO(png)).convert("L")


def tone_onset(path: Path) -> float:
    """Seconds into the file where the audio first rises above silence."""
    raw = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(path), "-ac", "1", "-ar", "8000", "-f", "s16le", "-"],
        capture_output=True,
        check=True,
    ).stdout
    samples = memoryview(raw).cast("h")
    first = next(n for n, s in enumerate(samples) if abs(s) > 1000)
    return first / 8000


def local(name: str) -> Path:
    return Path(derivative_storage().path(name))


def test_render_is_h264_aac_at_the_size_with_subtitles_and_an_accurate_cut(
    interview, django_capture_on_commit_callbacks
):
    video = make(interview, django_capture_on_commit_callbacks)
    assert video.status == RenderStatus.DONE, video.error
    path = local(video.video)
    streams = probe(path)
    assert streams["video"]["codec_name"] == "h264"
    assert (streams["video"]["width"], streams["video"]["height"]) == SIZE
    assert streams["audio"]["codec_name"] == "aac"
    assert video.rendered["seconds"] == pytest.approx(TITLE_S + 2.0 + END_S)
    # The tone starts 0.5 s after the in-point (2.5 s), after the title card.
    assert tone_onset(path) == pytest.approx(TITLE_S + TONE_AT - 2.5, abs=0.05)
    # The caption band differs from the same render without words.
    job = Job.objects.get(pk=video.job_id)
    assert job.state == JobState.DONE and job.done == job.total
    vtt = local(video.captions).read_text()
    assert "00:00:00.400 --> " in vtt and "老师很严格" in vtt
    silent = make(interview, django_capture_on_commit_callbacks, start_ms=0, end_ms=2000)
    band = (0, SIZE[1] // 2, SIZE[0], SIZE[1])
    with_words = frame(path, TITLE_S + 0.3).crop(band)
    without = frame(local(silent.video), TITLE_S + 0.3).crop(band)
    changed = sum(
        1 for a, b in zip(with_words.getdata(), without.getdata(), strict=True) if abs(a - b) > 60
    )
    assert changed > 200  # white glyphs with an outline, not encoder noise


def test_a_changed_transcript_renders_again(interview, django_capture_on_commit_callbacks):
    video = make(interview, django_capture_on_commit_callbacks)
    first = video.video
    segment = interview.transcript.get(start_ms=2000)
    segment.text = "我在上海读中学。"
    with django_capture_on_commit_callbacks(execute=True):
        segment.save()
    video.refresh_from_db()
    assert video.status == RenderStatus.DONE and video.video != first
    assert "我在上海读中学" in local(video.captions).read_text()
    assert not derivative_storage().exists(first)


def test_a_failing_render_keeps_the_previous_one(interview, django_capture_on_commit_callbacks):
    video = make(interview, django_capture_on_commit_callbacks)
    good = video.video
    master = interview.item.files.get()
    Path(master_storage().path(master.master.name)).write_bytes(b"not a recording any more")
    video.title = "新的标题"
    with django_capture_on_commit_callbacks(execute=True):
        video.save()
    video.refresh_from_db()
    assert video.status == RenderStatus.FAILED
    assert video.error.startswith("ffmpeg failed:") and "Invalid data" in video.error
    assert video.video == good and derivative_storage().exists(good)
    assert Job.objects.get(pk=video.job_id).state == JobState.FAILED


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"start_ms": 4000, "end_ms": 3000}, "end_ms", "must come after the in-point"),
        ({"start_ms": 5000, "end_ms": 9000}, "end_ms", "lies outside the recording"),
        ({"start_ms": 7000, "end_ms": 9000}, "start_ms", "lies outside the recording"),
    ],
)
def test_bad_spans_name_the_field_and_queue_nothing(
    interview, django_capture_on_commit_callbacks, fields, field, words
):
    video = MicroVideo(interview=interview, title="错误", **fields)
    with pytest.raises(ValidationError) as raised:
        video.full_clean()
    assert words in " ".join(raised.value.message_dict[field])
    saved = make(interview, django_capture_on_commit_callbacks, **fields)
    assert saved.status == RenderStatus.FAILED and words in saved.error
    assert saved.job_id is None and not saved.video


def test_a_recording_without_sound_is_refused(small, django_capture_on_commit_callbacks):
    interview = InterviewFactory()
    silent_film = ffmpeg_bytes(
        ".mp4", "-f", "lavfi", "-i", "testsrc=size=64x48:rate=5:duration=3", "-c:v", "libx264"
    )
    recording(interview, silent_film, ".mp4", "video/mp4")
    video = MicroVideo(interview=interview, title="无声", start_ms=0, end_ms=2000)
    with pytest.raises(ValidationError) as raised:
        video.full_clean()
    assert "has no audio stream" in raised.value.message_dict["interview"][0]


def test_share_page_has_open_graph_video_and_follows_the_access_policy(
    interview, client, admin_client, django_capture_on_commit_callbacks
):
    video = make(interview, django_capture_on_commit_callbacks)
    page = client.get(video.get_absolute_url())
    html = page.content.decode()
    assert page.status_code == 200
    assert f'<meta property="og:video" content="http://testserver{video.video_url}">' in html
    assert '<meta property="og:video:type" content="video/mp4">' in html
    assert f'<meta property="og:video:width" content="{SIZE[0]}">' in html
    assert "?download=1" not in html  # the download button is for curators
    assert client.get(video.video_url).status_code == 200
    assert client.get(video.video_url + "?download=1").status_code == 404
    assert "?download=1" in admin_client.get(video.get_absolute_url()).content.decode()
    download = admin_client.get(video.video_url + "?download=1")
    assert download["Content-Disposition"].startswith("attachment")

    item = interview.item
    item.access_level = "researchers"
    item.save()
    assert client.get(video.get_absolute_url()).status_code == 404
    assert client.get(video.video_url).status_code == 404
    staff_page = admin_client.get(video.get_absolute_url())
    assert staff_page.status_code == 200 and "og:video" not in staff_page.content.decode()


def test_quote_cards_in_both_sizes_from_the_transcript(
    interview, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        card = QuoteCard.objects.create(interview=interview, start_ms=2000, end_ms=4000)
    card.refresh_from_db()
    for size in ("1080x1350", "1200x630"):
        answer = client.get(card.image_url(size))
        assert answer.status_code == 200 and answer["Content-Type"] == "image/png"
        image = Image.open(io.BytesIO(b"".join(answer.streaming_content)))
        assert f"{image.width}x{image.height}" == size
        # Ink on the paper: the quote was typeset.
        assert image.convert("L").getextrema()[0] < 80
    with pytest.raises(ValidationError) as raised:
        QuoteCard(interview=interview, start_ms=100_000, end_ms=101_000).full_clean()
    assert "start_ms" in raised.value.message_dict
    interview.item.access_level = "staff"
    interview.item.save()
    assert client.get(card.image_url("1200x630")).status_code == 404


def test_exhibit_block_shows_the_video_only_to_who_may_see_the_interview(
    interview, rf, django_capture_on_commit_callbacks
):
    from django.contrib.auth.models import AnonymousUser

    from exhibits.blocks import MicroVideoBlock

    video = make(interview, django_capture_on_commit_callbacks)
    block = MicroVideoBlock()
    request = rf.get("/")
    request.user = AnonymousUser()
    value = block.to_python({"video": video.pk, "caption": "一段回忆"})
    html = block.render(value, context={"request": request})
    assert f'src="{video.video_url}"' in html and f'src="{video.captions_url}"' in html
    interview.item.access_level = "staff"
    interview.item.save()
    value = block.to_python({"video": video.pk, "caption": ""})
    assert "<video" not in block.render(value, context={"request": request})


def test_admin_makes_one_from_an_interview_span_and_names_the_bad_field(
    interview, admin_client, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    add = reverse("wagtailsnippets_microvideo_microvideo:add")
    form = {
        "title": "从管理界面制作",
        "interview": interview.pk,
        "start_ms": "00:00:04.5",
        "end_ms": "2.5",
        "variant": "horizontal",
        "background": photograph().pk,
    }
    refused = admin_client.post(add, form)
    assert refused.status_code == 200
    assert "必须晚于入点" in refused.content.decode()  # the admin speaks Chinese
    assert not MicroVideo.objects.exists()
    form["end_ms"] = "00:10"
    refused = admin_client.post(add, form)
    assert "超出了录音范围" in refused.content.decode()
    form.update(start_ms="2.5", end_ms="00:04.5")
    with django_capture_on_commit_callbacks(execute=True):
        made = admin_client.post(add, form)
    assert made.status_code == 302
    video = MicroVideo.objects.get()
    assert (video.start_ms, video.end_ms, video.status) == (2500, 4500, RenderStatus.DONE)
    assert probe(local(video.video))["video"]["width"] == 320  # horizontal at the test size
    # The photograph pans under the subtitles: two frames of the clip differ, and neither is
    # the plain card colour an interview without an image gets.
    first, later = frame(local(video.video), 0.5), frame(local(video.video), 2.2)
    assert first.getextrema()[1] > 150 and first.tobytes() != later.tobytes()
    edit = admin_client.get(reverse("wagtailsnippets_microvideo_microvideo:edit", args=[video.pk]))
    assert f'src="{video.video_url}"' in edit.content.decode()
    assert 'value="00:00:02.500"' in edit.content.decode()
