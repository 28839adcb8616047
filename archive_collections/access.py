"""The one access policy. Every surface that shows archive material asks it: pages, search,
facets, autocomplete, APIs, IIIF, media URLs, OAI-PMH and sitemaps.

Rules:
- anyone: public records whose embargo has passed;
- researchers (permission collections.view_researcher_items): also researcher-level records;
- staff (permission collections.view_staff_items, superusers): everything, embargoed included.
- a signed-in user without either permission, holding a fonds access grant (an archivist's
  approval of an access request, archive_collections/models/access_requests.py): also the
  researcher-level records of that fonds, through the grant's end date. The grants are read in
  one query and kept on the user object, so a request asks once however often it builds a policy.
An embargo hides a record from everyone but staff, whatever its access level — titles included.

One record at a time, an app above may open more (`register_opener`): the partner network lets a
contributor and the reviewers open a contribution's record before it is approved, so it is seen
rendered as it will be. An opener answers `can_view` only: listings, search and every `item_q`
query stay as the levels say, so such a record is never listed or found.

The curators' admin follows the same rule (archive_collections/admin/access.py applies it): a
user without staff rights — a curator (策展人), a Wagtail moderator, a researcher given admin
access — sees in the admin exactly what the public site shows them, and nothing of a staff-only
or embargoed record: not in listings, exports, choosers, the page editor's pickers, reports or
the site history, and every admin URL about it answers 404, as for a record that does not
exist. A bulk action naming such a record is refused whole with 403.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.apps import apps
from django.db import models
from django.utils import timezone

PUBLIC, RESEARCHERS, STAFF = "public", "researchers", "staff"
RESEARCHER_PERMISSION = "collections.view_researcher_items"
STAFF_PERMISSION = "collections.view_staff_items"


#: An opener: given a user, None when it opens nothing for them (decided cheaply), else a test
#: of one record that `can_view` asks after the levels and grants have said no.
ItemTest = Callable[[object], bool]
Opener = Callable[[object], ItemTest | None]
_OPENERS: list[Opener] = []


def register_opener(opener: Opener) -> None:
    """An app above adds records a user may open one at a time (see the module doc)."""
    if opener not in _OPENERS:
        _OPENERS.append(opener)


@dataclass(frozen=True)
class AccessPolicy:
    levels: frozenset[str]
    sees_embargoed: bool
    today: date
    # Fonds (by key) whose researcher-level records a grant opens to this user.
    granted_fonds: frozenset[int] = frozenset()
    # Tests of single records that registered openers add for this user (see register_opener).
    openers: tuple[ItemTest, ...] = ()

    @classmethod
    def for_user(cls, user, today: date | None = None) -> AccessPolicy:
        today = today or timezone.localdate()
        if user is not None and user.is_authenticated and user.is_active:
            if user.has_perm(STAFF_PERMISSION):
                return cls(frozenset({PUBLIC, RESEARCHERS, STAFF}), True, today)
            openers = tuple(t for t in (opener(user) for opener in _OPENERS) if t is not None)
            if user.has_perm(RESEARCHER_PERMISSION):
                return cls(frozenset({PUBLIC, RESEARCHERS}), False, today, openers=openers)
            return cls(frozenset({PUBLIC}), False, today, _granted_fonds(user, today), openers)
        return cls(frozenset({PUBLIC}), False, today)

    @classmethod
    def anonymous(cls, today: date | None = None) -> AccessPolicy:
        return cls.for_user(None, today)

    @property
    def is_staff(self) -> bool:
        return self.sees_embargoed

    def item_q(self, prefix: str = "") -> models.Q:
        """A Q object selecting the items this policy shows; `prefix` reaches an Item through
        a relation, e.g. "item__" from an Interview."""
        if self.sees_embargoed:
            return models.Q()
        levels = models.Q(**{f"{prefix}access_level__in": sorted(self.levels)})
        if self.granted_fonds and RESEARCHERS not in self.levels:
            levels |= models.Q(
                **{
                    f"{prefix}access_level": RESEARCHERS,
                    f"{prefix}series__fonds_id__in": sorted(self.granted_fonds),
                }
            )
        return levels & (
            models.Q(**{f"{prefix}embargo_until__isnull": True})
            | models.Q(**{f"{prefix}embargo_until__lte": self.today})
        )

    def can_view(self, item) -> bool:
        if self.sees_embargoed:
            return True
        if self.is_embargoed(item):
            return False
        if item.access_level in self.levels:
            return True
        if (
            item.access_level == RESEARCHERS
            and bool(self.granted_fonds)
            and item.series.fonds_id in self.granted_fonds
        ):
            return True
        return any(test(item) for test in self.openers)

    def is_embargoed(self, item) -> bool:
        return item.embargo_until is not None and item.embargo_until > self.today


GRANTS_CACHE = "_archive_fonds_grants"


def _granted_fonds(user, today: date) -> frozenset[int]:
    """The fonds `user`'s unexpired grants open, cached on the user object for `today` (a
    request's user is one object, so one query a request)."""
    cached = getattr(user, GRANTS_CACHE, None)
    if cached is not None and cached[0] == today:
        return cached[1]
    # Looked up by name: the models import this module (ItemQuerySet).
    grants = apps.get_model("collections", "FondsAccessGrant")
    found = frozenset(
        grants.objects.filter(user_id=user.pk, valid_until__gte=today).values_list(
            "fonds_id", flat=True
        )
    )
    setattr(user, GRANTS_CACHE, (today, found))
    return found


class ItemQuerySet(models.QuerySet):
    def visible_to(self, user_or_policy) -> ItemQuerySet:
        policy = (
            user_or_policy
            if isinstance(user_or_policy, AccessPolicy)
            else AccessPolicy.for_user(user_or_policy)
        )
        return self.filter(policy.item_q())
