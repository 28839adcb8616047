"""`/count/`: the beacon pages send (mounted by the root URLconf); `/count/file/`: the front
cache's report of the files it served (views.front_file; nginx refuses it from outside)."""

from django.urls import path

from . import views

app_name = "analytics"

urlpatterns = [
    path("", views.beacon, name="beacon"),
    path("file/", views.front_file, name="front_file"),
]
