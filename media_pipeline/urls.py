"""Access-checked file URLs, mounted at /files/ by the root URLconf.

Named routes (namespace ``media_pipeline``):

- ``media_pipeline:master`` — ``files/<int:pk>/<str:filename>``: the original file, served
  inline under its original name. ``filename`` must equal ``ItemFile.original_filename``
  (anything else is 404). Use ``ItemFile.master_url``.
- ``media_pipeline:derivative`` — ``files/<int:pk>/derivatives/<str:name>``: an access copy,
  ``name`` being ``thumb.jpg`` (longest side 400 px) or ``web.jpg`` (2000 px). Use
  ``ItemFile.url_for(name)``, ``thumbnail_url`` or ``web_url``: they are None until the
  derivative has been made, so templates can fall back to an icon. Audio and video get
  ``web.m4a`` (AAC) or ``web.mp4`` (H.264/AAC, ≤ 1280×720) when the master is not web-playable
  and ``poster.jpg`` for video; players use ``ItemFile.web_media_url`` / ``web_media_type``
  (the web copy, or the master when browsers play it as it is) and ``poster_url``.
  Derivatives live under their own path segment so that an original file named ``thumb.jpg``
  keeps its own URL.

Both answer 404 when the visitor may not see the item (the access policy in
archive_collections.access), support HTTP Range (206/416) and conditional GETs (ETag), and send
``Cache-Control: private`` unless the item is public.
"""

from django.urls import path

from . import views

app_name = "media_pipeline"

urlpatterns = [
    path("<int:pk>/derivatives/<str:name>", views.derivative, name="derivative"),
    path("<int:pk>/<str:filename>", views.master, name="master"),
]
