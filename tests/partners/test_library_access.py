"""Who reaches which resource, and its record and files, by role and state: the resource
library's own matrix for what the public matrix (tests/access) cannot hold — partner-only,
pending and rejected resources, and members of partner organisations.

A rejected or pending submission is in no listing and at no library URL for anyone; its record
and files open only to its contributor and the reviewers (and staff), never to the public or
another organisation. A partner-only resource opens to every member and reviewer."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from search.engines import get_database_engine
from tests.search.conftest import index_all

from .library_world import build

pytestmark = [pytest.mark.django_db, pytest.mark.slow]  # ~130 requests

# A registered user without rights reaches what a researcher does here, and an archivist what a
# superuser does (both staff): one of each pair keeps the table quick.
ROLES = ("anonymous", "researcher", "member", "other", "curator", "root")
ANYONE = set(ROLES)
REVIEWERS = {"curator", "root"}
# state -> (who reaches the library's URLs, who opens the record and its files, who finds it
# in the site search)
EXPECTED = {
    "public": (ANYONE, ANYONE, ANYONE),
    "partners": (
        {"member", "other", *REVIEWERS},
        {"member", "other", *REVIEWERS},
        {"root"},
    ),
    "pending": (set(), {"member", *REVIEWERS}, {"root"}),
    "rejected": (set(), {"member", *REVIEWERS}, {"root"}),
}
TITLES = {
    "public": "钱学森回国的故事",
    "partners": "力学课教案",
    "pending": "待审案例",
    "rejected": "被拒案例",
}


def _users(world, users):
    researcher = users.objects.create_user("lib-researcher", password="x")
    researcher.groups.add(Group.objects.get(name="研究人员"))
    return {
        "anonymous": None,
        "researcher": researcher,
        "member": world.member,
        "other": world.other_member,
        "curator": world.curator,
        "root": users.objects.create_superuser("lib-root", password="x"),
    }


def _urls(resource):
    item = resource.item
    item_file = item.files.get()
    library = [
        reverse("resources:resource", kwargs={"pk": resource.pk}),
        reverse("resources:package", kwargs={"pk": resource.pk}),
    ]
    record = [
        item.get_absolute_url(),
        item_file.master_url,
        item_file.url_for("thumb.jpg"),
        reverse("media_pipeline:page_image", kwargs={"pk": item_file.pk, "number": 1}),
        reverse("iiif:info", kwargs={"identifier": str(item_file.pk)}),
        reverse("iiif:manifest", kwargs={"identifier": item.identifier}),
    ]
    assert all(record)
    return library, record


def _body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def test_each_role_reaches_exactly_what_the_state_allows(client, django_user_model):
    world = build(django_user_model)
    users = _users(world, django_user_model)
    index_all(get_database_engine())
    resources = {
        "public": world.public,
        "partners": world.partners,
        "pending": world.pending,
        "rejected": world.rejected,
    }
    problems = []
    for role, user in users.items():
        client.logout()
        if user is not None:
            client.force_login(user)
        listing = client.get(reverse("resources:library")).content.decode()
        # Every resource's record is about 钱学森: one search finds all those the role may.
        found = client.get(reverse("search:page"), {"q": "钱学森"}).content.decode()
        for state, resource in resources.items():
            library_roles, record_roles, search_roles = EXPECTED[state]
            title = TITLES[state]
            master = world.masters[resource.pk]
            if (title in listing) != (role in library_roles):
                verb = "lacks" if role in library_roles else "shows"
                problems.append(f"{role} library listing {verb} {state}")
            if (resource.item.identifier in found) != (role in search_roles):
                verb = "lacks" if role in search_roles else "shows"
                problems.append(f"{role} search {verb} {state}")
            library, record = _urls(resource)
            for urls, allowed in ((library, library_roles), (record, record_roles)):
                for url in urls:
                    response = client.get(url)
                    body = _body(response)
                    if role in allowed:
                        if response.status_code != 200:
                            problems.append(f"{role} {state} {url}: {response.status_code}")
                    else:
                        if response.status_code != 404:
                            problems.append(f"{role} {state} {url}: {response.status_code}")
                        if master in body or title.encode() in body:
                            problems.append(f"{role} {state} {url}: leaks the resource")
    assert not problems, "\n".join(problems)
