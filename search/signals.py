"""What the search page announces to the apps above it (the site's counting listens)."""

from __future__ import annotations

from django.dispatch import Signal

#: Sent when the search page answers a visitor's query (its first page of results, not the
#: following pages or a refused query). kwargs: request, query (the text typed), total (results).
searched = Signal()
