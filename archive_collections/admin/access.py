"""The access policy in the curators' admin: one place every admin view of archive records
goes through (archive_collections/access.py decides; this module applies it to admin views).

What a user without staff rights sees of a record the policy hides from them (a curator 策展人,
a Wagtail moderator, a researcher with admin access): nothing, exactly as on the public site.
Such a record is absent from listings, exports, choosers and the page editor's pickers, and
every URL about it (edit, delete, history, usage, copy, revisions, a chooser's "chosen", the
oral-history and file screens) answers 404 as an unknown key would, so a guessed key tells
nothing, not even that the record exists. A bulk action naming a hidden record is refused as a
whole with 403 and changes nothing. An exhibit block that embeds a hidden record keeps its key
when a curator saves the page, but the editor shows it as a restricted record, without title.

For code that lists or opens records in the admin (batch actions, search-backed choosers,
reports, file views), use what is here rather than filtering again:
- `visible_records(queryset, user)`: any queryset of Item, of a model with an `item` foreign key
  (Interview, ItemFile, …) or of other models (returned unchanged); search results given as a
  queryset pass through it too;
- `AccessFilteredViewSetMixin` on a Wagtail (snippet or model) viewset: every per-record URL
  answers 404 for a hidden record; `AccessFilteredIndexMixin` on its index view: the listing,
  its exports and "select all" hold only visible records (the archive's ArchiveIndexView has it);
- `AccessFilteredChooseMixin` on a chooser's choose/results views (applied before the filter
  form's search, so a search engine answering the chooser only narrows visible records) and
  `AccessFilteredChooserMixin` on its viewset (SearchableSnippetChooserViewSet has both);
- `AccessCheckedBulkActionMixin` on a bulk action: refuses hidden ids with 403 (registered for
  the snippet delete action on Item and Interview by registration.py; the
  `before_bulk_action` hook there refuses any other bulk action's hidden records as well);
- `AccessFilteredSnippetChooser`, a chooser widget showing a hidden record as restricted; it
  reads the request's user from `RequestUserMiddleware` (settings.MIDDLEWARE).
The leak matrix (tests/collections/test_admin_access_matrix.py) walks the URL resolver, so a
new admin URL is checked as soon as it exists.
"""

from __future__ import annotations

from contextvars import ContextVar
from functools import wraps
from typing import Any

from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db import models
from django.http import Http404, HttpResponse, HttpResponseForbidden
from django.urls import URLPattern
from django.utils.translation import gettext as _
from wagtail.snippets.widgets import AdminSnippetChooser

from archive_collections.access import AccessPolicy
from archive_collections.models import Item


def item_path(model: type[models.Model]) -> str | None:
    """How a queryset of `model` reaches the Item whose access level governs it: "" for Item,
    "item__" for a model with a foreign key `item` to Item, None when no item governs it."""
    if model is Item or (isinstance(model, type) and issubclass(model, Item)):
        return ""
    try:
        field = model._meta.get_field("item")
    except (FieldDoesNotExist, AttributeError):  # no such field, or not a model at all
        return None
    related = getattr(field, "related_model", None)
    return "item__" if related is Item and not field.many_to_many else None


def policy_of(user_or_policy: Any) -> AccessPolicy:
    if isinstance(user_or_policy, AccessPolicy):
        return user_or_policy
    return AccessPolicy.for_user(user_or_policy)


def visible_records(queryset: models.QuerySet, user_or_policy: Any) -> models.QuerySet:
    """The records of `queryset` the user may see; querysets of ungoverned models unchanged."""
    path = item_path(queryset.model)
    if path is None:
        return queryset
    policy = policy_of(user_or_policy)
    if policy.sees_embargoed:
        return queryset
    return queryset.filter(policy.item_q(path))


def hidden_keys(model: type[models.Model], keys: list[Any], user_or_policy: Any) -> set[str]:
    """Those of `keys` naming an existing record of `model` the user may not see."""
    if item_path(model) is None or not keys:
        return set()
    try:
        existing = model._default_manager.filter(pk__in=keys)
        named = {str(pk) for pk in existing.values_list("pk", flat=True)}
        shown = {
            str(pk) for pk in visible_records(existing, user_or_policy).values_list("pk", flat=True)
        }
    except (TypeError, ValueError):  # keys that are not keys: the view answers them
        return set()
    return named - shown


def refuse_hidden(model: type[models.Model], key: Any, user: Any) -> None:
    """Http404 when `key` names a record of `model` that `user` may not see."""
    if key is not None and hidden_keys(model, [key], user):
        raise Http404


def guard_view(view: Any, model: type[models.Model]) -> Any:
    """Wrap a view taking the record's key as `pk`: a hidden record answers 404 before the view
    (or its permission check) runs, so it looks the same as an unknown key."""

    @wraps(view)
    def guarded(request, *args, **kwargs):
        refuse_hidden(model, kwargs.get("pk"), request.user)
        return view(request, *args, **kwargs)

    return guarded


def guard_urlpatterns(urlpatterns: list, model: type[models.Model]) -> list:
    """`urlpatterns` with every view taking a `pk` wrapped by `guard_view`."""
    if item_path(model) is None:
        return urlpatterns
    guarded = []
    for entry in urlpatterns:
        if isinstance(entry, URLPattern) and "pk" in entry.pattern.regex.groupindex:
            entry = URLPattern(
                entry.pattern, guard_view(entry.callback, model), entry.default_args, entry.name
            )
        guarded.append(entry)
    return guarded


class AccessFilteredViewSetMixin:
    """For a Wagtail ModelViewSet or SnippetViewSet of a governed model: the listing (and so its
    exports and "select all") holds only visible records, and each per-record URL answers 404
    for a hidden one. Put it before the viewset class in the bases."""

    model: type[models.Model]

    def get_urlpatterns(self):
        return guard_urlpatterns(super().get_urlpatterns(), self.model)  # type: ignore[misc]


class AccessFilteredIndexMixin:
    """For an index (listing) view: its base queryset passes through `visible_records`."""

    request: Any

    def get_base_queryset(self):
        return visible_records(super().get_base_queryset(), self.request.user)  # type: ignore[misc]


class AccessFilteredChooseMixin:
    """For a chooser's choose and results views: only visible records are offered. Applied
    where the view filters its object list, before the filter form's search, so a viewset's
    own `get_object_list` (Wagtail injects it into the view) is covered, and a search engine
    behind the form only ever narrows what the user may see."""

    request: Any

    def filter_object_list(self, objects):
        objects = visible_records(objects, self.request.user)
        return super().filter_object_list(objects)  # type: ignore[misc]


class AccessFilteredChosenMultipleMixin:
    """For a chooser's chosen-multiple view: hidden records are left out."""

    request: Any

    def get_objects(self, pks):
        return visible_records(super().get_objects(pks), self.request.user)  # type: ignore[misc]


class AccessFilteredChooserMixin:
    """For a chooser viewset of a governed model: choose, results, chosen and chosen-multiple
    follow the policy. Its choose views must have AccessFilteredChooseMixin in their bases and
    its chosen-multiple view AccessFilteredChosenMultipleMixin (the archive's
    SearchableSnippetChooserViewSet has both); the chosen view is guarded here by its URL."""

    model: Any

    def get_urlpatterns(self):
        return guard_urlpatterns(super().get_urlpatterns(), self.model)  # type: ignore[misc]


class AccessCheckedBulkActionMixin:
    """For a Wagtail bulk action on governed records: explicit ids naming a hidden record are
    refused with 403 (GET and POST alike, so the confirmation page names nothing); "select all"
    acts on the visible records only."""

    def dispatch(self, request, *args, **kwargs):
        # Before the action's own permission check, so the answer is 403 whoever asks.
        if self.names_hidden_records(request):
            return forbidden()
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]

    def get_actionable_objects(self):
        if self.names_hidden_records(self.request):  # type: ignore[attr-defined]
            raise PermissionDenied
        return super().get_actionable_objects()  # type: ignore[misc]

    def names_hidden_records(self, request) -> bool:
        ids = request.GET.getlist("id")
        return "all" not in ids and bool(hidden_keys(self.model, ids, request.user))  # type: ignore[attr-defined]

    def get_all_objects_in_listing_query(self, parent_id):
        queryset = visible_records(self.model._default_manager.all(), self.request.user)  # type: ignore[attr-defined]
        return queryset.values_list("pk", flat=True)


def refuse_hidden_bulk_objects(request, action_type, objects, action) -> HttpResponse | None:
    """The `before_bulk_action` hook: whatever bulk action runs on governed records (one not
    using AccessCheckedBulkActionMixin included), a hidden record among them stops it with 403
    inside its transaction, before anything is written."""
    model = getattr(action, "model", None)
    if model is None or item_path(model) is None:
        return None
    keys = [obj.pk for obj in objects]
    return forbidden() if hidden_keys(model, keys, request.user) else None


def forbidden() -> HttpResponseForbidden:
    """A plain 403 (raising PermissionDenied in Wagtail's admin becomes a redirect to the
    dashboard), naming no record."""
    return HttpResponseForbidden(
        _("This action names records you may not see; nothing was changed.")
    )


# The user of the request being answered, for what renders records without a request: chooser
# widgets in forms and in StreamField blocks (the page editor's record pickers).
_request_user: ContextVar[Any] = ContextVar("archive_admin_request_user", default=None)


def request_user() -> Any:
    """The user of the request being answered (None outside a request: treated as the public)."""
    return _request_user.get()


class RequestUserMiddleware:
    """Remembers each request's user for `request_user()`, and forgets it when the answer is
    made, so a thread never carries one request's user into the next."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request_user.set(getattr(request, "user", None))
        try:
            return self.get_response(request)
        finally:
            _request_user.reset(token)


class AccessFilteredSnippetChooser(AdminSnippetChooser):
    """A chooser widget that shows a record the current user may not see as a restricted
    record: its key is kept (saving the form keeps the reference an archivist made) but not
    its title or edit link."""

    def get_value_data_from_instance(self, instance):
        data = super().get_value_data_from_instance(instance)
        if hidden_keys(type(instance), [instance.pk], request_user()):
            data[self.display_title_key] = _("Restricted record (not shown to you)")
            data["edit_url"] = ""
        return data
