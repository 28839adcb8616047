"""The `av` step: ffprobe metadata, web-playable copies, poster frames, and bad recordings."""

import json
import subprocess

import pytest
from PIL import Image

from media_pipeline.ingest import EmptyFileError
from media_pipeline.models import FileStatus, ItemFile
from tests.factories import ItemFactory

from . import av_samples, samples
from .av_samples import needs_ffmpeg

pytestmark = [pytest.mark.django_db, needs_ffmpeg]


def _stored(media_root, item_file, name):
    return media_root / "derivatives" / item_file.derivatives[name]["path"]


def _probe(path) -> dict:
    result = subprocess.run(
        [
            "ffprobe",
            "-v",
            "error",
            "-print_format",
            "json",
            "-show_format",
            "-show_streams",
            str(path),
        ],
        capture_output=True,
        check=True,
    )
    return json.loads(result.stdout)


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_flac_interview_gets_metadata_and_an_aac_web_copy(ingest, media_root, client):
    item_file = ingest(ItemFactory(item_type="audio"), av_samples.flac_bytes(1.5), "访谈.flac")
    assert item_file.status == FileStatus.DONE, item_file.error
    av = item_file.technical["av"]
    assert av["duration_ms"] == pytest.approx(1500, abs=20)
    assert (av["has_audio"], av["has_video"]) == (True, False)
    assert (av["sample_rate"], av["channels"]) == (16000, 1)
    assert av["streams"][0]["codec_name"] == "flac"
    assert item_file.technical["steps"]["av"]["status"] == "done"

    web = _probe(_stored(media_root, item_file, "web.m4a"))
    assert "mp4" in web["format"]["format_name"]
    assert [s["codec_name"] for s in web["streams"]] == ["aac"]
    assert float(web["format"]["duration"]) == pytest.approx(1.5, abs=0.1)
    assert item_file.web_media_url == f"/files/{item_file.pk}/derivatives/web.m4a"
    assert item_file.web_media_type == "audio/mp4"
    assert item_file.poster_url is None

    response = client.get(item_file.web_media_url, HTTP_RANGE="bytes=0-99")
    assert response.status_code == 206
    assert response["Content-Type"] == "audio/mp4"
    assert len(_body(response)) == 100


def test_mp3_master_is_played_as_it_is(ingest):
    item_file = ingest(ItemFactory(item_type="audio"), av_samples.mp3_bytes(), "a.mp3")
    assert item_file.status == FileStatus.DONE, item_file.error
    assert item_file.technical["av_derivatives"] == {}
    assert item_file.web_media_url == item_file.master_url
    assert item_file.web_media_type == "audio/mpeg"


def test_browser_playable_mp4_keeps_its_master_and_gets_a_poster(ingest, media_root, client):
    item_file = ingest(ItemFactory(item_type="video"), av_samples.mp4_h264_bytes(), "v.mp4")
    assert item_file.status == FileStatus.DONE, item_file.error
    av = item_file.technical["av"]
    assert (av["width"], av["height"], av["has_video"], av["has_audio"]) == (320, 240, True, True)
    assert "web.mp4" not in item_file.derivatives
    assert item_file.web_media_url == item_file.master_url
    with Image.open(_stored(media_root, item_file, "poster.jpg")) as poster:
        assert (poster.format, poster.size) == ("JPEG", (320, 240))
    assert item_file.poster_url == f"/files/{item_file.pk}/derivatives/poster.jpg"
    assert item_file.thumbnail_url == item_file.poster_url
    response = client.get(item_file.poster_url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"


def test_camera_avi_becomes_a_bounded_faststart_h264_mp4(ingest, media_root, settings):
    settings.MEDIA_WEB_VIDEO_SHORT_SIDE = 120
    settings.MEDIA_WEB_VIDEO_LONG_SIDE = 200
    item_file = ingest(ItemFactory(item_type="video"), av_samples.avi_mjpeg_bytes(), "cam.avi")
    assert item_file.status == FileStatus.DONE, item_file.error
    path = _stored(media_root, item_file, "web.mp4")
    web = _probe(path)
    video, audio = web["streams"]
    assert (video["codec_name"], video["pix_fmt"]) == ("h264", "yuv420p")
    assert (video["width"], video["height"]) == (160, 120)  # 320×240 fitted into 120 px short side
    assert audio["codec_name"] == "aac"
    data = path.read_bytes()
    assert data.index(b"moov") < data.index(b"mdat")  # faststart: playable while downloading
    assert item_file.derivatives["web.mp4"]["mime"] == "video/mp4"
    assert item_file.web_media_url.endswith("/derivatives/web.mp4")
    assert item_file.web_media_type == "video/mp4"
    with Image.open(_stored(media_root, item_file, "poster.jpg")) as poster:
        assert poster.size == (160, 120)


def test_h264_mp4_above_the_size_bound_is_scaled_down(ingest, media_root, settings):
    settings.MEDIA_WEB_VIDEO_SHORT_SIDE = 120
    item_file = ingest(
        ItemFactory(item_type="video"), av_samples.mp4_h264_bytes(size="480x270"), "wide.mp4"
    )
    assert item_file.status == FileStatus.DONE, item_file.error
    video = _probe(_stored(media_root, item_file, "web.mp4"))["streams"][0]
    assert (video["width"], video["height"]) == (212, 120)


def test_web_copy_of_a_restricted_item_is_not_public(ingest, client, researcher):
    item = ItemFactory(item_type="audio", access_level="researchers")
    item_file = ingest(item, av_samples.flac_bytes(), "内部.flac")
    assert item_file.status == FileStatus.DONE, item_file.error
    assert client.get(item_file.web_media_url).status_code == 404
    client.force_login(researcher)
    response = client.get(item_file.web_media_url)
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("private")


# --- bad input --------------------------------------------------------------------------------


def test_audio_container_with_no_streams_fails_clearly(ingest):
    item = ItemFactory(item_type="audio")
    good = ingest(item, av_samples.mp3_bytes(), "good.mp3")
    empty = ingest(item, av_samples.m4a_without_tracks(), "empty.m4a")
    assert empty.mime_type == "audio/mp4"
    assert empty.status == FileStatus.FAILED
    assert "technical" in empty.error
    assert "no audio or video stream (streams found: none)" in empty.error
    assert "av" not in empty.technical["steps"]
    assert empty.web_media_url is None
    good.refresh_from_db()
    assert good.status == FileStatus.DONE


def test_video_file_holding_only_subtitles_fails_clearly(ingest):
    item_file = ingest(ItemFactory(), av_samples.mkv_with_only_subtitles(), "subs.mkv")
    assert item_file.status == FileStatus.FAILED
    assert "no audio or video stream (streams found: subtitle)" in item_file.error


def test_truncated_mp4_with_its_index_at_the_end_fails_in_technical(ingest):
    whole = av_samples.mp4_h264_bytes(faststart=False)
    item_file = ingest(ItemFactory(), whole[: len(whole) // 2], "cut.mp4")
    assert item_file.status == FileStatus.FAILED
    assert "technical" in item_file.error and "ffprobe could not read the file" in item_file.error
    assert "moov atom not found" in item_file.error
    assert "/tmp" not in item_file.error  # no server paths in curators' messages


def test_truncated_faststart_mp4_is_caught_by_the_integrity_read(ingest):
    whole = av_samples.mp4_h264_bytes(faststart=True)
    item_file = ingest(ItemFactory(), whole[: len(whole) // 2], "cut.mp4")
    assert item_file.status == FileStatus.FAILED
    assert "Step “av” failed: The recording is damaged or truncated" in item_file.error
    assert item_file.technical["steps"]["technical"]["status"] == "done"
    assert item_file.web_media_url is None and item_file.poster_url is None


def test_zero_length_recording_is_refused_at_ingest(media_root):
    import io

    from media_pipeline.ingest import ingest_fileobj

    item = ItemFactory(item_type="audio")
    with pytest.raises(EmptyFileError, match="empty.wav is empty"):
        ingest_fileobj(item, io.BytesIO(b""), "empty.wav")
    assert not ItemFile.objects.filter(item=item).exists()


def test_wrong_extension_is_judged_by_content(ingest, media_root):
    item_file = ingest(ItemFactory(item_type="audio"), av_samples.flac_bytes(), "interview.mp3")
    assert item_file.mime_type == "audio/flac"
    assert "ends in .mp3 but the content is FLAC" in item_file.technical["warnings"][0]
    assert item_file.status == FileStatus.DONE, item_file.error
    assert item_file.web_media_url.endswith("/web.m4a")


def test_non_media_files_skip_the_av_step(ingest):
    item_file = ingest(ItemFactory(), samples.pdf_bytes(), "a.pdf")
    assert item_file.technical["steps"]["av"]["status"] == "done"
    assert "av_derivatives" not in item_file.technical
    assert item_file.web_media_url is None


def test_rerun_replaces_derivatives_instead_of_piling_copies(ingest, media_root, monkeypatch):
    from media_pipeline import tasks
    from media_pipeline.steps import registry

    item_file = ingest(ItemFactory(item_type="audio"), av_samples.flac_bytes(), "a.flac")
    first = item_file.derivatives["web.m4a"]["path"]
    monkeypatch.setattr(registry["av"], "version", 99)
    tasks.process_item_file.enqueue(item_file.pk)
    item_file.refresh_from_db()
    assert item_file.technical["steps"]["av"]["version"] == 99
    assert item_file.derivatives["web.m4a"]["path"] == first
    assert len(list((media_root / "derivatives").rglob("web*.m4a"))) == 1


def test_portrait_phone_video_is_scaled_by_its_displayed_shape(ingest, media_root, settings):
    settings.MEDIA_WEB_VIDEO_SHORT_SIDE = 120
    item_file = ingest(
        ItemFactory(item_type="video"), av_samples.portrait_phone_mp4_bytes(), "p.mp4"
    )
    assert item_file.status == FileStatus.DONE, item_file.error
    av = item_file.technical["av"]
    assert (av["width"], av["height"]) == (240, 320)
    assert av["streams"][0]["rotation"] in (90, 270)
    video = _probe(_stored(media_root, item_file, "web.mp4"))["streams"][0]
    assert (video["width"], video["height"]) == (120, 160)  # upright, not squashed
    assert not any("rotation" in side for side in video.get("side_data_list", []))  # turned once
    with Image.open(_stored(media_root, item_file, "poster.jpg")) as poster:
        assert poster.size == (120, 160)
