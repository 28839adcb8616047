import pytest
from django.utils import translation

from media_pipeline.models import ItemFile


@pytest.fixture(autouse=True)
def english_messages():
    """Notices are asserted in English, whatever the translations catalogue holds."""
    with translation.override("en"):
        yield


def scan_file(item, sequence: int = 1, width: int = 2000, height: int = 1000) -> ItemFile:
    """An image file record with its derivatives recorded (the bytes are not needed to render)."""
    return ItemFile.objects.create(
        item=item,
        sequence=sequence,
        master=f"scan-{item.pk}-{sequence}.jpg",
        original_filename=f"scan-{sequence}.jpg",
        sha256=f"{item.pk:032d}{sequence:032d}",
        size=100,
        mime_type="image/jpeg",
        status="done",
        technical={
            "derivatives": {
                "thumb.jpg": {"path": "t.jpg", "width": 400, "height": 200, "bytes": 10},
                "web.jpg": {"path": "w.jpg", "width": width, "height": height, "bytes": 10},
            }
        },
    )
