"""What each demo page file may hold: its page type's fields and, for StreamFields, the blocks.

Field and block names are the models' and the StreamField blocks' own (exhibits/models,
exhibits/blocks), so a page file reads like the page's stored content with archive identifiers in
place of record keys. A new block in a demo page needs its shape here too.
"""

from __future__ import annotations

from dataclasses import dataclass

from wagtail.models import Page

from exhibits.models import (
    ChapterPage,
    ExhibitionIndexPage,
    ExhibitionPage,
    GradeBand,
    ScientistStoryPage,
    TeacherResourcePage,
)

from .shapes import (
    OMIT,
    Choice,
    Day,
    Either,
    ListOf,
    Maybe,
    Ref,
    Refs,
    Shape,
    Slug,
    Stream,
    Struct,
    Text,
    TextStream,
    Whole,
)

TEXT = Text()
OPTIONAL_TEXT = Maybe(TEXT, "")
CAPTIONED_ITEM = Struct({"item": Ref("item"), "caption": OPTIONAL_TEXT})

TIMELINE_EVENT = Either(
    {
        "date_text": OPTIONAL_TEXT,
        "label": TEXT,
        "description": OPTIONAL_TEXT,
        "item": Maybe(Ref("item"), None),
    },
    one_of=("date_text", "item"),
)

RECORD_BLOCKS: dict[str, Shape] = {
    "item": CAPTIONED_ITEM,
    "clip": Struct(
        {"interview": Ref("interview"), "start": TEXT, "end": TEXT, "caption": OPTIONAL_TEXT}
    ),
    "deep_zoom": Struct(
        {
            "item": Ref("item"),
            "page": Maybe(Whole(), 1),
            "x": Whole(),
            "y": Whole(),
            "width": Whole(),
            "height": Whole(),
            "alt": TEXT,
            "caption": OPTIONAL_TEXT,
        }
    ),
}

EXHIBIT_BLOCKS: dict[str, Shape] = {
    "text": TEXT,
    **RECORD_BLOCKS,
    "gallery": Struct({"heading": OPTIONAL_TEXT, "items": Refs("item")}),
    "timeline": Struct({"heading": OPTIONAL_TEXT, "events": ListOf(TIMELINE_EVENT)}),
    "scientists": Struct({"heading": OPTIONAL_TEXT, "scientists": Refs("scientist")}),
    "pull_quote": Struct(
        {
            "quote": TEXT,
            "speaker": OPTIONAL_TEXT,
            "item": Maybe(Ref("item"), None),
            "interview": Ref("interview"),
        }
    ),
    "comparison": Struct(
        {
            "heading": OPTIONAL_TEXT,
            "left": CAPTIONED_ITEM,
            "right": CAPTIONED_ITEM,
            "commentary": OPTIONAL_TEXT,
        }
    ),
    "classroom": Struct({"heading": TEXT, "text": TEXT, "grade_hint": OPTIONAL_TEXT}),
    # A micro-video by its title; a quote card by "interview identifier@from-to" (ms).
    "micro_video": Struct({"video": Ref("micro_video"), "caption": OPTIONAL_TEXT}),
    "quote_card": Struct({"card": Ref("quote_card")}),
}

WORKSHEET_BLOCKS: dict[str, Shape] = {
    "instructions": TEXT,
    "question": Struct({"question": TEXT, "answer_lines": Whole()}),
    "item": CAPTIONED_ITEM,
}

CREDIT = Struct({"name": TEXT, "organisation": OPTIONAL_TEXT, "role": TEXT})


@dataclass(frozen=True)
class PageType:
    """A page model and the fields a file of its type gives (`title` and `slug` besides, and
    the English `title_en` and `listing_summary_en` every page may carry)."""

    model: type[Page]
    fields: dict[str, Shape]

    def shape(self) -> Struct:
        english = {"title_en": optional(TEXT), "listing_summary_en": optional(TEXT)}
        return Struct({"type": TEXT, "slug": Slug(), "title": TEXT, **english, **self.fields})


def optional(shape: Shape) -> Maybe:
    """A page field the file may leave out; the page then keeps the model's default."""
    return Maybe(shape, OMIT)


PAGE_TYPES: dict[str, PageType] = {
    "exhibition_index": PageType(
        ExhibitionIndexPage,
        {"introduction": optional(TEXT), "introduction_en": optional(TEXT)},
    ),
    "exhibition": PageType(
        ExhibitionPage,
        {
            "subtitle": optional(TEXT),
            "subtitle_en": optional(TEXT),
            "listing_summary": optional(TEXT),
            "curators_statement": optional(TEXT),
            "curators_statement_en": optional(TEXT),
            "opening_date": optional(Day()),
            "body": optional(Stream(EXHIBIT_BLOCKS)),
            "body_en": optional(Stream(EXHIBIT_BLOCKS)),
            # Kept as data here: the loader turns them into Credit snippets only when it creates
            # the page, so a credit a curator has since renamed is not made again.
            "credits": optional(ListOf(CREDIT)),
        },
    ),
    "chapter": PageType(
        ChapterPage,
        {
            "period_label": optional(TEXT),
            "start_year": optional(Whole()),
            "end_year": optional(Whole()),
            "introduction": optional(TEXT),
            "introduction_en": optional(TEXT),
            "body": optional(Stream(EXHIBIT_BLOCKS)),
            "body_en": optional(Stream(EXHIBIT_BLOCKS)),
        },
    ),
    "story": PageType(
        ScientistStoryPage,
        {
            "scientist": Maybe(Ref("scientist"), None),
            "listing_summary": optional(TEXT),
            "standfirst": optional(TEXT),
            "standfirst_en": optional(TEXT),
            "body": optional(Stream(EXHIBIT_BLOCKS)),
            "body_en": optional(Stream(EXHIBIT_BLOCKS)),
        },
    ),
    "resource": PageType(
        TeacherResourcePage,
        {
            "grade_band": Choice(list(GradeBand.values)),
            "subject": TEXT,
            "lesson_minutes": optional(Whole()),
            "listing_summary": optional(TEXT),
            "overview": optional(TEXT),
            "learning_objectives": optional(TextStream("objective")),
            "discussion_questions": optional(TextStream("question")),
            "activities": optional(
                Stream(
                    {"activity": Struct({"title": TEXT, "minutes": Whole(), "instructions": TEXT})}
                )
            ),
            "linked_items": optional(Stream(RECORD_BLOCKS)),
            "worksheet_title": optional(TEXT),
            "worksheet": optional(Stream(WORKSHEET_BLOCKS)),
        },
    ),
}
