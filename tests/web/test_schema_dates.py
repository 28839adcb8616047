"""Written dates as schema.org reads them: ISO 8601 at the precision the archivist wrote."""

from __future__ import annotations

import pytest

from archive_collections.dates import parse_date
from archive_site.web.jsonld import schema_date


@pytest.mark.parametrize(
    ("written", "iso"),
    [
        ("1956年3月12日", "1956-03-12"),
        ("1956年3月", "1956-03"),
        ("1956年", "1956"),
        ("民国三十六年", "1947"),
        ("五十年代", "1950/1959"),
        ("1956年3月—5月", "1956-03/1956-05"),
        ("1956年3月12日—1958年", "1956-03-12/1958"),
        ("不详", None),
    ],
)
def test_written_dates_keep_their_precision(written, iso):
    parsed = parse_date(written)
    assert schema_date(parsed.start, parsed.end, parsed.precision) == iso
