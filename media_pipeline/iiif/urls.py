"""IIIF routes, mounted at /iiif/3/ by the root URLconf (namespace ``iiif``).

- ``iiif:manifest`` — ``manifest/<item identifier>.json``: Presentation 3 manifest of an Item
- ``iiif:image`` — ``<image id>``: the image service base URI (303 to its info.json)
- ``iiif:info`` — ``<image id>/info.json``: Image API 3 level-0 description
- ``iiif:image-request`` — ``<image id>/<region>/<size>/<rotation>/<quality>.<format>``

Image ids: see media_pipeline/iiif/views.py. All answer 404 when the visitor may not see the item.
"""

from django.urls import re_path

from . import views

app_name = "iiif"

_IMAGE_ID = r"(?P<identifier>\d+(?:-\d+)?)"

urlpatterns = [
    re_path(r"^manifest/(?P<identifier>[\w.\-]+)\.json$", views.manifest, name="manifest"),
    re_path(rf"^{_IMAGE_ID}$", views.image_base, name="image"),
    re_path(rf"^{_IMAGE_ID}/info\.json$", views.info, name="info"),
    re_path(
        rf"^{_IMAGE_ID}/(?P<region>[^/]+)/(?P<size>[^/]+)/(?P<rotation>[^/]+)/"
        r"(?P<quality>[a-z]+)\.(?P<fmt>[a-z0-9]+)$",
        views.image,
        name="image-request",
    ),
]
