"""The licences a contributor may put on a resource, with the text that travels in its package.

Stored as a short code. Creative Commons licences link to their deeds; the two without a public
licence say in a sentence what the platform and the members may do."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class Licence(models.TextChoices):
    CC_BY = "cc-by-4.0", _("CC BY 4.0 (attribution)")
    CC_BY_SA = "cc-by-sa-4.0", _("CC BY-SA 4.0 (attribution, share alike)")
    CC_BY_NC = "cc-by-nc-4.0", _("CC BY-NC 4.0 (attribution, non-commercial)")
    CC_BY_NC_SA = "cc-by-nc-sa-4.0", _("CC BY-NC-SA 4.0 (attribution, non-commercial, share alike)")
    CC_BY_NC_ND = (
        "cc-by-nc-nd-4.0",
        _("CC BY-NC-ND 4.0 (attribution, non-commercial, no derivatives)"),
    )
    CC0 = "cc0-1.0", _("CC0 1.0 (public domain dedication)")
    MEMBERS = "members", _("Members' non-commercial use (all other rights reserved)")
    RESERVED = "reserved", _("All rights reserved (shown on this platform only)")


@dataclass(frozen=True)
class LicenceTerms:
    url: str  # the licence's deed, "" for the two without a public licence
    reuse: bool  # may members reuse it on their own sites and in their own products


_TERMS = {
    Licence.CC_BY: LicenceTerms("https://creativecommons.org/licenses/by/4.0/", True),
    Licence.CC_BY_SA: LicenceTerms("https://creativecommons.org/licenses/by-sa/4.0/", True),
    Licence.CC_BY_NC: LicenceTerms("https://creativecommons.org/licenses/by-nc/4.0/", True),
    Licence.CC_BY_NC_SA: LicenceTerms("https://creativecommons.org/licenses/by-nc-sa/4.0/", True),
    Licence.CC_BY_NC_ND: LicenceTerms("https://creativecommons.org/licenses/by-nc-nd/4.0/", True),
    Licence.CC0: LicenceTerms("https://creativecommons.org/publicdomain/zero/1.0/", True),
    Licence.MEMBERS: LicenceTerms("", True),
    Licence.RESERVED: LicenceTerms("", False),
}


def terms(code: str) -> LicenceTerms:
    """What a licence allows; an unknown code allows nothing beyond viewing here."""
    return _TERMS.get(code, LicenceTerms("", False))  # type: ignore[call-overload]
