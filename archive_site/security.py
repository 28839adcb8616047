"""The Content-Security-Policy every response carries, and the two places that need a looser one.

The policy itself is `CONTENT_SECURITY_POLICY` in settings/base.py (django-csp 4): the site's
own scripts, styles, fonts and frames; images and media from the site and, when files live on S3,
that bucket's origin; `fetch` only to the site; no plugins, no `<base>` elsewhere, framing only by
the site itself (Wagtail's preview). An inline `<script>` or `<style>` the templates need carries
the request's nonce (`nonce="{{ request.csp_nonce }}"`); an injected one has none and is refused.

Three pages run code the site did not write and cannot give a nonce to, so their policy is
widened here by path, never site-wide:

- Wagtail's admin (`/admin/`) writes inline `<script>` blocks and `style=""` attributes in its own
  templates (the page editor's chooser URLs, the userbar, StreamField's initial state). Its pages
  are only for signed-in staff, show no visitor-supplied markup unescaped, and Wagtail gives them
  no nonce hook, so there scripts and styles may also be inline. Everything is still loaded from
  the site itself.
- Mirador (`/iiif/3/mirador/`) styles itself with emotion, which inserts `<style>` elements at run
  time without a nonce (its caches are made inside the bundle); the page's scripts stay
  nonce-or-self, only inline styles are allowed there.
- The API's Swagger page (`/api/v1/docs`, django-ninja's own static files) may show `data:`
  images: its style sheet draws its icons that way.

One kind of answer may be framed by other sites: the embeds partners put on their pages
(archive_site/partners/embeds). Their views call `allow_framing` with the partners' origins;
every other answer keeps `frame-ancestors 'self'` and Django's X-Frame-Options.
"""

from __future__ import annotations

from csp.constants import SELF, UNSAFE_INLINE
from csp.middleware import CSPMiddleware, PolicyParts
from django.http import HttpRequest, HttpResponseBase
from django.urls import NoReverseMatch, reverse

# Per path prefix (a URL name, reversed once), the directives that replace the site's.
RELAXED: dict[str, dict[str, list[str]]] = {
    "wagtailadmin_home": {
        "script-src": [SELF, UNSAFE_INLINE],
        "style-src": [SELF, UNSAFE_INLINE],
    },
    "iiif:mirador": {"style-src": [SELF, UNSAFE_INLINE]},
    # Swagger UI's style sheet draws its icons as data: URLs.
    "api-v1:openapi-view": {"img-src": [SELF, "data:"]},
}


def allow_framing(response: HttpResponseBase, origins: list[str]) -> HttpResponseBase:
    """Let the site itself and `origins` (checked `scheme://host[:port]` origins) frame this
    answer: its own `frame-ancestors`, and no X-Frame-Options, which can name no other site."""
    replace = dict(getattr(response, "_csp_replace", None) or {})
    replace["frame-ancestors"] = [SELF, *origins]
    response._csp_replace = replace  # type: ignore[attr-defined]
    response.xframe_options_exempt = True  # type: ignore[attr-defined]
    return response


def _relaxed_prefixes() -> list[tuple[str, dict[str, list[str]]]]:
    prefixes = []
    for name, directives in RELAXED.items():
        try:
            prefixes.append((reverse(name), directives))
        except NoReverseMatch:  # an URLconf without that part (a test's own) needs no exception
            continue
    return prefixes


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the policy widened on the paths `RELAXED` names.

    A view's own `@csp_replace`/`@csp_update` still wins over the path's relaxation."""

    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if report_only or parts.replace is not None:
            return parts
        for prefix, directives in _relaxed_prefixes():
            if request.path_info.startswith(prefix):
                parts.replace = directives
                break
        return parts


def media_origins(
    bucket: str, endpoint: str | None, addressing_style: str | None, region: str
) -> list[str]:
    """Where browsers fetch Wagtail's images and documents from when they live on S3: the
    signed URLs django-storages writes point there (archive files are always served by the site).

    With an endpoint (MinIO, moto, a provider's S3), path-style URLs use its origin and
    virtual-hosted ones the bucket as a subdomain of it; without one, Amazon's two host forms."""
    if endpoint:
        scheme, _, rest = endpoint.partition("://")
        host = rest.split("/", 1)[0]
        origins = [f"{scheme}://{host}"]
        if addressing_style != "path":
            origins.append(f"{scheme}://{bucket}.{host}")
        return origins
    return [f"https://{bucket}.s3.amazonaws.com", f"https://{bucket}.s3.{region}.amazonaws.com"]
