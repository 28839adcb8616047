"""The OAI-PMH settings, each with the default that applies when a deployment does not set it."""

from __future__ import annotations

from django.conf import settings

from .sets import KINDS


def page_size() -> int:
    """Records (or headers) per response before a resumption token."""
    return int(getattr(settings, "OAI_PAGE_SIZE", 100))


def token_max_age() -> int:
    """Seconds a resumption token stays valid."""
    return int(getattr(settings, "OAI_TOKEN_MAX_AGE", 24 * 3600))


def repository_identifier() -> str | None:
    """The `oai:<this>:` part of identifiers; the request's host name when unset. Set it in
    production so identifiers survive a change of host name."""
    return getattr(settings, "OAI_REPOSITORY_IDENTIFIER", None)


def repository_name() -> str:
    return str(getattr(settings, "OAI_REPOSITORY_NAME", settings.WAGTAIL_SITE_NAME))


def admin_emails() -> list[str]:
    configured = getattr(settings, "OAI_ADMIN_EMAILS", None)
    if configured:
        return list(configured)
    admins = [email for _name, email in getattr(settings, "ADMINS", [])]
    return admins or [settings.DEFAULT_FROM_EMAIL]


def metadata_prefixes() -> tuple[str, ...]:
    """The formats this deployment disseminates, from those the code knows (oai_dc, mods)."""
    return tuple(getattr(settings, "OAI_METADATA_FORMATS", ("oai_dc", "mods")))


def set_kinds() -> tuple[str, ...]:
    """The set families offered (fonds, scientist, type); empty means no set hierarchy."""
    return tuple(getattr(settings, "OAI_SET_KINDS", KINDS))
