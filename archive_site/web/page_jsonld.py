"""schema.org descriptions of exhibit pages.

Which type each page gets, and why:
- an exhibition is an `ExhibitionEvent`: it opens and closes on dates, is curated by people and
  is held online (a `VirtualLocation`), which is what search engines show for exhibitions; its
  chapters are its `workFeatured`;
- a chapter and a scientist's story are `Article`s: they are read, have a headline and an author
  organisation, and a chapter covers a period (`temporalCoverage`) of the exhibition it belongs
  to (`isPartOf` its page, since an event is not a creative work one can be part of);
- a teacher's resource is a `LearningResource` (level, lesson time);
- the home page is the `WebSite` (with the site search as a `SearchAction`), the exhibitions
  index a `CollectionPage`, other pages `WebPage`s.
Only live, public pages render, so nothing here is hidden from their visitors.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse
from wagtail.images.views.serve import generate_image_url

from exhibits.models import (
    ChapterPage,
    ExhibitionIndexPage,
    ExhibitionPage,
    HomePage,
    ScientistStoryPage,
    TeacherResourcePage,
)

from .jsonld import CONTEXT, Absolute, JsonLd, compact, person_reference

# The crop exhibit pages give og:image (exhibits/includes/meta.html), so both name one file.
SHARE_IMAGE_SPEC = "fill-1200x630"
TYPES: dict[type, str] = {
    HomePage: "WebSite",
    ExhibitionIndexPage: "CollectionPage",
    ExhibitionPage: "ExhibitionEvent",
    ChapterPage: "Article",
    ScientistStoryPage: "Article",
    TeacherResourcePage: "LearningResource",
}


def _publisher() -> JsonLd:
    return {"@type": "Organization", "name": settings.WAGTAIL_SITE_NAME}


def _image(page: Any, absolute: Absolute) -> str | None:
    image = getattr(page, "share_image", None)
    return absolute(generate_image_url(image, SHARE_IMAGE_SPEC)) if image else None


def _common(page: Any, absolute: Absolute) -> JsonLd:
    url = page.full_url
    return {
        "@context": CONTEXT,
        "@type": TYPES.get(type(page), "WebPage"),
        "@id": url,
        "url": url,
        "name": page.seo_title or page.title,
        "description": getattr(page, "meta_description", ""),
        "inLanguage": "zh-Hans",
        "image": _image(page, absolute),
        "datePublished": page.first_published_at,
        "dateModified": page.last_published_at,
        "publisher": _publisher(),
    }


def _exhibition(page: ExhibitionPage, absolute: Absolute) -> JsonLd:
    return {
        "startDate": page.opening_date,
        "endDate": page.closing_date,
        "eventAttendanceMode": "https://schema.org/OnlineEventAttendanceMode",
        "location": {"@type": "VirtualLocation", "url": page.full_url},
        "organizer": _publisher(),
        # A page previewed before its first save has no place in the tree, so no chapters.
        "workFeatured": [
            {"@type": "Article", "name": chapter.title, "url": chapter.full_url}
            for chapter in (page.chapters() if page.pk else ())
        ],
        # An event has no publication dates.
        "datePublished": None,
        "dateModified": None,
    }


def _chapter(page: ChapterPage, absolute: Absolute) -> JsonLd:
    exhibition = page.parent_exhibition if page.pk else None
    years = [str(year) for year in (page.start_year, page.end_year) if year]
    return {
        "headline": page.title,
        "author": _publisher(),
        "temporalCoverage": "/".join(years) or page.period_label,
        "isPartOf": {"@type": "WebPage", "name": exhibition.title, "url": exhibition.full_url}
        if isinstance(exhibition, ExhibitionPage)
        else None,
    }


def _story(page: ScientistStoryPage, absolute: Absolute) -> JsonLd:
    return {
        "headline": page.title,
        "author": _publisher(),
        "about": person_reference(page.scientist, absolute) if page.scientist else None,
    }


def _lesson(page: TeacherResourcePage, absolute: Absolute) -> JsonLd:
    return {
        "educationalLevel": page.get_grade_band_display(),
        "learningResourceType": "lesson plan",
        "timeRequired": f"PT{page.lesson_minutes}M" if page.lesson_minutes else None,
        "author": _publisher(),
    }


def _website(page: HomePage, absolute: Absolute) -> JsonLd:
    search = absolute(reverse("search:page"))
    return {
        "potentialAction": {
            "@type": "SearchAction",
            "target": f"{search}?q={{query}}",
            "query-input": "required name=query",
        }
    }


EXTRAS = {
    ExhibitionPage: _exhibition,
    ChapterPage: _chapter,
    ScientistStoryPage: _story,
    TeacherResourcePage: _lesson,
    HomePage: _website,
}


def page_jsonld(page: Any, absolute: Absolute) -> JsonLd:
    """`page` is the specific page (ExhibitionPage, ChapterPage, …) the template renders."""
    data = _common(page, absolute)
    extra = EXTRAS.get(type(page))
    if extra is not None:
        data.update(extra(page, absolute))
    return compact(data)
