"""The curators' Wagtail admin for the archive: listings, edit forms, choosers and the tree.

Nothing here registers itself on import (Django's admin autodiscovery imports this package);
`registration` does, and `archive_collections.wagtail_hooks` imports it.
"""
