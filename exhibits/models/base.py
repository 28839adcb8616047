"""The abstract page every exhibit page type builds on."""

import re
from html import unescape

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.models import Page
from wagtail.search import index

from archive_collections.bilingual import english_active
from exhibits.blocks.images import ALT_TEXT_REQUIRED
from exhibits.forms import ExhibitPageForm
from exhibits.records import CONTEXT_KEY, ArchiveRecords

# Enough plain text for a <meta name="description"> or a link preview: the templates truncate to
# 160 and 200 characters; reading a whole body to throw most of it away would be wasted work.
DESCRIPTION_SOURCE_CHARS = 400


# Block boundaries become spaces, so "<h2>Heading</h2><p>Text" does not read "HeadingText".
_BLOCK_BOUNDARY = re.compile(r"<(?:br|/(?:p|h[1-6]|li|div|blockquote))\b[^>]*>", re.IGNORECASE)


def plain_text(html: str) -> str:
    """Rich text (or plain text) as one line of plain text, entities decoded."""
    text = strip_tags(_BLOCK_BOUNDARY.sub(" ", html or ""))
    return " ".join(unescape(text).split())


def first_text(stream) -> str:
    """The plain text of a StreamField's first rich-text blocks, up to DESCRIPTION_SOURCE_CHARS:
    a description for pages whose words are all in their body."""
    parts, length = [], 0
    for child in stream or ():
        if child.block_type != "text":
            continue
        text = plain_text(child.value.source if hasattr(child.value, "source") else child.value)
        if text:
            parts.append(text)
            length += len(text)
        if length >= DESCRIPTION_SOURCE_CHARS:
            break
    return " ".join(parts)


class BasePage(Page):
    """What every exhibit page gets from this base:

    - Sharing and search metadata: Wagtail's SEO title and search description, plus a listing
      image (with required alt text) and a one-line summary used for cards, <meta
      name="description"> and the Open Graph tags rendered into base.html's `meta` block by
      exhibits/includes/meta.html. Without a search description or summary the description
      falls back to the page's own introduction (`description_fallback()`).
    - Required alt text: every (image field, alt field) pair in `image_alt_fields` is checked in
      `clean()`, so a page with an image but no description of it cannot be saved or published.
    - Live archive records: `get_context()` collects every Item, Interview and Scientist that
      the StreamFields named in `archive_stream_fields` reference and fetches them in bulk,
      filtered by the viewer's access policy (exhibits/records.py); blocks read them from the
      context instead of querying one by one.
    - Wagtail's own drafts, previews, moderation workflows and scheduled publishing, unchanged;
      a new page whose slug a sibling has takes the next free `-2`, `-3`... (exhibits/forms.py:
      autosave creates a draft from the title alone).
    """

    base_form_class = ExhibitPageForm

    listing_summary = models.CharField(
        _("summary"),
        max_length=300,
        blank=True,
        help_text=_("One or two sentences for listings, search results and link previews."),
    )
    title_en = models.CharField(
        _("title in English"),
        max_length=255,
        blank=True,
        help_text=_("Shown on the English site; left blank, the Chinese title is shown, marked."),
    )
    listing_summary_en = models.CharField(_("summary in English"), max_length=300, blank=True)
    listing_image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("listing image"),
        help_text=_("Shown on cards and when the page is shared."),
    )
    listing_image_alt = models.CharField(
        _("listing image alt text"),
        max_length=250,
        blank=True,
        help_text=_("Required with a listing image: what it shows."),
    )
    # Read by the daily audit (archive_site/oversight): a page past this date is listed for review.
    review_date = models.DateField(
        _("review by"),
        null=True,
        blank=True,
        help_text=_("When the page should next be read again for accuracy."),
    )

    image_alt_fields: tuple[tuple[str, str], ...] = (("listing_image", "listing_image_alt"),)
    archive_stream_fields: tuple[str, ...] = ()

    promote_panels = Page.promote_panels + [
        MultiFieldPanel(
            [
                FieldPanel("listing_summary"),
                FieldPanel("listing_image"),
                FieldPanel("listing_image_alt"),
            ],
            heading=_("Listings and sharing"),
        ),
    ]

    settings_panels = Page.settings_panels + [FieldPanel("review_date")]

    # Wagtail's admin search and page chooser find a page by the words of its summary,
    # introduction and body too, not only its title (search/wagtail_db_backend.py and
    # search/wagtail_backend.py index them, Chinese-aware).
    search_fields = Page.search_fields + [
        index.SearchField("search_text"),
        index.AutocompleteField("search_text"),
    ]

    class Meta:
        abstract = True

    def search_text(self) -> str:
        """The page's own words as plain text for Wagtail's search: summary, introduction and
        the text blocks of its StreamFields."""
        parts = [plain_text(self.listing_summary), self.description_fallback()]
        for name in self.archive_stream_fields:
            field = self._meta.get_field(name)
            parts.extend(
                plain_text(text) for text in field.get_searchable_content(getattr(self, name))
            )
        return " ".join(part for part in parts if part)

    def clean(self):
        super().clean()
        errors = {}
        for image_field, alt_field in self.image_alt_fields:
            if getattr(self, f"{image_field}_id", None) and not getattr(self, alt_field).strip():
                errors[alt_field] = ALT_TEXT_REQUIRED
        if errors:
            raise ValidationError(errors)

    @property
    def page_type(self) -> str:
        """The model name, for CSS hooks, without a content-type query."""
        return self._meta.model_name

    @property
    def meta_description(self) -> str:
        """For <meta name="description"> and og:description: what the curator wrote for search
        engines, else the listing summary, else the page's own opening words, so a page whose
        promote tab was left empty still gets a useful preview instead of none. On the English
        site the English summary or introduction comes first."""
        if english_active() and (english := self.english_description()):
            return english
        return (
            plain_text(self.search_description)
            or plain_text(self.listing_summary)
            or self.description_fallback()
        )

    def description_fallback(self) -> str:
        """The page's introductory text, as plain text; each page type says where that is."""
        return ""

    def english_description(self) -> str:
        """The English summary, else the first English introductory text the page has."""
        for name in ("listing_summary_en", "introduction_en", "standfirst_en"):
            if text := plain_text(getattr(self, name, "")):
                return text
        return plain_text(getattr(self, "curators_statement_en", "")) or first_text(
            getattr(self, "body_en", None)
        )

    @property
    def share_image(self):
        return self.listing_image

    @property
    def share_image_alt(self) -> str:
        return self.listing_image_alt

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        if self.archive_stream_fields:
            context[CONTEXT_KEY] = ArchiveRecords.for_page(self, request)
        return context
