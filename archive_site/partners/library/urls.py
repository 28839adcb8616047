from django.urls import path

from . import views

app_name = "resources"

urlpatterns = [
    path("", views.library, name="library"),
    path("<int:pk>/", views.resource_page, name="resource"),
    path("<int:pk>/package.zip", views.package, name="package"),
]
