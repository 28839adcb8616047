"""The admin form every exhibit page type uses (``BasePage.base_form_class``)."""

from __future__ import annotations

from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.models import Page

# Wagtail's slug field holds 255 characters; a suffix like "-12" must still fit.
SLUG_MAX_LENGTH = 255


def free_slug(slug: str, parent: Page) -> str:
    """`slug`, or the first of `slug-2`, `slug-3`, ... that no child of `parent` has."""
    taken = set(
        parent.get_children()
        .filter(slug__startswith=slug[: SLUG_MAX_LENGTH - 8])
        .values_list("slug", flat=True)
    )
    if slug not in taken:
        return slug
    number = 2
    while True:
        suffix = f"-{number}"
        candidate = slug[: SLUG_MAX_LENGTH - len(suffix)] + suffix
        if candidate not in taken:
            return candidate
        number += 1


class ExhibitPageForm(WagtailAdminPageForm):
    """A new page whose slug a sibling already has gets the first free `-2`, `-3`... instead of
    a validation error.

    Wagtail's autosave posts the create form as soon as a title is typed, with the slug the
    editor derived from that title, and so creates a draft at once: a second page with the same
    title (an "add" opened again, a curator's second try) would otherwise fail on the first
    draft's slug. A page already created keeps Wagtail's check: there the slug is the curator's
    and its URL may be in use.
    """

    slug_adjusted_from: str | None = None

    def clean(self):
        slug = self.cleaned_data.get("slug")
        if slug and self.instance.pk is None and self.parent_page is not None:
            unique = free_slug(slug, self.parent_page)
            if unique != slug:
                self.cleaned_data["slug"] = unique
                self.slug_adjusted_from = slug
        return super().clean()

    def get_field_updates_for_resave(self):
        """The open editor takes the adjusted slug, so its next save does not send the old."""
        updates = list(super().get_field_updates_for_resave())
        if self.slug_adjusted_from is not None:
            updates.append(("slug", self.cleaned_data["slug"]))
        return updates
