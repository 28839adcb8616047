"""The admin's access matrix, generated from the URL resolver (issue 11, "The access policy
governs the admin too").

Every admin URL of the archive — the snippet viewsets and choosers of the catalogue, the
oral-history and file screens, any admin route whose view works on an Item, an Interview or a
record with an ``item`` — and every argument-free admin URL (listings, reports, search, the
dashboard) is requested as each role: a curator (策展人), a Wagtail moderator, a curator who is
also a researcher (研究人员), an archivist (档案员) and a superuser, with items and interviews at
each access level (public, researchers, staff, embargoed). A record the role may not see must
not show: its title, description or identifier in no answer (HTML, JSON, CSV or XLSX), and
every URL about it answers 404 (403 where the role lacks the view's permission altogether).
What the role may see must be listed: the listings and choosers show each visible record, and
an archivist reaches every record's URLs. Forged POSTs to a hidden record's edit, delete,
revert, import and bulk-action URLs answer 403/404 and change nothing.

A pattern of the archive taking an argument nobody fills fails ``test_every_archive_pattern_is_
covered``, so a URL added later (a batch action, a report with a record argument) is either
checked or named.
"""

from __future__ import annotations

import datetime
import html
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import URLPattern, get_resolver, reverse
from django.utils import timezone
from wagtail.admin.views.bulk_action.registry import bulk_action_registry
from wagtail.models import ModelLogEntry, Revision

from archive_collections.access import AccessPolicy
from archive_collections.admin.access import item_path
from archive_collections.models import (
    AccessRequest,
    Discipline,
    Fonds,
    Interview,
    Item,
    Scientist,
    Series,
)
from media_pipeline.models import ItemFile
from tests.access.test_public_matrix import Pattern, _body, _walk
from tests.factories import (
    DisciplineFactory,
    FondsFactory,
    InterviewFactory,
    ItemFactory,
    ItemFileFactory,
    ScientistFactory,
    SeriesFactory,
    TranscriptSegmentFactory,
)
from tests.pages import exhibition_tree, item_block, stream

if TYPE_CHECKING:
    from tests.db_template import TestDatabase

pytestmark = [pytest.mark.django_db, pytest.mark.slow]  # hundreds of admin requests

LEVELS = ("public", "researchers", "staff", "embargoed")
ROLES = ("curator", "moderator", "researcher_admin", "archivist", "superuser")
# The documented rule (archive_collections/access.py, docs/ARCHITECTURE.md "Access"), written
# out so that a change of policy shows here: without staff rights the admin shows what the
# public site shows that user, and nothing of an embargoed record.
SEES: dict[str, set[str]] = {
    "curator": {"public"},
    "moderator": {"public"},
    "researcher_admin": {"public", "researchers"},
    "archivist": set(LEVELS),
    "superuser": set(LEVELS),
}
SHARED = "admxsharedtok"  # in every record's title: one search finds them all
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class Record:
    level: str
    kind: str  # "doc" (an item with a file) or "talk" (an interview's item)
    item: Any
    token: str
    interview: Any = None
    file: Any = None

    @property
    def secrets(self) -> list[str]:
        return [self.token, f"{self.token}desc", self.item.identifier]


@dataclass
class World:
    records: list[Record]
    scientist: Any
    fonds: Any
    series: Any
    chapter: Any
    discipline: Any
    users: dict[str, Any]
    clients: dict[str, Client] = field(default_factory=dict)

    def hidden_from(self, role: str) -> list[Record]:
        return [r for r in self.records if r.level not in SEES[role]]

    def visible_to(self, role: str) -> list[Record]:
        return [r for r in self.records if r.level in SEES[role]]

    def record_of(self, obj: Any) -> Record:
        for record in self.records:
            if obj in (record.item, record.interview, record.file):
                return record
            if getattr(obj, "item_id", None) == record.item.pk:  # e.g. an access request
                return record
        raise LookupError(obj)


def _make_records(author: Any) -> tuple[list[Record], Any, Any, Any]:
    today = timezone.localdate()
    scientist = ScientistFactory(identifier="admx-scientist", name="矩阵后台科学家")
    fonds = FondsFactory(identifier="ADMX-F", scientist=scientist, title="后台矩阵全宗")
    series = SeriesFactory(identifier="ADMX-S", fonds=fonds, title="后台矩阵系列")
    for record in (scientist, fonds, series):
        record.save_revision(user=author)  # so their revision URLs have a revision to show
    records = []
    for level in LEVELS:
        embargoed = level == "embargoed"
        for kind in ("doc", "talk"):
            token = f"admx{level}{kind}tok"
            item = ItemFactory(
                identifier=f"ADMX-{level.upper()}-{kind.upper()}",
                title=f"{SHARED} {token} 档案",
                description=f"{token}desc 描述",
                item_type="photograph" if kind == "doc" else "oral_history",
                series=series,
                access_level="public" if embargoed else level,
                embargo_until=today + datetime.timedelta(days=365) if embargoed else None,
            )
            item.scientists.add(scientist)
            record = Record(level, kind, item, token)
            revision = item.save_revision(user=author)
            ModelLogEntry.objects.log_action(
                item, "wagtail.edit", user=author, revision=revision, content_changed=True
            )
            if kind == "doc":
                record.file = ItemFileFactory(item=item, original_filename=f"admx-{level}.jpg")
            else:
                record.interview = InterviewFactory(
                    item=item, interviewee=scientist, consent="signed"
                )
                record.interview.save_revision(user=author)
                TranscriptSegmentFactory(interview=record.interview, start_ms=0, text="说话")
            records.append(record)
    return records, scientist, fonds, series


def _make_users() -> dict[str, Any]:
    users = get_user_model()

    def member(name: str, *groups: str) -> Any:
        user = users.objects.create_user(username=f"admx-{name}", password="pw")
        user.groups.add(*Group.objects.filter(name__in=groups))
        assert user.groups.count() == len(groups), groups
        return user

    moderator = member("moderator", "Moderators")
    return {
        "curator": member("curator", "策展人"),
        "moderator": moderator,
        "researcher_admin": member("researcher_admin", "策展人", "研究人员"),
        "archivist": member("archivist", "档案员"),
        "superuser": users.objects.create_superuser("admx-admin", "a@example.org", "pw"),
    }


@pytest.fixture(scope="module")
def world(django_db_setup: TestDatabase, django_db_blocker: Any) -> Iterator[World]:
    with django_db_blocker.unblock():
        django_db_setup.restore()  # a transactional test before may have emptied every table
        try:
            users = _make_users()
            records, scientist, fonds, series = _make_records(users["superuser"])
            docs = [r.item for r in records]
            body = stream(*(item_block(item, "说明") for item in docs))
            _index, _exhibition, chapters = exhibition_tree([body], title="后台矩阵展览")
            discipline = DisciplineFactory(name="后台矩阵学科")
            scientist.disciplines.add(discipline)
            world = World(records, scientist, fonds, series, chapters[0], discipline, users)
            # An access request per record, so the archivists' decision URL is walked too.
            requester = get_user_model().objects.create_user("admx-requester", password="pw")
            AccessRequest.objects.bulk_create(
                AccessRequest(user=requester, item=r.item, purpose=f"{r.token} 研究用途")
                for r in records
            )
            for role, user in users.items():
                world.clients[role] = Client(raise_request_exception=False)
                world.clients[role].force_login(user)
            yield world
        finally:
            django_db_setup.restore()


# Patterns -------------------------------------------------------------------------------------

ARCHIVE_MODELS = (Scientist, Fonds, Series, Item, Interview, Discipline)


def _view_model(entry: URLPattern) -> Any:
    """The model a class-based admin view works on, as its viewset configured it."""
    callback = entry.callback
    initkwargs = getattr(callback, "view_initkwargs", {}) or {}
    model = initkwargs.get("model") or getattr(getattr(callback, "view_class", None), "model", None)
    return model if isinstance(model, type) else None


# Function views taking a record's key as `pk`, by URL name: the model their key is of.
FUNCTION_VIEWS: dict[str, Any] = {
    "collections_oral_history_import": Interview,
    "collections_oral_history_tools": Interview,
    "collections_oral_history_editor": Interview,
    "media_pipeline_item_upload": Item,
}
# Other arguments naming a record, whatever the view.
ARGUMENT_MODELS: dict[str, Any] = {"item_pk": Item, "file_pk": ItemFile, "interview_pk": Interview}
# Admin routes with a key that names no archive record, and why they show none.
NOT_RECORDS: dict[str, str] = {
    "media_pipeline_job_status": "a job's progress, answered only to the user who started it",
    "media_pipeline_job_status_by_key": "the same, found by the job's key",
}


@dataclass(frozen=True)
class AdminPattern:
    pattern: Pattern
    model: Any  # the record model its arguments name, None for argument-free routes

    @property
    def id(self) -> str:
        return self.pattern.id


def admin_patterns() -> list[AdminPattern]:
    found = []
    for entry, pattern in _walk_entries():
        if not pattern.route.startswith("admin/") or not pattern.name:
            continue
        if pattern.name in NOT_RECORDS:
            continue
        model = FUNCTION_VIEWS.get(pattern.name) or _argument_model(pattern) or _view_model(entry)
        archive = model in ARCHIVE_MODELS or (model is not None and item_path(model) is not None)
        if pattern.name == "wagtail_bulk_action" or (archive and pattern.arguments):
            found.append(AdminPattern(pattern, model))
        elif not pattern.arguments:
            found.append(AdminPattern(pattern, None))
        elif _looks_archive(pattern):
            found.append(AdminPattern(pattern, None))  # fails as not covered
    return found


def _argument_model(pattern: Pattern) -> Any:
    for argument in pattern.arguments:
        if argument in ARGUMENT_MODELS:
            return ARGUMENT_MODELS[argument]
    return None


def _looks_archive(pattern: Pattern) -> bool:
    words = ("collections_", "archive/", "itemfile", "media/", "interview", "/item/")
    return any(word in pattern.name or word in pattern.route for word in words)


def _walk_entries() -> Iterator[tuple[URLPattern, Pattern]]:
    """Each URLPattern with the matrix's Pattern for it (the public matrix's walker)."""
    entries = list(_resolver_entries(get_resolver().url_patterns))
    walked = list(_walk(get_resolver().url_patterns))
    assert len(entries) == len(walked)
    yield from zip(entries, walked, strict=True)


def _resolver_entries(patterns: list) -> Iterator[URLPattern]:
    for entry in patterns:
        if isinstance(entry, URLPattern):
            yield entry
        else:
            yield from _resolver_entries(entry.url_patterns)


# Never requested: they end the session or are not pages.
SKIPPED = {
    "wagtailadmin_logout",
    "wagtailadmin_error_test",  # Wagtail's deliberate 500
}
PATTERNS = [p for p in admin_patterns() if p.pattern.name not in SKIPPED]
SPECIAL_ARGUMENTS = {"revision_id", "revision_id_a", "revision_id_b"}


def _record_objects(world: World, model: Any) -> list[Any]:
    """The objects of `model` the matrix holds, one per record that has one."""
    if model is Item:
        return [r.item for r in world.records]
    if model is Interview:
        return [r.interview for r in world.records if r.interview is not None]
    if model is ItemFile:
        return [r.file for r in world.records if r.file is not None]
    if item_path(model) is not None:
        return list(model._default_manager.filter(item__in=[r.item for r in world.records]))
    return [
        {
            Scientist: world.scientist,
            Fonds: world.fonds,
            Series: world.series,
            Discipline: world.discipline,
        }[model]
    ]


def _fill(pattern: AdminPattern, obj: Any) -> str:
    kwargs: dict[str, Any] = {}
    for argument in pattern.pattern.arguments:
        if argument in ("pk", "0", *ARGUMENT_MODELS):
            kwargs[argument] = obj.pk
        elif argument == "revision_id":
            kwargs[argument] = Revision.objects.for_instance(obj).latest("created_at").pk
        elif argument == "revision_id_a":
            kwargs[argument] = "earliest"
        elif argument == "revision_id_b":
            kwargs[argument] = "latest"
        else:
            raise LookupError(argument)
    return reverse(pattern.pattern.name, kwargs=kwargs)


def bulk_urls() -> list[tuple[Any, str, str]]:
    """(model, action, url without ids) for every bulk action registered on a record model."""
    urls = []
    for model in (Item, Interview):
        opts = model._meta
        for action_class in bulk_action_registry.get_bulk_actions_for_model(
            opts.app_label, opts.model_name
        ):
            action = action_class.action_type
            url = reverse("wagtail_bulk_action", args=[opts.app_label, opts.model_name, action])
            urls.append((model, action, url))
    return urls


# Requests -------------------------------------------------------------------------------------


def _text(response: Any) -> str:
    body = _body(response)
    if response.get("Content-Type", "").startswith(XLSX):
        book = openpyxl.load_workbook(io.BytesIO(body), read_only=True)
        return "\n".join(
            str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row
        )
    return body.decode("utf-8", "replace")


def _leaks(world: World, role: str, url: str, response: Any, text: str | None = None) -> list[str]:
    """What of the records hidden from `role` the answer shows; pass `text` when the answer's
    body was read already (a streamed export reads once)."""
    text = _text(response) if text is None else text
    found = []
    for record in world.hidden_from(role):
        for secret in record.secrets:
            if secret in text and secret not in url:
                at = text.find(secret)
                found.append(
                    f"LEAK {role} {url} ({response.status_code}) shows {record.level} "
                    f"{record.kind} {secret!r}: …{text[max(0, at - 100) : at + 100]}…"
                )
    return found


def _listing_queries(pattern: Pattern) -> list[str]:
    queries = ["", f"?q={SHARED}"]
    report = pattern.name.startswith("wagtailadmin_reports:")
    if report or pattern.name.endswith((":list", ":index")):
        queries += ["?export=csv", "?export=xlsx"]
    return queries


def _lists_records(pattern: Pattern) -> Any:
    """The record model a listing or chooser of the archive shows, or None."""
    for model in (Item, Interview):
        label = model._meta.label_lower.replace(".", "_")
        if pattern.name.startswith(
            (f"wagtailsnippets_{label}:list", f"wagtailsnippetchoosers_{label}:choose")
        ):
            return model
    return None


def test_every_archive_pattern_is_covered() -> None:
    unfilled = [
        p.id
        for p in PATTERNS
        if p.pattern.arguments
        and p.pattern.name != "wagtail_bulk_action"
        and (
            p.model is None
            or set(p.pattern.arguments) - {"pk", "0", *ARGUMENT_MODELS, *SPECIAL_ARGUMENTS}
        )
    ]
    assert not unfilled, (
        "admin routes of the archive whose arguments the matrix cannot fill: name their model "
        f"in FUNCTION_VIEWS of tests/collections/test_admin_access_matrix.py: {unfilled}"
    )
    names = {p.pattern.name for p in PATTERNS}
    assert "wagtailsnippets_collections_item:edit" in names
    assert "wagtailsnippetchoosers_collections_interview:chosen" in names
    assert len(PATTERNS) > 100  # the resolver was walked, not one include


def test_the_policy_agrees_with_the_matrix(world: World) -> None:
    for role, user in world.users.items():
        policy = AccessPolicy.for_user(get_user_model().objects.get(pk=user.pk))
        assert {r.level for r in world.records if policy.can_view(r.item)} == SEES[role], role


UNGOVERNED = (Scientist, Fonds, Series, Discipline)
RECORD_PATTERNS = [p for p in PATTERNS if p.pattern.arguments and p.model is not None]
LISTING_PATTERNS = [p for p in PATTERNS if not p.pattern.arguments]


@pytest.mark.parametrize("pattern", RECORD_PATTERNS, ids=[p.id for p in RECORD_PATTERNS])
def test_record_urls_refuse_hidden_records_without_their_titles(
    pattern: AdminPattern, world: World
) -> None:
    problems: list[str] = []
    for obj in _record_objects(world, pattern.model):
        url = _fill(pattern, obj)
        record = world.record_of(obj) if pattern.model not in UNGOVERNED else None
        for role in ROLES:
            hidden = record is not None and record.level not in SEES[role]
            if record is not None and not hidden and role != "archivist":
                continue  # the visible side is the archivist's check below; keeps the run short
            response = world.clients[role].get(url)
            problems += _leaks(world, role, url, response)
            if response.status_code >= 500:
                problems.append(f"ERROR {role} {url}: {response.status_code}")
            elif hidden and not _refused(response):
                problems.append(f"SERVED {role} {url}: {response.status_code} for {record.level}")
            elif hidden and response.status_code == 403 and _user_may(world, role, pattern):
                problems.append(f"403 {role} {url}: a hidden record answers 404 to those allowed")
            elif role == "archivist" and response.status_code == 404:
                problems.append(f"REFUSED archivist {url}: 404 for a {record and record.level}")
    assert not problems, "\n".join(problems)


def _refused(response: Any) -> bool:
    """403 or 404; or, from a view the role may not use at all, Wagtail's permission refusal
    (a redirect to the dashboard with a message) or 405 for a GET of a POST-only action."""
    if response.status_code in (403, 404):
        return True
    if response.status_code == 405:
        return response.request["REQUEST_METHOD"] == "GET"
    return response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")


def _user_may(world: World, role: str, pattern: AdminPattern) -> bool:
    """Whether the role may use the view at all (then a hidden record must look unknown)."""
    opts = pattern.model._meta
    view = pattern.pattern.name.rsplit(":", 1)[-1]
    action = {"edit": "change", "delete": "delete", "history": "change"}.get(view, "view")
    user = get_user_model().objects.get(pk=world.users[role].pk)
    return pattern.pattern.name.startswith("wagtailsnippet") and user.has_perm(
        f"{opts.app_label}.{action}_{opts.model_name}"
    )


@pytest.mark.parametrize("pattern", LISTING_PATTERNS, ids=[p.id for p in LISTING_PATTERNS])
def test_listings_show_each_role_what_it_may_see_and_nothing_else(
    pattern: AdminPattern, world: World
) -> None:
    problems: list[str] = []
    listed_model = _lists_records(pattern.pattern)
    for role in ROLES:
        if listed_model is None and not world.hidden_from(role):
            continue  # nothing to leak, nothing to list: keeps the run short
        texts = []
        for query in _listing_queries(pattern.pattern):
            url = reverse(pattern.pattern.name) + query
            response = world.clients[role].get(url)
            text = _text(response)
            problems += _leaks(world, role, url, response, text)
            if response.status_code >= 500:
                problems.append(f"ERROR {role} {url}: {response.status_code}")
            texts.append(text)
        if listed_model is None:
            continue
        user = get_user_model().objects.get(pk=world.users[role].pk)
        if not user.has_perm(f"collections.view_{listed_model._meta.model_name}"):
            continue
        shown = "\n".join(texts)
        problems += [
            f"MISSING {role} {pattern.id}: no {r.level} {r.kind} ({r.token})"
            for r in world.visible_to(role)
            if (listed_model is Item or r.interview is not None) and r.token not in shown
        ]
    assert not problems, "\n".join(problems)


def test_the_page_editor_shows_no_hidden_record_in_its_pickers(world: World) -> None:
    url = reverse("wagtailadmin_pages:edit", args=[world.chapter.pk])
    problems = []
    for role in ROLES:
        response = world.clients[role].get(url)
        if role in ("curator", "researcher_admin", "superuser"):  # who may edit pages
            assert response.status_code == 200, (role, response.status_code)
        problems += _leaks(world, role, url, response)
    assert not problems, "\n".join(problems)


def test_a_curators_edit_of_the_page_keeps_the_hidden_records_it_embeds(world: World) -> None:
    """The editor shows a hidden record as restricted, without title or edit link, but keeps
    its key in the block's state, so saving the page keeps the reference."""
    client = world.clients["curator"]
    response = client.get(reverse("wagtailadmin_pages:edit", args=[world.chapter.pk]))
    assert response.status_code == 200
    state = html.unescape(response.content.decode())
    for record in world.records:
        hidden = record.level not in SEES["curator"]
        kept = f'"item": {{"id": {record.item.pk}, "edit_url": ""'
        assert (kept in state) == hidden, record.level


# Forged POSTs ----------------------------------------------------------------------------------


def _snapshot() -> tuple:
    items = tuple(Item.objects.order_by("pk").values_list("pk", "title", "access_level"))
    interviews = tuple(Interview.objects.order_by("pk").values_list("pk", "interviewers"))
    files = tuple(ItemFile.objects.order_by("pk").values_list("pk", "label", "status"))
    return items, interviews, files, Revision.objects.count(), ModelLogEntry.objects.count()


def _forged_data(record: Record) -> dict[str, str]:
    item = record.item
    return {
        "identifier": item.identifier,
        "title": "forged",
        "item_type": item.item_type,
        "access_level": "public",
        "series": str(item.series_id),
        "action": "retime",
        "retime-offset": "00:00:01",
        "retime-parts": "both",
    }


@pytest.mark.parametrize("role", ["curator", "moderator", "researcher_admin"])
def test_forged_posts_for_hidden_records_are_refused_and_change_nothing(
    role: str, world: World
) -> None:
    client = world.clients[role]
    before = _snapshot()
    problems = []
    hidden = world.hidden_from(role)
    for pattern in RECORD_PATTERNS:
        if pattern.model not in (Item, Interview, ItemFile) and item_path(pattern.model) is None:
            continue
        for obj in _record_objects(world, pattern.model):
            record = world.record_of(obj)
            if record not in hidden:
                continue
            url = _fill(pattern, obj)
            response = client.post(url, _forged_data(record))
            if not _refused(response):
                problems.append(f"ACCEPTED {role} POST {url}: {response.status_code}")
            problems += _leaks(world, role, url, response)
    for model, _action, url in bulk_urls():
        pks = [
            str(getattr(r, "interview" if model is Interview else "item").pk)
            for r in hidden
            if getattr(r, "interview" if model is Interview else "item") is not None
        ]
        query = url + "?" + "&".join(f"id={pk}" for pk in pks)
        for method in (client.get, client.post):
            response = method(query)
            if response.status_code != 403:
                problems.append(f"BULK {role} {method.__name__} {query}: {response.status_code}")
            problems += _leaks(world, role, query, response)
    for model in (Item, Interview):
        for fmt in ("csv", "xlsx"):
            url = reverse(f"wagtailsnippets_{model._meta.label_lower.replace('.', '_')}:list")
            response = client.post(f"{url}?export={fmt}", {"id": [r.item.pk for r in hidden]})
            problems += _leaks(world, role, url, response)
    assert _snapshot() == before, "a refused request changed records"
    assert not problems, "\n".join(problems)


def test_bulk_actions_on_all_listed_records_reach_only_visible_ones(world: World) -> None:
    """Select all in the listing names no ids: the action sees what the listing showed."""
    client = world.clients["curator"]
    for _model, _action, url in bulk_urls():
        response = client.get(url + "?id=all")
        assert response.status_code in (200, 403), (url, response.status_code)
        assert not _leaks(world, "curator", url, response)


def test_exports_hold_what_the_listing_holds(world: World) -> None:
    """The export answers the same records as the listing, for a role that sees a subset."""
    client = world.clients["researcher_admin"]
    for fmt in ("csv", "xlsx"):
        url = reverse("wagtailsnippets_collections_item:list") + f"?export={fmt}"
        text = _text(client.get(url))
        for record in world.records:
            assert (record.item.identifier in text) == (record.level in SEES["researcher_admin"])


def test_matrix_user_groups_exist() -> None:
    """The roles come from the groups the migrations make on every deployment."""
    names = ["策展人", "研究人员", "档案员", "Moderators"]
    assert Group.objects.filter(name__in=names).count() == len(names)
    assert Permission.objects.filter(codename="view_staff_items").exists()
