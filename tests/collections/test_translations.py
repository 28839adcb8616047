"""The archive speaks Chinese: model labels, choices, messages and the admin listing."""

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from archive_collections.dates import DateParseError, parse_date
from archive_collections.models import AccessLevel, Fonds, Item, ItemType, Series
from tests.factories import ItemFactory

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES"


def test_compiled_catalogue_is_installed():
    assert (CATALOGUE / "django.mo").exists(), (
        "locale/zh_Hans/LC_MESSAGES/django.mo is missing: run "
        "`manage.py compilemessages -l zh_Hans --ignore=.venv` (the install step does this)"
    )


def test_po_file_has_no_untranslated_or_fuzzy_entries():
    text = (CATALOGUE / "django.po").read_text(encoding="utf-8")
    entries = text.split("\n\n")[1:]
    untranslated = [
        e
        for e in entries
        if e.rstrip().endswith('msgstr ""') or e.rstrip().endswith('msgstr[0] ""')
    ]
    assert untranslated == []
    assert "#, fuzzy" not in text


def test_archival_terms_in_chinese():
    with translation.override("zh-hans"):
        assert str(Item._meta.verbose_name) == "件"
        assert str(Fonds._meta.verbose_name) == "全宗"
        assert str(Series._meta.verbose_name) == "系列"
        assert str(Fonds._meta.get_field("scope_content").verbose_name) == "内容提要"
        assert str(ItemType.ORAL_HISTORY.label) == "口述访谈"
        assert str(AccessLevel.RESEARCHERS.label) == "研究人员"
        assert str(Item._meta.get_field("rights_statement").verbose_name) == "权利声明"


def test_date_parser_explains_itself_in_chinese():
    with translation.override("zh-hans"), pytest.raises(DateParseError) as caught:
        parse_date("56年")
    assert "四位" in str(caught.value)


@pytest.mark.django_db
def test_admin_item_listing_shows_chinese_labels(client, superuser):
    ItemFactory(item_type="manuscript", access_level="researchers")
    client.force_login(superuser)  # no preferred language: the site default, zh-hans
    response = client.get(reverse(Item.snippet_viewset.get_url_name("list")))
    content = response.content.decode()
    assert response.status_code == 200
    for label in ["档号", "类型", "开放级别", "手稿", "研究人员", "日期（原文著录）"]:
        assert label in content, label
