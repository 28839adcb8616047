import io
import shutil

import pytest
from django.core.management import call_command
from PIL import Image

from media_pipeline.ingest import ingest_fileobj
from media_pipeline.models import FileStatus, ItemFile
from media_pipeline.steps import registry
from media_pipeline.tasks import process_item_file
from tests.factories import ItemFactory

from . import samples

pytestmark = pytest.mark.django_db


def _derivative(media_root, item_file, name):
    return Image.open(media_root / "derivatives" / item_file.derivatives[name]["path"])


def test_image_is_processed_to_done_with_metadata_and_derivatives(ingest, media_root):
    item_file = ingest(ItemFactory(), samples.image_bytes("PNG", size=(2400, 1200)), "p.png")
    assert item_file.status == FileStatus.DONE, item_file.error
    assert item_file.technical["image"]["width"] == 2400
    assert item_file.technical["image"]["mode"] == "RGB"
    steps = item_file.technical["steps"]
    assert [steps[s]["status"] for s in ("fixity", "technical", "derivatives")] == ["done"] * 3
    with _derivative(media_root, item_file, "web.jpg") as web:
        assert (web.format, web.size, web.mode) == ("JPEG", (2000, 1000), "RGB")
    with _derivative(media_root, item_file, "thumb.jpg") as thumb:
        assert thumb.size == (400, 200)
    assert item_file.thumbnail_url == f"/files/{item_file.pk}/derivatives/thumb.jpg"
    assert item_file.web_url == f"/files/{item_file.pk}/derivatives/web.jpg"


def test_derivatives_are_turned_upright_by_exif_orientation(ingest, media_root):
    item_file = ingest(ItemFactory(), samples.rotated_jpeg((600, 300), 6), "r.jpg")
    assert item_file.technical["image"]["orientation"] == 6
    with _derivative(media_root, item_file, "thumb.jpg") as thumb:
        assert thumb.size == (200, 400)


def test_multipage_tiff_uses_the_first_page(ingest, media_root):
    item_file = ingest(ItemFactory(), samples.multipage_tiff(), "pages.tif")
    assert item_file.technical["image"]["frames"] == 2
    with _derivative(media_root, item_file, "thumb.jpg") as thumb:
        assert thumb.size == (300, 200)
        assert thumb.getpixel((10, 10))[0] > 200  # the red first page, not the blue second


def test_transparent_and_sixteen_bit_images_become_rgb(ingest, media_root):
    rgba = ingest(ItemFactory(), samples.image_bytes("PNG", mode="RGBA"), "a.png")
    grey16 = Image.linear_gradient("L").resize((300, 300)).convert("I;16")
    grey16 = grey16.point(lambda v: v * 200)
    path = media_root / "g16.png"
    grey16.save(path)
    deep = ingest(ItemFactory(), path.read_bytes(), "g16.png")
    for item_file in (rgba, deep):
        assert item_file.status == FileStatus.DONE, item_file.error
    with _derivative(media_root, deep, "thumb.jpg") as thumb:
        low, high = thumb.convert("L").getextrema()
        # 0…51000 of 65535 scaled by 1/257: tones kept as recorded, neither clipped nor stretched
        assert low < 10 and 190 <= high <= 205


def test_truncated_jpeg_fails_its_step_and_leaves_other_files_alone(ingest):
    item = ItemFactory()
    whole = samples.image_bytes("JPEG", size=(800, 600))
    good = ingest(item, whole, "good.jpg")
    broken = ingest(item, whole[: len(whole) // 2], "broken.jpg")
    assert broken.status == FileStatus.FAILED
    assert "derivatives" in broken.error and "truncated" in broken.error
    assert broken.technical["steps"]["derivatives"]["status"] == "failed"
    assert broken.thumbnail_url is None
    good.refresh_from_db()
    assert good.status == FileStatus.DONE
    assert good.thumbnail_url


def test_decompression_bomb_fails_cleanly(ingest):
    item_file = ingest(ItemFactory(), samples.png_declaring(100_000, 100_000), "bomb.png")
    assert item_file.status == FileStatus.FAILED
    assert "technical" in item_file.error and "decompression bomb" in item_file.error
    assert "derivatives" not in item_file.technical["steps"]


def test_image_above_the_configured_pixel_limit_is_refused(ingest, settings):
    settings.MEDIA_MAX_IMAGE_PIXELS = 100_000
    item_file = ingest(ItemFactory(), samples.image_bytes("PNG", size=(400, 300)), "big.png")
    assert item_file.status == FileStatus.FAILED
    assert "400×300" in item_file.error


def test_pdf_page_count(ingest):
    item_file = ingest(ItemFactory(), samples.pdf_bytes(pages=3), "a.pdf")
    assert item_file.status == FileStatus.DONE
    assert item_file.technical["pdf"] == {"version": "1.4", "page_count": 3, "encrypted": False}
    assert item_file.derivatives == {}
    # No thumb.jpg: a PDF's thumbnail is its first page from the IIIF image service.
    assert item_file.thumbnail_url.startswith(f"/iiif/3/{item_file.pk}/full/400,")


@pytest.mark.skipif(shutil.which("ffprobe") is None, reason="ffprobe (scripts/system-deps.sh)")
def test_audio_duration_from_ffprobe(ingest):
    item_file = ingest(ItemFactory(item_type="audio"), samples.wav_bytes(seconds=1.5), "i.wav")
    assert item_file.status == FileStatus.DONE, item_file.error
    av = item_file.technical["av"]
    assert av["duration"] == pytest.approx(1.5, abs=0.01)
    assert av["streams"][0]["codec_type"] == "audio"
    assert av["streams"][0]["sample_rate"] == 8000


def test_reprocessing_skips_steps_already_done(ingest):
    item_file = ingest(ItemFactory(), samples.image_bytes("JPEG"), "a.jpg")
    before = item_file.technical["steps"]
    process_item_file.enqueue(item_file.pk)
    item_file.refresh_from_db()
    assert item_file.status == FileStatus.DONE
    assert item_file.technical["steps"] == before


def test_version_bump_reruns_only_that_step(ingest, monkeypatch):
    item_file = ingest(ItemFactory(), samples.image_bytes("JPEG"), "a.jpg")
    before = item_file.technical["steps"]
    bumped = registry.version("technical") + 1
    monkeypatch.setattr(registry["technical"], "version", bumped)
    process_item_file.enqueue(item_file.pk)
    item_file.refresh_from_db()
    after = item_file.technical["steps"]
    assert after["technical"]["version"] == bumped
    assert after["technical"]["finished_at"] != before["technical"]["finished_at"]
    assert after["fixity"] == before["fixity"]
    assert after["derivatives"] == before["derivatives"]


def test_failed_step_is_retried_on_the_next_run(ingest, media_root):
    item_file = ingest(ItemFactory(), samples.image_bytes("JPEG"), "a.jpg")
    master = media_root / "masters" / item_file.master.name
    data = master.read_bytes()
    master.unlink()
    ItemFile.objects.filter(pk=item_file.pk).update(technical={})
    process_item_file.enqueue(item_file.pk)
    item_file.refresh_from_db()
    assert item_file.status == FileStatus.FAILED
    assert "fixity" in item_file.error and "missing" in item_file.error
    master.write_bytes(data)
    process_item_file.enqueue(item_file.pk)
    item_file.refresh_from_db()
    assert item_file.status == FileStatus.DONE
    assert item_file.error == ""


def test_fixity_detects_a_changed_master(ingest, media_root):
    item_file = ingest(ItemFactory(), samples.pdf_bytes(), "a.pdf")
    (media_root / "masters" / item_file.master.name).write_bytes(samples.pdf_bytes(pages=5))
    ItemFile.objects.filter(pk=item_file.pk).update(technical={})
    result = process_item_file.enqueue(item_file.pk)
    item_file.refresh_from_db()
    assert result.return_value == FileStatus.FAILED
    assert "Checksum mismatch" in item_file.error


def test_processing_a_deleted_file_is_harmless(ingest):
    item_file = ingest(ItemFactory(), samples.pdf_bytes(), "a.pdf")
    pk = item_file.pk
    item_file.delete()
    result = process_item_file.enqueue(pk)
    assert result.return_value == "missing"
    assert not ItemFile.objects.filter(pk=pk).exists()


@pytest.mark.django_db(transaction=True)
def test_database_backend_worker_processes_the_queue(settings, media_root):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    item_file = ingest_fileobj(ItemFactory(), io.BytesIO(samples.pdf_bytes()), "q.pdf")
    item_file.refresh_from_db()
    assert item_file.status == FileStatus.PENDING  # queued, not run inline
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    item_file.refresh_from_db()
    assert item_file.status == FileStatus.DONE
