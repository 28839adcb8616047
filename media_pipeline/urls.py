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

- ``media_pipeline:page_image`` — ``files/<int:pk>/pages/<int:number>.jpg``: page `number` of
  an image or PDF file as a JPEG download through the IIIF renderer
  (media_pipeline/page_downloads.py).
- ``media_pipeline:pages_pdf`` — ``files/items/<identifier>/pages.pdf?from=N&to=M``: the Item's
  pages N–M (counted as the viewer counts them) as one PDF with a stamped cover; a range past
  the last page answers 400 naming it.

All answer 404 when the visitor may not see the item (the access policy in
archive_collections.access); the files support HTTP Range (206/416) and conditional GETs
(ETag), and send ``Cache-Control: private`` unless the item is public.
"""

from django.urls import path

from . import views

app_name = "media_pipeline"

urlpatterns = [
    path("items/<str:identifier>/pages.pdf", views.pages_pdf, name="pages_pdf"),
    path("<int:pk>/pages/<int:number>.jpg", views.page_image, name="page_image"),
    path("<int:pk>/derivatives/<str:name>", views.derivative, name="derivative"),
    path("<int:pk>/<str:filename>", views.master, name="master"),
]
