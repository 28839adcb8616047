from django.urls import path

from . import views

app_name = "collections"

urlpatterns = [
    path("", views.archive_index, name="index"),
    path("scientists/", views.scientist_list, name="scientists"),
    path("scientists/<slug:identifier>/", views.scientist_detail, name="scientist"),
    path("fonds/<str:identifier>/", views.fonds_detail, name="fonds"),
    path("series/<str:identifier>/", views.series_detail, name="series"),
    path("items/<str:identifier>/", views.item_detail, name="item"),
    path("files/<int:pk>/<str:filename>", views.item_file, name="file"),
]
