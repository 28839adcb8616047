"""The JSON API (/api/v1/): the catalogue, the pipeline's files and IIIF links, exhibitions and
search, read through the same access policy as the pages. It lives in the orchestration layer
because it composes all of them; its OpenAPI description is generated from the schemas in
`schemas.py` (django-ninja). See docs/API.md."""
