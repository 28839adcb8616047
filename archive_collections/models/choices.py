"""Controlled vocabularies of the archive. Stored values are stable codes; labels translate."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ItemType(models.TextChoices):
    ORAL_HISTORY = "oral_history", _("Oral history")
    MANUSCRIPT = "manuscript", _("Manuscript")
    LETTER = "letter", _("Letter")
    PHOTOGRAPH = "photograph", _("Photograph")
    CERTIFICATE = "certificate", _("Certificate")
    PUBLICATION = "publication", _("Publication")
    OBJECT = "object", _("Object")
    DOCUMENT = "document", _("Document")
    AUDIO = "audio", _("Audio")
    VIDEO = "video", _("Video")


class AccessLevel(models.TextChoices):
    PUBLIC = "public", _("Public")
    RESEARCHERS = "researchers", _("Researchers")
    STAFF = "staff", _("Staff only")


class LevelOfDescription(models.TextChoices):
    """ISAD(G) levels below the fonds."""

    SERIES = "series", _("Series")
    SUBSERIES = "subseries", _("Sub-series")
    FILE = "file", pgettext_lazy("level of description", "File")
    ITEM = "item", _("Item")


class DatePrecision(models.TextChoices):
    DAY = "day", _("Day")
    MONTH = "month", _("Month")
    YEAR = "year", _("Year")
    DECADE = "decade", _("Decade")
    RANGE = "range", _("Range")
    UNKNOWN = "unknown", _("Unknown")


class RightsStatement(models.TextChoices):
    """rightsstatements.org vocabulary (v1.0). The URI is the stored value."""

    IN_COPYRIGHT = "http://rightsstatements.org/vocab/InC/1.0/", _("In Copyright")
    INC_EDU = (
        "http://rightsstatements.org/vocab/InC-EDU/1.0/",
        _("In Copyright – Educational Use Permitted"),
    )
    INC_NC = (
        "http://rightsstatements.org/vocab/InC-NC/1.0/",
        _("In Copyright – Non-Commercial Use Permitted"),
    )
    INC_RUU = (
        "http://rightsstatements.org/vocab/InC-RUU/1.0/",
        _("In Copyright – Rights-holder(s) Unlocatable or Unidentifiable"),
    )
    NOC_CR = (
        "http://rightsstatements.org/vocab/NoC-CR/1.0/",
        _("No Copyright – Contractual Restrictions"),
    )
    NOC_NC = (
        "http://rightsstatements.org/vocab/NoC-NC/1.0/",
        _("No Copyright – Non-Commercial Use Only"),
    )
    NOC_OKLR = (
        "http://rightsstatements.org/vocab/NoC-OKLR/1.0/",
        _("No Copyright – Other Known Legal Restrictions"),
    )
    NOC_US = "http://rightsstatements.org/vocab/NoC-US/1.0/", _("No Copyright – United States")
    CNE = "http://rightsstatements.org/vocab/CNE/1.0/", _("Copyright Not Evaluated")
    UND = "http://rightsstatements.org/vocab/UND/1.0/", _("Copyright Undetermined")
    NKC = "http://rightsstatements.org/vocab/NKC/1.0/", _("No Known Copyright")


class NameKind(models.TextChoices):
    PINYIN = "pinyin", _("Hanyu Pinyin")
    WADE_GILES = "wade_giles", _("Wade–Giles")
    ENGLISH = "english", _("English name")
    TRADITIONAL = "traditional", _("Traditional characters")
    FORMER = "former", _("Former name")
    COURTESY = "courtesy", _("Courtesy name (字)")
    ART = "art", _("Art name (号)")
    OTHER = "other", _("Other")


class RelationKind(models.TextChoices):
    """Directed: the record that owns the relation is the subject ("A was mentor of B")."""

    MENTOR_OF = "mentor_of", _("Mentor of (师承)")
    COLLABORATOR = "collaborator", _("Collaborator")
    COLLEAGUE = "colleague", _("Colleague")
    FAMILY = "family", _("Family")

    @classmethod
    def inverse_label(cls, kind: str) -> str:
        if kind == cls.MENTOR_OF:
            return str(_("Student of"))
        return str(cls(kind).label)


class ConsentStatus(models.TextChoices):
    SIGNED = "signed", _("Signed release")
    RESTRICTED = "restricted", _("Signed with restrictions")
    PENDING = "pending", _("Pending")
    NONE = "none", _("No consent on file")

    @classmethod
    def released(cls) -> frozenset[str]:
        """The statuses with a signed release, the only ones under which an interview may be
        public (restrictions are the release's own conditions, kept in the consent note)."""
        return frozenset({cls.SIGNED.value, cls.RESTRICTED.value})

    @classmethod
    def forbids(cls, access_level: str, consent: str) -> bool:
        """The consent rule: an interview whose item is public must have a signed release
        (Item.clean and Interview.clean each ask it from their own side)."""
        return access_level == AccessLevel.PUBLIC and consent not in cls.released()


LANGUAGE_CHOICES = [
    ("zh-Hans", _("Chinese (Simplified)")),
    ("zh-Hant", _("Chinese (Traditional)")),
    ("zh", _("Chinese")),
    ("en", _("English")),
    ("ru", _("Russian")),
    ("de", _("German")),
    ("fr", _("French")),
    ("ja", _("Japanese")),
    ("la", _("Latin")),
    ("mul", _("Multiple languages")),
    ("zxx", _("No linguistic content")),
]
