"""Backups of S3 storages: masters and derivatives read through the storage API, written back."""

from __future__ import annotations

import hashlib
import io
import uuid

import pytest
from django.core.files.storage import storages
from django.core.management import call_command

from media_pipeline.ingest import ingest_fileobj
from media_pipeline.models import FileStatus
from tests.factories.catalogue import ItemFactory
from tests.media_pipeline.samples import image_bytes, pdf_bytes
from tests.media_pipeline.storage_backends import s3_client, s3_endpoint, s3_storage_options

pytestmark = [pytest.mark.slow, pytest.mark.s3, pytest.mark.django_db(transaction=True)]
ALIASES = ("masters", "derivatives")


def use_s3(settings, endpoint: str) -> None:
    """The pipeline's storages under a new key prefix of the test bucket (a new installation)."""
    prefix = f"backup-{uuid.uuid4().hex[:10]}"
    settings.STORAGES = {
        **settings.STORAGES,
        **{
            alias: {
                "BACKEND": "storages.backends.s3.S3Storage",
                "OPTIONS": s3_storage_options(endpoint, f"{prefix}/{alias}"),
            }
            for alias in ALIASES
        },
    }


def stored_files(client, bucket: str) -> dict[str, dict[str, str]]:
    """Each storage's objects (names under its location) and their checksums, listed by prefix
    in one request per thousand keys: walking the folders through the storage API asked the
    server once per folder of tiles, two thirds of this test's time."""
    sums: dict[str, dict[str, str]] = {}
    for alias in ALIASES:
        location = storages[alias].location.rstrip("/") + "/"
        sums[alias] = {}
        for page in client.get_paginator("list_objects_v2").paginate(
            Bucket=bucket, Prefix=location
        ):
            for entry in page.get("Contents", []):
                body = client.get_object(Bucket=bucket, Key=entry["Key"])["Body"].read()
                sums[alias][entry["Key"][len(location) :]] = hashlib.sha256(body).hexdigest()
    return sums


def test_a_bag_of_s3_storages_restores_into_other_s3_storages(tmp_path, fresh, settings):
    endpoint = s3_endpoint()
    client = s3_client(endpoint)
    bucket = s3_storage_options(endpoint, "")["bucket_name"]
    try:
        client.create_bucket(Bucket=bucket)
    except client.exceptions.BucketAlreadyOwnedByYou:
        pass
    fresh()
    use_s3(settings, endpoint)
    item = ItemFactory(identifier="S3-001", item_type="publication")
    ingest_fileobj(item, io.BytesIO(image_bytes("JPEG", (300, 200))), "第1页.jpg", sequence=1)
    ingest_fileobj(item, io.BytesIO(pdf_bytes(1)), "第2页.pdf", sequence=2)
    assert set(item.files.values_list("status", flat=True)) == {FileStatus.DONE}
    before = stored_files(client, bucket)
    assert len(before["derivatives"]) > 4  # web copies, thumbnails and tiles of both files
    call_command("export_archive", str(tmp_path / "bag"), stdout=io.StringIO())

    fresh()
    use_s3(settings, endpoint)
    assert stored_files(client, bucket) == {"masters": {}, "derivatives": {}}
    call_command("restore_archive", str(tmp_path / "bag"), stdout=io.StringIO())

    assert stored_files(client, bucket) == before
