"""Making and changing contributions: the one path the contribution area, the manifest batch,
the demo and the benchmark all take.

A contribution's record is placed in its first scientist's fonds, in the series 共建共享征集
(`<fonds>-GJ`, made on first use); a scientist without a fonds gets one for contributions
(`GJ-<scientist pk>`). Its identifier is the contributor's own if given, else
`GJ-<ORGANISATION CODE>-<number>`. The record stays staff-only until a reviewer approves it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from archive_collections.models import Fonds, Item, Scientist, Series
from archive_collections.models.choices import AccessLevel, ItemType, RightsStatement
from media_pipeline.admin_upload import UploadResult, ingest_uploads, next_sequence

from .licences import Licence
from .licences import terms as licence_terms
from .models import (
    Contribution,
    ContributionEvent,
    ContributionKind,
    EventAction,
    Membership,
    Organisation,
    ProductKind,
    Status,
)

SERIES_SUFFIX = "-GJ"
SERIES_TITLE = "共建共享征集"

#: The record type a case or product is catalogued as.
RESOURCE_ITEM_TYPE: dict[str, str] = {
    ContributionKind.CASE: ItemType.DOCUMENT,
    ProductKind.VIDEO: ItemType.VIDEO,
    ProductKind.POSTER: ItemType.PHOTOGRAPH,
    ProductKind.LESSON: ItemType.DOCUMENT,
    ProductKind.ARTICLE: ItemType.DOCUMENT,
    ProductKind.OTHER: ItemType.OBJECT,
}


@dataclass
class Submission:
    """What a contributor fills in, whichever the kind. `item` holds the record's own fields
    (item_type, date_text, description, creators, places, language, extent) for materials."""

    kind: str
    title: str
    licence: str
    source_statement: str
    scientists: list[Scientist]
    summary: str = ""
    body: str = ""
    product_kind: str = ""
    theme: str = ""
    audience: str = "public"
    identifier: str = ""
    item: dict = field(default_factory=dict)


def contribution_series(scientist: Scientist) -> Series:
    """The series 共建共享征集 in the scientist's (first) fonds, made on first use."""
    fonds = Fonds.objects.filter(scientist=scientist).order_by("identifier").first()
    if fonds is None:
        fonds, _created = Fonds.objects.get_or_create(
            identifier=f"GJ-{scientist.pk}",
            defaults={"title": f"{scientist.name}共建共享资料", "scientist": scientist},
        )
    series, _created = Series.objects.get_or_create(
        identifier=f"{fonds.identifier}{SERIES_SUFFIX}",
        defaults={"title": SERIES_TITLE, "fonds": fonds},
    )
    return series


def next_identifier(organisation: Organisation) -> str:
    """`GJ-<CODE>-<n>` after the organisation's highest number: one read of the identifier
    index (a range, which SQLite's case-insensitive LIKE could not use), not a count of every
    record on each new contribution."""
    prefix = f"GJ-{organisation.code.upper()}-"
    numbers = (
        Item.objects.filter(identifier__gte=f"{prefix}00000", identifier__lte=f"{prefix}99999")
        .order_by("-identifier")
        .values_list("identifier", flat=True)
    )
    number = 1
    for identifier in numbers.iterator():  # the highest well-formed number
        suffix = identifier.removeprefix(prefix)
        if suffix.isdigit() and len(suffix) == 5:
            number = int(suffix) + 1
            break
    return f"{prefix}{number:05d}"


def provenance_text(organisation: Organisation, source_statement: str) -> str:
    """The record's provenance, written in the catalogue's language (Chinese, like its other
    data) whatever the contributor's interface language."""
    return f"由{organisation.name}通过共建共享提供。{source_statement.strip()}"


def rights_for(licence: str) -> str:
    """The rightsstatements.org statement a record under this licence carries."""
    if licence == Licence.CC0:
        return RightsStatement.NKC
    return RightsStatement.INC_EDU if licence_terms(licence).reuse else RightsStatement.IN_COPYRIGHT


def _item_type(submission: Submission) -> str:
    if submission.kind == ContributionKind.MATERIAL:
        return submission.item.get("item_type") or ItemType.DOCUMENT
    if submission.kind == ContributionKind.CASE:
        return RESOURCE_ITEM_TYPE[ContributionKind.CASE]
    return RESOURCE_ITEM_TYPE.get(submission.product_kind, ItemType.OBJECT)


def _check(submission: Submission) -> None:
    errors: dict[str, str] = {}
    if not submission.title.strip():
        errors["title"] = _("Give the contribution a title.")
    if not submission.scientists:
        errors["scientists"] = _("Name at least one scientist it is about.")
    if submission.licence not in Licence.values:
        errors["licence"] = _("Choose a licence from the list.")
    if not submission.source_statement.strip():
        errors["source_statement"] = _("Say where it comes from and who holds the rights.")
    if submission.kind == ContributionKind.PRODUCT and not submission.product_kind:
        errors["product_kind"] = _("Say what kind of product this is.")
    if errors:
        raise ValidationError(errors)


def _fill_item(item: Item, submission: Submission, organisation: Organisation) -> None:
    item.title = submission.title.strip()
    item.item_type = _item_type(submission)
    item.description = (submission.item.get("description") or submission.summary).strip()
    for name in ("date_text", "creators", "places", "language", "extent"):
        if name in submission.item:
            setattr(item, name, (submission.item.get(name) or "").strip())
    item.provenance = provenance_text(organisation, submission.source_statement)
    item.rights_statement = rights_for(submission.licence)


@transaction.atomic
def create(membership: Membership, submission: Submission) -> Contribution:
    """A new contribution from a member, with its staff-only record; raises ValidationError."""
    _check(submission)
    organisation = membership.organisation
    identifier = submission.identifier.strip()
    if identifier and Item.objects.filter(identifier=identifier).exists():
        raise ValidationError(
            {"identifier": _("The identifier %(id)s is already taken.") % {"id": identifier}}
        )
    item = Item(
        identifier=identifier or next_identifier(organisation),
        series=contribution_series(submission.scientists[0]),
        access_level=AccessLevel.STAFF,
    )
    _fill_item(item, submission, organisation)
    item.full_clean(exclude=["series", "subjects"])
    try:
        with transaction.atomic():
            item.save()
    except IntegrityError as exc:
        raise ValidationError(
            {"identifier": _("The identifier %(id)s is already taken.") % {"id": item.identifier}}
        ) from exc
    item.scientists.set(submission.scientists)
    contribution = Contribution.objects.create(
        organisation=organisation,
        submitter=membership.user,
        kind=submission.kind,
        product_kind=submission.product_kind if submission.kind == ContributionKind.PRODUCT else "",
        title=submission.title.strip(),
        summary=submission.summary.strip(),
        body=submission.body.strip(),
        theme=submission.theme,
        licence=submission.licence,
        source_statement=submission.source_statement.strip(),
        audience=submission.audience,
        item=item,
        submitted_at=timezone.now(),
    )
    contribution.scientists.set(submission.scientists)
    ContributionEvent.objects.create(
        contribution=contribution, actor=membership.user, action=EventAction.SUBMITTED
    )
    return contribution


@transaction.atomic
def update(contribution: Contribution, user, submission: Submission) -> Contribution:
    """The contributor's change to a submission awaiting review or sent back: it goes back to
    the queue. The caller has checked `scope.can_edit`."""
    _check(submission)
    contribution = Contribution.objects.select_for_update().get(pk=contribution.pk)
    if not contribution.editable:
        raise ValidationError(_("This contribution has been decided and can no longer change."))
    for name in ("title", "summary", "body", "source_statement"):
        setattr(contribution, name, getattr(submission, name).strip())
    contribution.theme = submission.theme
    contribution.licence = submission.licence
    contribution.audience = submission.audience
    if contribution.kind == ContributionKind.PRODUCT:
        contribution.product_kind = submission.product_kind
    resubmitted = contribution.status == Status.CHANGES
    contribution.status = Status.SUBMITTED
    contribution.submitted_at = timezone.now() if resubmitted else contribution.submitted_at
    contribution.save()
    contribution.scientists.set(submission.scientists)
    item = contribution.item
    if item is not None:
        _fill_item(item, submission, contribution.organisation)
        item.full_clean(exclude=["series", "subjects", "identifier"])
        item.save()
        item.scientists.set(submission.scientists)
    ContributionEvent.objects.create(
        contribution=contribution, actor=user, action=EventAction.EDITED
    )
    return contribution


def add_files(contribution: Contribution, uploads, pattern: str = "") -> list[UploadResult]:
    """The admin upload's guards and ingest (sniffed, size-limited, bomb-checked, queued for
    processing) on the contribution's record."""
    item = contribution.item
    if item is None:
        raise ValidationError(_("This contribution has no record to hold files."))
    return ingest_uploads(item, uploads, next_sequence(item), pattern)
