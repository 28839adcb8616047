"""Crawler-facing URLs, mounted at the site's root (namespace ``web``):

- ``web:robots`` — ``robots.txt``
- ``web:sitemap`` — ``sitemap.xml``: the index, one entry per page of each section
- ``web:sitemap-section`` — ``sitemap-<section>.xml?p=N``: one page of a section (pages,
  scientists, fonds, series, items, interviews; see sitemaps.py)
"""

from django.urls import path

from .robots import robots_txt
from .views import sitemap_index, sitemap_section

app_name = "web"

urlpatterns = [
    path("robots.txt", robots_txt, name="robots"),
    path("sitemap.xml", sitemap_index, name="sitemap"),
    path("sitemap-<slug:section>.xml", sitemap_section, name="sitemap-section"),
]
