"""The item listing's filter sidebar: the series offered with their fonds (read as rows, not
model instances), and the decades in use (read from the first and last dates)."""

import re
from datetime import date

import pytest
from django.urls import reverse

from archive_collections.admin.filters import decade_choices
from archive_collections.models import Item
from tests.factories import ItemFactory, SeriesFactory

pytestmark = pytest.mark.django_db


def series_options(content: str) -> dict[str, str]:
    select = re.search(r'<select name="series"[^>]*>(.*?)</select>', content, re.S)
    assert select is not None
    return dict(re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select.group(1)))


def test_series_are_offered_with_their_fonds_and_filter_the_listing(admin_client):
    first = SeriesFactory(identifier="S-A", title="手稿 & 书信", fonds__identifier="F-A")
    second = SeriesFactory(identifier="S-B", title="照片", fonds__identifier="F-B")
    ItemFactory(series=first, identifier="A-0001")
    ItemFactory(series=second, identifier="B-0001")
    url = reverse(Item.snippet_viewset.get_url_name("list"))
    content = admin_client.get(url).content.decode()
    options = series_options(content)
    assert options[str(first.pk)] == "F-A / S-A 手稿 &amp; 书信"
    assert options[str(second.pk)] == "F-B / S-B 照片"
    assert options[""] == "---------"
    chosen = admin_client.get(url, {"series": second.pk}).content.decode()
    assert "B-0001" in chosen and "A-0001" not in chosen
    assert re.search(rf'<option value="{second.pk}" selected>', chosen)


def test_decades_in_use_are_offered():
    assert decade_choices() == []
    for year in (1938, 1956, 1959, 1981):
        ItemFactory(date_text=f"{year}年5月")
    ItemFactory(date_text="不详")
    assert Item.objects.filter(date_start=date(1938, 5, 1)).exists()
    assert [value for value, _label in decade_choices()] == ["1930", "1950", "1980"]
