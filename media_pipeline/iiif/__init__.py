"""IIIF for archive Items: Image API 3 (static level-0 tiles and info.json, plus regions and sizes
rendered on request), Presentation 3 manifests and collections, and a Mirador 4 page.

- tiles.py: the `iiif` processing step (static tiles + sizes + info.json in derivatives storage)
- image_api.py: parsing Image API request URLs into pixels, limits and canonical forms
- render.py: regions and sizes the static tiles do not cover, rendered from the master, cached
- manifest.py: the Presentation 3 manifest of an Item; describe.py: provider, attribution and the
  API link it shares with the collections; transcript.py: an interview's transcript annotations
- collections.py: the top, per-fonds and per-scientist Collections, in parts when large
- views.py / routes.py: access-checked serving under /iiif/3/; urls.py: URL helpers
"""
