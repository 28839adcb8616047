from django.urls import path

from . import views

app_name = "search"

urlpatterns = [
    path("search/", views.search_page, name="page"),
    path("api/search/", views.search_api, name="api"),
    path("api/search/autocomplete/", views.autocomplete_api, name="autocomplete"),
    path("api/search/record/", views.record_matches_api, name="record_matches"),
    path("search/export.<str:fmt>", views.export_results, name="export"),
]
