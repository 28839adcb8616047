"""Citations for reference managers, all written from one CSL-JSON record per cited thing.

- record.py: the record, from an item (an interview, a moment in it) or a scientist.
- styles.py: GB/T 7714-2015, Chicago and APA through citeproc-py.
- archival.py: the Chinese archival form the item page has always shown.
- exports.py: RIS, BibTeX and CSL-JSON files; meta.py: Highwire tags and COinS.
- pages.py: what the pages show; views.py: the downloads, behind the pages' access checks.
"""
