"""The "more" menu of each listing row, written in Python.

Wagtail renders a row's menu (the ⋯ dropdown: edit, copy, delete, …) through five templates:
the dropdown, and per button a component, its icon and a fragment. Fifty rows a page cost
35 ms of CPU for every item listing request at 100,000 items, a third of the page. `RowMenu`
writes the same markup (tests/collections/test_admin_row_menu.py compares it with Wagtail's)
when the menu holds only Wagtail's plain `Button`s, as the archive's listings do; a menu with
any other component is rendered by Wagtail's templates, as before.
"""

from __future__ import annotations

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from wagtail.admin.widgets.button import Button, ButtonWithDropdown


def _icon(name: str, classname: str = "icon") -> SafeString:
    """wagtailadmin/shared/icon.html without a title or wrapper."""
    return format_html(
        '<svg class="icon icon-{} {}" aria-hidden="true"><use href="#icon-{}"></use></svg>',
        name,
        classname,
        name,
    )


def _item(button: Button) -> SafeString:
    """wagtailadmin/shared/button.html for one button of the menu."""
    icon = _icon(button.icon_name) if button.icon_name else ""
    if button.url:
        return format_html(
            '<a href="{}" class="{}" {}>\n{}\n{}\n</a>',
            button.url,
            button.classname,
            button.base_attrs_string,
            icon,
            button.label,
        )
    return format_html(
        '<button class="{}" {}>\n{}\n{}\n</button>',
        button.classname,
        button.base_attrs_string,
        icon,
        button.label,
    )


class RowMenu(ButtonWithDropdown):
    """A ButtonWithDropdown whose markup is written here when it can be (see the module)."""

    @classmethod
    def of(cls, menu: ButtonWithDropdown) -> ButtonWithDropdown:
        if type(menu) is not ButtonWithDropdown:
            return menu
        return cls(
            label=menu.label,
            classname=menu.classname,
            icon_name=menu.icon_name,
            attrs=menu.attrs,
            priority=menu.priority,
            buttons=menu.dropdown_buttons,
        )

    def render_html(self, parent_context=None):
        buttons = sorted(self.dropdown_buttons)
        if self.label or any(type(button) is not Button for button in buttons):
            return super().render_html(parent_context)
        toggle = " ".join(
            name
            for name in ("w-dropdown__toggle", "w-dropdown__toggle--icon", self.classname.strip())
            if name
        )
        aria_label = (
            format_html(' aria-label="{}"', self.aria_label) if self.aria_label else SafeString("")
        )
        return format_html(
            '<div data-controller="w-dropdown" class="w-dropdown" {}>\n'
            '<button type="button" class="{}" data-w-dropdown-target="toggle"{}>\n{}\n</button>\n'
            '<div data-w-dropdown-target="content" class="w-dropdown__content" hidden>\n{}\n'
            "</div>\n</div>",
            self.base_attrs_string,
            toggle,
            aria_label,
            _icon(self.icon_name or "arrow-down", "w-dropdown__toggle-icon"),
            format_html_join("\n", "{}", ((_item(button),) for button in buttons)),
        )
