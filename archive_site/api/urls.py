"""Mounted at /api/ by the root URLconf, ahead of search/urls.py, so the two search routes that
predate /api/v1/ reach the strict wrappers in legacy.py under their old names."""

from django.urls import path

from . import legacy
from .api import api

urlpatterns = [
    path("v1/", api.urls),
    path("search/", legacy.search_api, name="search-api"),
    path("search/autocomplete/", legacy.autocomplete_api, name="search-autocomplete"),
]
