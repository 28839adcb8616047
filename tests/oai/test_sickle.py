"""A real harvester, Sickle, harvests the archive through a live server."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from sickle import Sickle

from tests.oai.conftest import PREFIX, build_archive

pytestmark = pytest.mark.django_db(transaction=True)


def test_sickle_harvests_every_public_record_through_resumption_tokens(live_server):
    archive = build_archive(fonds_count=4, items_per_series=7)
    withdrawn = archive.public[3]
    withdrawn.embargo_until = timezone.localdate() + timedelta(days=10)
    withdrawn.save()
    public = {PREFIX + i.identifier for i in archive.public if i.pk != withdrawn.pk}
    sickle = Sickle(f"{live_server.url}/oai/", max_retries=0)

    assert sickle.Identify().deletedRecord == "persistent"
    records = list(sickle.ListRecords(metadataPrefix="oai_dc", ignore_deleted=True))
    assert {r.header.identifier for r in records} == public
    assert len(records) == len(public)  # the settings' page size of 4: many tokens followed
    titles = {r.metadata["title"][0] for r in records}
    assert titles == {i.title for i in archive.public if i.pk != withdrawn.pk}

    headers = list(sickle.ListIdentifiers(metadataPrefix="mods", ignore_deleted=False))
    deleted = [h.identifier for h in headers if h.deleted]
    assert deleted == [PREFIX + withdrawn.identifier]
    assert {h.identifier for h in headers if not h.deleted} == public

    in_fonds = list(sickle.ListIdentifiers(metadataPrefix="oai_dc", set="fonds:DA-1"))
    assert {h.identifier for h in in_fonds} == {p for p in public if p.startswith(PREFIX + "DA-1-")}
    assert len(list(sickle.ListSets())) > 4
    one = sickle.GetRecord(identifier=sorted(public)[0], metadataPrefix="mods")
    assert one.header.identifier == sorted(public)[0]
