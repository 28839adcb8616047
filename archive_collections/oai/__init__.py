"""OAI-PMH 2.0 for the archive: what aggregators harvest. See docs/OAI.md.

Kept free of imports so that the models package can use `sets` while the app loads.
"""
