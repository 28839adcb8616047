"""What the API answers, as pydantic schemas: django-ninja generates the OpenAPI description
from them, and every response is built through them, so the description and the bytes served
cannot drift apart (schemathesis checks that in tests/api). Plain pydantic models rather than
ninja's Schema: they are built from keyword arguments only, and skip the attribute resolution
that Schema runs on every instance (a third of a listing's time)."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field


class ErrorOut(BaseModel):
    detail: str
    parameter: str | None = Field(None, description="The query parameter or header at fault.")


class Page(BaseModel):
    limit: int
    next_cursor: str | None = Field(
        None, description="Pass as `cursor` for the next page; null on the last page."
    )


# Scientists, fonds, series ------------------------------------------------------------------


class NameVariantOut(BaseModel):
    name: str
    kind: str
    note: str


class ScientistOut(BaseModel):
    id: str = Field(description="The authority identifier, as in the page URL.")
    name: str
    name_pinyin: str
    name_variants: list[NameVariantOut]
    gender: str
    birth_year: int | None
    death_year: int | None
    life_dates: str
    disciplines: list[str]
    summary: str
    url: str
    api_url: str


class ScientistDetailOut(ScientistOut):
    birth_place: str
    death_place: str
    fonds: list[str] = Field(description="Identifiers of the scientist's fonds.")


class ScientistPage(Page):
    results: list[ScientistOut]


class FondsOut(BaseModel):
    id: str
    title: str
    scientist: str
    date_text: str
    extent: str
    scope_content: str
    collecting_institution: str
    url: str
    api_url: str


class FondsPage(Page):
    results: list[FondsOut]


class SeriesOut(BaseModel):
    id: str
    title: str
    fonds: str
    parent: str | None
    level: str
    position: int
    date_text: str
    scope_content: str
    url: str
    api_url: str


class SeriesPage(Page):
    results: list[SeriesOut]


# Items and their files -----------------------------------------------------------------------


class ItemOut(BaseModel):
    id: str = Field(description="The 档号, as in the page URL.")
    title: str
    type: str
    level: str
    series: str
    fonds: str
    scientists: list[str]
    date_text: str
    date_start: date | None
    date_end: date | None
    language: str
    access_level: str
    updated_at: datetime
    thumbnail: str | None
    url: str
    api_url: str


class FileOut(BaseModel):
    id: int
    sequence: int
    label: str
    kind: str = Field(description="image, audio, video, application…")
    mime_type: str
    size: int
    page_count: int | None
    status: str
    thumbnail: str | None
    master_url: str | None
    iiif_info: list[str] = Field(description="info.json of each page with an image service.")


class ItemDetailOut(ItemOut):
    creators: str
    description: str
    subjects: list[str]
    places: str
    extent: str
    provenance: str
    rights_statement: str
    files: list[FileOut]
    iiif_manifest: str | None
    interview: str | None = Field(description="The interview's API URL, for oral histories.")


class ItemPage(Page):
    results: list[ItemOut]


# Interviews -----------------------------------------------------------------------------------


class InterviewOut(BaseModel):
    id: str = Field(description="The 档号 of the interview's item.")
    title: str
    interviewee: str
    interviewers: str
    interview_date: date | None
    place: str
    language: str
    dialect: str
    duration_ms: int | None
    url: str
    api_url: str


class TranscriptSegmentOut(BaseModel):
    start_ms: int
    end_ms: int
    speaker: str
    text: str


class IndexSegmentOut(BaseModel):
    start_ms: int
    title: str
    synopsis: str
    keywords: list[str]
    partial_transcript: str


class InterviewDetailOut(InterviewOut):
    transcript: list[TranscriptSegmentOut]
    index: list[IndexSegmentOut]


class InterviewPage(Page):
    results: list[InterviewOut]


# Exhibitions ----------------------------------------------------------------------------------


class PageCardOut(BaseModel):
    id: int
    title: str
    url: str
    intro: str
    image: str | None


class ExhibitionOut(PageCardOut):
    subtitle: str
    opening_date: date | None
    closing_date: date | None
    api_url: str


class ExhibitionDetailOut(ExhibitionOut):
    chapters: list[PageCardOut]
    stories: list[PageCardOut]


class ExhibitionPage(Page):
    results: list[ExhibitionOut]


# Search (the contract of search.contract.SearchResults.to_dict) ------------------------------


class SearchQueryOut(BaseModel):
    q: str
    filters: dict[str, list[str]]
    year_from: int | None
    year_to: int | None
    sort: str
    page: int
    per_page: int


class HitOut(BaseModel):
    doc_id: str
    kind: str
    url: str
    snippet: str
    title: str
    score: float
    page_number: int | None
    start_ms: int | None
    line_boxes: list[list[float]]
    timecode: str


class GroupOut(BaseModel):
    key: str
    kind: str
    title: str
    url: str
    score: float
    identifier: str
    item_type: str
    date_text: str
    hits: list[HitOut]
    hit_count: int


class FacetValueOut(BaseModel):
    value: str
    count: int
    label: str
    selected: bool


class SearchOut(BaseModel):
    query: SearchQueryOut
    total: int
    pages: int
    groups: list[GroupOut]
    facets: dict[str, list[FacetValueOut]]
    suggestions: list[str]
    notice: str
    messages: list[str]
    engine: str
