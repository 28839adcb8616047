"""robots.txt: what crawlers may fetch, and where the sitemap index is.

Allowed: the exhibit pages, the archive's record pages, search without parameters, and the
images link previews and search engines show (Wagtail's signed renditions under /images/, the
public items' web copies, thumbnails and posters under /files/).

Disallowed, and why:
- /admin/: curators' pages, behind a login anyway;
- /api/: the JSON API repeats the record pages as data for scripts; the pages (and their
  JSON-LD) are what search engines should index, and crawling both doubles the load. The API's
  description is linked from its documentation page for people, not crawlers;
- /oai/: OAI-PMH is for harvesters, which do not read robots.txt; a crawler following resumption
  tokens would walk the whole catalogue as XML;
- /search/ with parameters: result pages are endless combinations of queries, facets and pages
  over content the sitemap already lists;
- /files/: masters are large originals; only the access copies named above are allowed (the
  longest matching rule wins, RFC 9309 §2.2.2);
- /iiif/: image requests take any region and size, an unbounded URL space rendered on demand;
- /i18n/: the language switch is a form post, not a page.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

# Access copies the item pages use as og:image and schema.org image/thumbnailUrl.
SHARED_DERIVATIVES = ("web.jpg", "thumb.jpg", "poster.jpg")
DISALLOWED = ("/admin/", "/api/", "/oai/", "/search/?", "/files/", "/iiif/", "/i18n/")


def robots_lines(sitemap_url: str) -> list[str]:
    lines = ["User-agent: *", "Allow: /"]
    lines += [f"Allow: /files/*/derivatives/{name}$" for name in SHARED_DERIVATIVES]
    lines += [f"Disallow: {path}" for path in DISALLOWED]
    return [*lines, "", f"Sitemap: {sitemap_url}"]


@require_safe
@cache_control(max_age=3600, public=True)
def robots_txt(request: HttpRequest) -> HttpResponse:
    sitemap_url = request.build_absolute_uri(reverse("web:sitemap"))
    body = "\n".join(robots_lines(sitemap_url)) + "\n"
    return HttpResponse(body, content_type="text/plain; charset=utf-8")
