from django.urls import path, register_converter

from . import access_requests, views
from .citations import views as citations
from .oral_history import views as oral_history

app_name = "collections"


class IdentifierConverter:
    """Archival reference codes (档号): letters, digits, '-', '_' and '.'; never a '/'."""

    regex = r"[\w.\-]+"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(IdentifierConverter, "identifier")

urlpatterns = [
    path("", views.archive_index, name="index"),
    path("scientists/", views.scientist_list, name="scientists"),
    path("scientists/<slug:identifier>/", views.scientist_detail, name="scientist"),
    path(
        "scientists/<slug:identifier>/cite.<str:fmt>",
        citations.scientist_citation,
        name="scientist_citation",
    ),
    path("fonds/<identifier:identifier>/", views.fonds_detail, name="fonds"),
    path("series/<identifier:identifier>/", views.series_detail, name="series"),
    path("items/<identifier:identifier>/", views.item_detail, name="item"),
    path(
        "items/<identifier:identifier>/cite.<str:fmt>",
        citations.item_citation,
        name="item_citation",
    ),
    path(
        "items/<identifier:identifier>/request-access/",
        access_requests.request_access,
        name="request_access",
    ),
    path("researchers/register/", access_requests.register, name="register"),
    path("researchers/register/sent/", access_requests.register_sent, name="register_sent"),
    path(
        "researchers/verify/<str:uidb64>/<str:token>/",
        access_requests.verify_email,
        name="verify_email",
    ),
    path("access-requests/", access_requests.my_access_requests, name="my_access_requests"),
    path(
        "access-requests/<int:pk>/withdraw/",
        access_requests.withdraw_access_request,
        name="withdraw_access_request",
    ),
    path("items/<identifier:identifier>/interview/", oral_history.interview_page, name="interview"),
    path(
        "items/<identifier:identifier>/interview/search.json",
        oral_history.interview_search,
        name="interview_search",
    ),
    path(
        "items/<identifier:identifier>/captions.vtt",
        oral_history.captions,
        name="interview_captions",
    ),
    path(
        "items/<identifier:identifier>/interview/<str:filename>",
        oral_history.export,
        name="interview_export",
    ),
]
