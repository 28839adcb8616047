"""The `stored` fixture: the media pipeline's storages on the local disk, then on a real S3 server.

The S3 variant talks HTTP to the server at S3_TEST_ENDPOINT_URL (scripts/services/s3.sh, started
by scripts/test.sh) through django-storages, with its own bucket per test run and its own key
prefix per test. Without the variable the S3 cases are skipped, except under CI=true where a
missing server fails the run.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

_BUCKET = f"archive-test-{uuid.uuid4().hex[:12]}"
_bucket_made = False


@dataclass
class Stored:
    kind: str
    root: Path | None = None  # local: the folder holding masters/ and derivatives/
    client: object | None = None  # s3: a boto3 client
    bucket: str = ""
    prefix: str = ""

    def key(self, alias: str, name: str) -> str:
        return f"{self.prefix}/{alias}/{name}"

    def read(self, alias: str, name: str) -> bytes:
        if self.kind == "local":
            return (self.root / alias / name).read_bytes()
        return self.client.get_object(Bucket=self.bucket, Key=self.key(alias, name))["Body"].read()

    def write(self, alias: str, name: str, data: bytes) -> None:
        if self.kind == "local":
            (self.root / alias / name).write_bytes(data)
        else:
            self.client.put_object(Bucket=self.bucket, Key=self.key(alias, name), Body=data)

    def delete(self, alias: str, name: str) -> None:
        if self.kind == "local":
            (self.root / alias / name).unlink()
        else:
            self.client.delete_object(Bucket=self.bucket, Key=self.key(alias, name))

    def public_grants(self, alias: str, name: str) -> list:
        """ACL grants to anyone but the owner (always [] on the local disk)."""
        if self.kind == "local":
            return []
        acl = self.client.get_object_acl(Bucket=self.bucket, Key=self.key(alias, name))
        return [g for g in acl["Grants"] if g["Grantee"].get("Type") == "Group"]


def s3_endpoint() -> str:
    endpoint = os.environ.get("S3_TEST_ENDPOINT_URL", "")
    if not endpoint:
        message = (
            "S3_TEST_ENDPOINT_URL is not set: start scripts/services/s3.sh and export its "
            "URL (scripts/test.sh does both)"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return endpoint


def s3_client(endpoint: str):
    import boto3
    from botocore.config import Config

    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id="test",
        aws_secret_access_key="test",
        region_name="us-east-1",
        config=Config(s3={"addressing_style": "path"}),
    )


def s3_storage_options(endpoint: str, location: str) -> dict:
    return {
        "bucket_name": _BUCKET,
        "endpoint_url": endpoint,
        "access_key": "test",
        "secret_key": "test",
        "region_name": "us-east-1",
        "addressing_style": "path",
        "signature_version": "s3v4",
        "location": location,
        "default_acl": None,
        "querystring_auth": True,
        "file_overwrite": False,
        "max_memory_size": 1024 * 1024,
    }


@pytest.fixture(params=["local", "s3"])
def stored(request, settings, media_root):
    if request.param == "local":
        return Stored("local", root=media_root)
    global _bucket_made
    endpoint = s3_endpoint()
    client = s3_client(endpoint)
    if not _bucket_made:
        client.create_bucket(Bucket=_BUCKET)
        _bucket_made = True
    prefix = f"t-{uuid.uuid4().hex[:10]}"
    settings.STORAGES = {
        **settings.STORAGES,
        **{
            alias: {
                "BACKEND": "storages.backends.s3.S3Storage",
                "OPTIONS": s3_storage_options(endpoint, f"{prefix}/{alias}"),
            }
            for alias in ("masters", "derivatives")
        },
    }
    return Stored("s3", client=client, bucket=_BUCKET, prefix=prefix)
