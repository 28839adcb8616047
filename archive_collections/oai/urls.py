from django.urls import path

from .views import endpoint

app_name = "oai"
urlpatterns = [path("", endpoint, name="endpoint")]
