"""Who is asking. A researcher's script sends `Authorization: Bearer <token>` (Wagtail's own
API tokens: `manage.py api_tokens create --user NAME --name LABEL`, listed and revoked in the
admin under Settings → API tokens); a browser sends its session cookie, as on the pages.
Either way the answer goes through the archive's one access policy
(archive_collections.access), so the API never shows what the pages would not."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.errors import AuthenticationError
from wagtail.api.v3.auth import BearerTokenAuth

from archive_collections.access import AccessPolicy


class ResearcherToken(BearerTokenAuth):
    """A token that is present must be valid: a typo or a revoked token is a 401, not a
    silent downgrade to what anonymous visitors see (which would look like missing records)."""

    openapi_description = "A personal API token; without one the API answers as to anonymous."

    def __call__(self, request: HttpRequest) -> Any:
        header = request.headers.get(self.header, "")
        if not header:
            return None
        scheme, _, token = header.partition(" ")
        if scheme.lower() != self.openapi_scheme or not token.strip():
            raise AuthenticationError(message="Authorization: expected 'Bearer <token>'")
        found = self.authenticate(request, token.strip())
        if not found:
            raise AuthenticationError(message="Authorization: unknown or revoked token")
        return found


class SessionOrAnonymous:
    """No token: the session's user, as the pages see them, or an anonymous visitor. Not a
    security scheme of its own: the description lists "no credentials" next to the token."""

    def __call__(self, request: HttpRequest) -> Any:
        # The user object itself is truthy, anonymous included, which is what lets ninja go on.
        return request.user


def policy_of(request: HttpRequest) -> AccessPolicy:
    return AccessPolicy.for_user(request.user)
