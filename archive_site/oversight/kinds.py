"""What the checks find, and how bad each kind is."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class FindingKind(models.TextChoices):
    RIGHTS = "rights", _("No rights statement")
    ALT_TEXT = "alt_text", _("Image without alt text")
    CAPTIONS = "captions", _("Recording without captions or transcript")
    CREDITS = "credits", _("No credits")
    HIDDEN_RECORD = "hidden_record", _("Record the public cannot see")
    EMBARGOED_RECORD = "embargoed_record", _("Record under embargo")
    MISSING_RECORD = "missing_record", _("Record deleted or unknown")
    BROKEN_LINK = "broken_link", _("Broken internal link")
    BROKEN_ANCHOR = "broken_anchor", _("Link to a missing anchor")
    EXTERNAL_LINK = "external_link", _("External link failing")
    RECORD_CHANGED = "record_changed", _("Record changed since publishing")
    REVIEW_DUE = "review_due", _("Past its review date")
    TERM = "term", _("Term list")


# Worst first: what the dashboard shows and the reports sort by.
SEVERITY = {
    FindingKind.HIDDEN_RECORD: 0,
    FindingKind.EMBARGOED_RECORD: 0,
    FindingKind.MISSING_RECORD: 1,
    FindingKind.BROKEN_LINK: 1,
    FindingKind.RIGHTS: 2,
    FindingKind.ALT_TEXT: 2,
    FindingKind.CAPTIONS: 2,
    FindingKind.EXTERNAL_LINK: 3,
    FindingKind.BROKEN_ANCHOR: 3,
    FindingKind.CREDITS: 3,
    FindingKind.TERM: 4,
    FindingKind.RECORD_CHANGED: 5,
    FindingKind.REVIEW_DUE: 5,
}
