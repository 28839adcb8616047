"""`manage.py fixity_audit` on both storages: intact, corrupted and missing masters."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from media_pipeline.models import FixityCheck, FixityOutcome, ItemFile
from tests.factories import ItemFactory

from . import av_samples
from .storage_backends import stored  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def _audit(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("fixity_audit", *args, stdout=out, stderr=err, verbosity=0)
    except CommandError as exc:
        return False, out.getvalue(), err.getvalue() + str(exc)
    return True, out.getvalue(), err.getvalue()


@pytest.fixture
def three_files(ingest):
    item = ItemFactory(identifier="A001-001")
    return [ingest(item, av_samples.blob(n), f"p{n}.bin") for n in (1, 2, 3)]


def test_intact_masters_pass_and_are_recorded(stored, three_files):  # noqa: F811
    ok, out, _err = _audit()
    assert ok
    assert "Fixity audit of 3 file(s): 3 intact, 0 checksum mismatch, 0 missing" in out
    for item_file in three_files:
        item_file.refresh_from_db()
        assert item_file.fixity_status == FixityOutcome.OK
        assert item_file.fixity_checked_at is not None
        check = item_file.fixity_checks.get()
        assert (check.actual_sha256, check.actual_size) == (item_file.sha256, item_file.size)


def test_one_corrupted_byte_is_reported_and_exits_non_zero(stored, three_files):  # noqa: F811
    victim = three_files[1]
    data = bytearray(stored.read("masters", victim.master.name))
    data[len(data) // 2] ^= 0x01
    stored.write("masters", victim.master.name, bytes(data))

    ok, _out, err = _audit()
    assert not ok
    assert "1 checksum mismatch" in err and "2 intact" in err
    assert f"Checksum mismatch: file {victim.pk} (A001-001 / p2.bin" in err
    assert f"expected {victim.sha256}" in err
    victim.refresh_from_db()
    assert victim.fixity_status == FixityOutcome.MISMATCH
    check = victim.fixity_checks.get()
    assert check.actual_sha256 not in ("", victim.sha256)
    assert check.actual_size == victim.size  # same length, different content
    others = ItemFile.objects.exclude(pk=victim.pk)
    assert set(others.values_list("fixity_status", flat=True)) == {FixityOutcome.OK}


def test_missing_master_is_reported(stored, three_files):  # noqa: F811
    victim = three_files[0]
    stored.delete("masters", victim.master.name)
    ok, _out, err = _audit("--item", "A001-001")
    assert not ok
    assert f"Missing: file {victim.pk}" in err
    assert FixityCheck.objects.get(item_file=victim).outcome == FixityOutcome.MISSING


def test_since_and_limit_pick_the_longest_unchecked_first(ingest, media_root, three_files):
    first, second, third = three_files
    long_ago = timezone.now() - datetime.timedelta(days=400)
    recently = timezone.now() - datetime.timedelta(days=2)
    ItemFile.objects.filter(pk=first.pk).update(fixity_checked_at=recently)
    ItemFile.objects.filter(pk=second.pk).update(fixity_checked_at=long_ago)
    # third: never checked

    assert _audit("--limit", "1")[0]
    assert list(FixityCheck.objects.values_list("item_file", flat=True)) == [third.pk]

    since = (timezone.localdate() - datetime.timedelta(days=30)).isoformat()
    assert _audit("--since", since)[0]
    checked = FixityCheck.objects.values_list("item_file", flat=True)
    assert sorted(checked) == sorted([third.pk, second.pk])  # first was checked recently


def test_other_items_are_left_alone_with_item(ingest, media_root, three_files):
    other = ingest(ItemFactory(identifier="B002"), av_samples.blob(9), "b.bin")
    assert _audit("--item", "B002")[0]
    assert list(FixityCheck.objects.values_list("item_file", flat=True)) == [other.pk]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--item", "NOPE"], "No item has the identifier 'NOPE'"),
        (["--limit", "0"], "--limit must be at least 1"),
    ],
)
def test_bad_arguments(media_root, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("fixity_audit", *args, verbosity=0)


def test_bad_since_date_is_refused(media_root):
    with pytest.raises(CommandError, match="not a date"):
        call_command("fixity_audit", "--since", "2026-13-45", verbosity=0)
