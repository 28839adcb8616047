"""Reuse on partners' sites (#13.5): embed pages of exhibition chapters, stories and interview
clips that partner sites may frame, the oEmbed endpoint that hands out their iframes, and the
partner organisations named in exhibit pages' credits.

- `framing.py`: the origins that may frame an embed (every active organisation's
  `embed_origins` plus the setting `EMBED_FRAME_ORIGINS`), cached and dropped when an
  organisation changes.
- `targets.py`: what can be embedded (live public chapters, stories and exhibitions; public
  interviews and spans of them) and how an address names it.
- `views.py`, `oembed.py`, `urls.py`: `/embed/page/<id>/`, `/embed/interview/<identifier>/` and
  `/oembed/`.
- `credits.py`: the organisations whose approved contributions a page shows.

An embed always shows what an anonymous visitor sees, whoever's browser asks: it is the public
face of the archive on someone else's site.
"""
