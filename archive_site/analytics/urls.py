"""`/count/`: the beacon pages send (mounted by the root URLconf)."""

from django.urls import path

from . import views

app_name = "analytics"

urlpatterns = [path("", views.beacon, name="beacon")]
