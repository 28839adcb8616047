"""/embed/… (frameable pages) and /oembed/ (their iframe code), mounted at the site root."""

from django.urls import path

from . import oembed, views

app_name = "embeds"

urlpatterns = [
    path("embed/page/<int:page_id>/", views.page_embed, name="page"),
    path("embed/interview/<str:identifier>/", views.interview_embed, name="interview"),
    path("oembed/", oembed.oembed, name="oembed"),
]
