from django.urls import path

from . import views

app_name = "microvideo"

urlpatterns = [
    path("v/<int:pk>/", views.share, name="share"),
    path(
        "v/<int:pk>/<str:name>",
        views.video_file,
        name="file",
    ),
    path("q/<int:pk>/<str:size>.png", views.quote_card_image, name="quote_card"),
]
