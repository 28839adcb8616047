"""English beside Chinese on exhibit pages: the `_en` fields and the admin panel that holds them.

The page tree stays one tree with one URL per page (the language is the switcher's cookie, not a
path), so a page carries its English in fields beside the Chinese ones rather than as a second,
translated page. Templates read them through archive_collections.bilingual (`pick`), which falls
back to the Chinese, marked, when a field has no English.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel

#: On every exhibit page (BasePage): the title and the listing summary.
BASE_ENGLISH_FIELDS = ("title_en", "listing_summary_en")


def english_panel(*fields: str) -> MultiFieldPanel:
    """A collapsed "English" panel under the Chinese fields of the content tab."""
    return MultiFieldPanel(
        [FieldPanel(name) for name in (*BASE_ENGLISH_FIELDS, *fields)],
        heading=_("English"),
        classname="collapsed",
        help_text=_(
            "Shown when a visitor switches the site to English. A field left blank shows the "
            "Chinese text with a “中文” marker."
        ),
    )
