from django.urls import path

from . import views

app_name = "contribute"

urlpatterns = [
    path("", views.home, name="home"),
    path("new/<slug:kind>/", views.new, name="new"),
    path("batch/", views.batch, name="batch"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/files/", views.add_files, name="add_files"),
]
