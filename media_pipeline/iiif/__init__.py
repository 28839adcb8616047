"""IIIF for archive Items: Image API 3 (static level-0 tiles and info.json, plus regions and sizes
rendered on request) and Presentation 3 manifests.

- tiles.py: the `iiif` processing step (static tiles + sizes + info.json in derivatives storage)
- image_api.py: parsing Image API request URLs into pixels, limits and canonical forms
- render.py: regions and sizes the static tiles do not cover, rendered from the master, cached
- manifest.py: the Presentation 3 manifest of an Item
- views.py / urls.py: access-checked serving under /iiif/3/
"""
