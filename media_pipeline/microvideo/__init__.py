"""Micro-videos (微视频) and quote cards made from a span of an interview.

`models.py` the two records; `captions.py` Chinese line breaking, ASS and WebVTT; `cards.py` the
title, end and quote cards typeset with Pillow; `render.py` the one ffmpeg run; `tasks.py` the
background task; `views.py` the public share page and files; `wagtail_hooks.py` the admin.
"""
