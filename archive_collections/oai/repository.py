"""Who answers: the repository's identity for one request, and its OAI identifiers."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, unquote

from django.http import HttpRequest
from django.http.request import split_domain_port
from django.urls import reverse

from . import config

# Characters the oai-identifier scheme allows in the local part as they are; the rest is
# percent-encoded (UTF-8), so Chinese or spaced 档号 make valid identifiers.
LOCAL_SAFE = "-_.!~*'();/?:@&=+$,"


@dataclass(frozen=True)
class Repository:
    base_url: str
    identifier: str  # the `oai:<identifier>:` namespace
    site_root: str  # scheme://host, for the items' own URLs

    @classmethod
    def for_request(cls, request: HttpRequest) -> Repository:
        configured = config.repository_identifier()
        host, _port = split_domain_port(request.get_host())
        return cls(
            base_url=request.build_absolute_uri(reverse("oai:endpoint")),
            identifier=configured or host,
            site_root=request.build_absolute_uri("/").rstrip("/"),
        )

    @property
    def prefix(self) -> str:
        return f"oai:{self.identifier}:"

    def oai_identifier(self, item_identifier: str) -> str:
        return self.prefix + quote(item_identifier, safe=LOCAL_SAFE)

    def item_identifier(self, oai_identifier: str) -> str | None:
        """The 档号 an OAI identifier names, or None when it is not one of ours."""
        if not oai_identifier.startswith(self.prefix):
            return None
        local = oai_identifier[len(self.prefix) :]
        return unquote(local) if local else None

    def url(self, path: str) -> str:
        return self.site_root + path
