"""Exhibit page types, split by role:

- base: the abstract BasePage (sharing metadata, required alt text, bulk archive records)
- home: the site root
- exhibitions: exhibition index, exhibition, chapter, and the exhibition's credits
- stories: scientist stories, teacher resources, standard pages
- snippets: reusable Credit records
"""

from .base import BasePage
from .exhibitions import ChapterPage, ExhibitionCredit, ExhibitionIndexPage, ExhibitionPage
from .home import HomePage
from .snippets import Credit
from .stories import GradeBand, ScientistStoryPage, StandardPage, TeacherResourcePage

__all__ = [
    "BasePage",
    "ChapterPage",
    "Credit",
    "ExhibitionCredit",
    "ExhibitionIndexPage",
    "ExhibitionPage",
    "GradeBand",
    "HomePage",
    "ScientistStoryPage",
    "StandardPage",
    "TeacherResourcePage",
]
