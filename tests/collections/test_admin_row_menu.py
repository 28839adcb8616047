"""Each listing row's "more" menu (archive_collections/admin/buttons.py) and its plain cells
(columns.PlainColumn) are written in Python: the markup must be what Wagtail's templates write
for the same buttons and values."""

import re

import pytest
from django.urls import reverse
from wagtail.admin.ui.tables import Column
from wagtail.admin.widgets.button import Button, ButtonWithDropdown, HeaderButton

from archive_collections.admin.buttons import RowMenu
from archive_collections.admin.columns import PlainColumn
from archive_collections.models import Item, Scientist
from tests.factories import ItemFactory, ScientistFactory

pytestmark = pytest.mark.django_db


def normal(html: str) -> str:
    """Markup with whitespace runs as one space and none between tags or before a '>'."""
    html = re.sub(r"\s+", " ", str(html)).strip()
    return re.sub(r"\s+>", ">", re.sub(r">\s+<", "><", html))


def rows(content: str) -> str:
    body = re.search(r"<tbody>(.*?)</tbody>", content, re.S)
    assert body is not None
    return normal(body.group(1))


@pytest.mark.parametrize("model", [Item, Scientist])
def test_listing_rows_are_what_wagtails_templates_write(admin_client, monkeypatch, model):
    ItemFactory(identifier="M-0001", title='信 & "手稿" <一>')
    ScientistFactory(name="钱学森", identifier="qian-xuesen")
    url = reverse(model.snippet_viewset.get_url_name("list"))
    ours = admin_client.get(url).content.decode()
    assert 'data-controller="w-dropdown"' in ours
    monkeypatch.setattr(RowMenu, "render_html", ButtonWithDropdown.render_html)
    monkeypatch.setattr(PlainColumn, "render_cell_html", Column.render_cell_html)
    wagtails = admin_client.get(url).content.decode()
    assert rows(ours) == rows(wagtails)


def test_buttons_without_a_link_with_attributes_and_a_toggle_class():
    buttons = [
        Button("删除 <&>", url="/x?a=1&b=2", icon_name="bin", attrs={"rel": "nofollow"}),
        Button("标记", icon_name="tag", classname="extra", priority=10),
        Button("无图标", url="/y", priority=20, attrs={"data-x": True}),
    ]
    menu = ButtonWithDropdown(
        buttons=buttons,
        icon_name="dots-horizontal",
        classname="toggle-more",
        attrs={"aria-label": "“记录”的更多选项 & more", "data-id": "7"},
    )
    ours = RowMenu.of(menu)
    assert type(ours) is RowMenu
    assert normal(ours.render_html({})) == normal(menu.render_html({}))


def test_a_menu_with_other_components_is_left_to_wagtail():
    header = HeaderButton("页眉", url="/h")
    menu = RowMenu.of(ButtonWithDropdown(buttons=[Button("编辑", url="/e"), header]))
    assert normal(menu.render_html({})) == normal(
        ButtonWithDropdown(buttons=[Button("编辑", url="/e"), header]).render_html({})
    )
    labelled = RowMenu.of(ButtonWithDropdown(label="操作", buttons=[Button("编辑", url="/e")]))
    assert "操作" in labelled.render_html({})
