"""The site's URLs minus the IIIF image service, to test the deep-zoom block's fallback."""

from django.urls import URLPattern, URLResolver

from archive_site.urls import urlpatterns as site_patterns


def _is_iiif(pattern: URLPattern | URLResolver) -> bool:
    return getattr(pattern, "namespace", None) == "iiif"


urlpatterns = [pattern for pattern in site_patterns if not _is_iiif(pattern)]
