"""IIIF routes, mounted at /iiif/3/ by the root URLconf (namespace ``iiif``); the helpers that
build these URLs for pages, manifests and exhibits are media_pipeline/iiif/urls.py.

- ``iiif:manifest`` — ``manifest/<item identifier>.json``: Presentation 3 manifest of an Item
- ``iiif:collection-top`` — ``collection/top``: the archive's Collection of fonds
- ``iiif:collection-fonds`` / ``iiif:collection-fonds-part`` — ``collection/fonds/<identifier>``
  and ``…/part/<n>``: a fonds' manifests (collections.py says when parts appear)
- ``iiif:collection-scientist`` / ``iiif:collection-scientist-part`` —
  ``collection/scientist/<identifier>`` and ``…/part/<n>``: the manifests about a scientist
- ``iiif:mirador`` — ``mirador/?manifest=<this site's manifest URL>``: the Mirador 4 viewer page
- ``iiif:image`` — ``<image id>``: the image service base URI (303 to its info.json)
- ``iiif:info`` — ``<image id>/info.json``: Image API 3 description (level 0 + extraFeatures)
- ``iiif:image-request`` — ``<image id>/<region>/<size>/<rotation>/<quality>.<format>``: a static
  tile or size when one matches, otherwise rendered from the master and cached

Image ids: see media_pipeline/iiif/urls.py. All answer 404 when the visitor may not see the
item, and for unknown fonds, scientists and parts; the image routes also when the file's master
is lost. A render past the client's limit answers 429 (media_pipeline/iiif/render_cache.py).
"""

from django.urls import re_path

from . import views

app_name = "iiif"

_IMAGE_ID = r"(?P<identifier>\d+(?:-\d+)?)"
_RECORD_ID = r"(?P<identifier>[\w.\-]+)"

urlpatterns = [
    re_path(r"^manifest/(?P<identifier>[\w.\-]+)\.json$", views.manifest, name="manifest"),
    re_path(r"^collection/top$", views.top_collection, name="collection-top"),
    re_path(rf"^collection/fonds/{_RECORD_ID}$", views.fonds_collection, name="collection-fonds"),
    re_path(
        rf"^collection/fonds/{_RECORD_ID}/part/(?P<part>[0-9]{{1,9}})$",
        views.fonds_collection,
        name="collection-fonds-part",
    ),
    re_path(
        rf"^collection/scientist/{_RECORD_ID}$",
        views.scientist_collection,
        name="collection-scientist",
    ),
    re_path(
        rf"^collection/scientist/{_RECORD_ID}/part/(?P<part>[0-9]{{1,9}})$",
        views.scientist_collection,
        name="collection-scientist-part",
    ),
    re_path(r"^mirador/$", views.mirador, name="mirador"),
    re_path(rf"^{_IMAGE_ID}$", views.image_base, name="image"),
    re_path(rf"^{_IMAGE_ID}/info\.json$", views.info, name="info"),
    re_path(
        rf"^{_IMAGE_ID}/(?P<region>[^/]+)/(?P<size>[^/]+)/(?P<rotation>[^/]+)/"
        # Any quality and format reach the view, which answers 400 naming the unsupported one.
        r"(?P<quality>[^/.]+)\.(?P<fmt>[^/.]+)$",
        views.image,
        name="image-request",
    ),
]
