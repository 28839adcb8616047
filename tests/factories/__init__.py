"""Factories for the archive's models, importable as ``from tests.factories import X``.

- catalogue: scientists, fonds, series, items, interviews (``RecordedInterviewFactory`` with a
  transcript and an index);
- files: ``ItemFileFactory`` (a real small master in the masters storage), ``PageTextFactory``;
- pages: exhibit pages under the site's home page, published.
"""

from .catalogue import (
    DisciplineFactory,
    FondsFactory,
    IndexSegmentFactory,
    InterviewFactory,
    ItemFactory,
    RecordedInterviewFactory,
    ScientistFactory,
    SeriesFactory,
    TranscriptSegmentFactory,
)
from .files import ItemFileFactory, PageTextFactory, small_jpeg
from .pages import ChapterPageFactory, ExhibitionIndexPageFactory, ExhibitionPageFactory

__all__ = [
    "ChapterPageFactory",
    "DisciplineFactory",
    "ExhibitionIndexPageFactory",
    "ExhibitionPageFactory",
    "FondsFactory",
    "IndexSegmentFactory",
    "InterviewFactory",
    "ItemFactory",
    "ItemFileFactory",
    "PageTextFactory",
    "RecordedInterviewFactory",
    "ScientistFactory",
    "SeriesFactory",
    "TranscriptSegmentFactory",
    "small_jpeg",
]
