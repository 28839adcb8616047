"""Origins allowed to frame embeds: parsed and checked here, one per line."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def parse_origins(text: str) -> list[str]:
    """The origins written one per line, normalised (`scheme://host[:port]`, lower case).

    Raises ValidationError naming the line for anything that is not a bare http(s) origin."""
    origins: list[str] = []
    for number, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        parts = urlsplit(line)
        try:
            port = parts.port
        except ValueError:
            port = -1
        if (
            parts.scheme not in ("http", "https")
            or not parts.hostname
            or parts.path not in ("", "/")
            or parts.query
            or parts.fragment
            or parts.username
            or port == -1
            or any(c in line for c in " ;,'\"")
        ):
            raise ValidationError(
                _("Line %(number)d: “%(line)s” is not a site origin like https://www.example.org.")
                % {"number": number, "line": line}
            )
        origin = f"{parts.scheme}://{parts.hostname.lower()}"
        if port:
            origin += f":{port}"
        if origin not in origins:
            origins.append(origin)
    return origins


def validate_origins(value: str) -> None:
    """A model field's validator: the text parses as origins (see `parse_origins`)."""
    parse_origins(value)
