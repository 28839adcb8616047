"""Crawler-facing URLs, mounted at the site's root (namespace ``web``):

- ``web:robots`` — ``robots.txt``
- ``web:sitemap`` — ``sitemap.xml``: the index, one entry per page of each section
- ``web:sitemap-section`` — ``sitemap-<section>.xml?p=N``: one page of a section (pages,
  scientists, fonds, series, items, interviews; see sitemaps.py)
"""

from django.contrib.sitemaps import views as sitemap_views
from django.urls import path

from .robots import robots_txt
from .sitemaps import SECTIONS

app_name = "web"

# The sections are given as classes, which the views instantiate per request: nothing is resolved
# or cached at import time.

urlpatterns = [
    path("robots.txt", robots_txt, name="robots"),
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": SECTIONS, "sitemap_url_name": "web:sitemap-section"},
        name="sitemap",
    ),
    path(
        "sitemap-<slug:section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": SECTIONS},
        name="sitemap-section",
    ),
]
