"""What the site tells crawlers and link previews: the sitemap index (`sitemaps.py`),
robots.txt (`robots.py`), schema.org JSON-LD for catalogue records (`jsonld.py`) and exhibit
pages (`page_jsonld.py`), and the canonical link and Open Graph tags of archive pages
(`share.py`), rendered by the `web_tags` template library.

It sits in the orchestration layer because it reads the catalogue, the pipeline's derivatives
and the exhibits at once; the apps' templates reach it through `{% load web_tags %}` (a template
library lookup, not a Python import), so no lower app imports it.
"""
