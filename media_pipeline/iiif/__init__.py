"""IIIF for archive Items: Image API 3 level-0 tiles and info.json, Presentation 3 manifests.

- tiles.py: the `iiif` processing step (static tiles + sizes + info.json in derivatives storage)
- image_api.py: parsing Image API request URLs onto the stored files
- manifest.py: the Presentation 3 manifest of an Item
- views.py / urls.py: access-checked serving under /iiif/3/
"""
