"""The sitemap views: Django's own, given this site's sections."""

from __future__ import annotations

from django.contrib.sitemaps import views as sitemap_views
from django.http import HttpRequest
from django.template.response import TemplateResponse

from .sitemaps import SECTIONS, one_scan_per_index


def sitemap_index(request: HttpRequest) -> TemplateResponse:
    # Django computes every section's lastmod while building the response (the template only
    # formats them), so the memo is in place for all of them.
    with one_scan_per_index():
        return sitemap_views.index(
            request, sitemaps=SECTIONS, sitemap_url_name="web:sitemap-section"
        )


def sitemap_section(request: HttpRequest, section: str) -> TemplateResponse:
    return sitemap_views.sitemap(request, sitemaps=SECTIONS, section=section)
