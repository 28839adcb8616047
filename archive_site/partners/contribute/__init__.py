"""The contribution area on the public site: /contribute/ (see views.py)."""
