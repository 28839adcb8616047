"""An interview without a signed release cannot be public: the model, the admin's forms (the
interview's and the item's) and the importer all refuse it, naming the field."""

import csv

import pytest
from django.core.exceptions import ValidationError

from archive_collections.importer import run_import
from archive_collections.models import ConsentStatus, Interview, Item
from archive_collections.models.interviews import without_release
from fixtures.generate_media import DEMO_DIR
from tests.factories import InterviewFactory, ItemFactory

from .test_admin_forms import interview_form_data, item_form_data, url
from .test_import_support import (  # noqa: F401  english: autouse fixture
    INTERVIEWS,
    ITEMS,
    MANIFEST,
    csv_manifest,
    english,
    replace_cell,
)

pytestmark = pytest.mark.django_db


def field_errors(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return exc.value.message_dict


# The model


@pytest.mark.parametrize("consent", ["pending", "none"])
def test_a_public_interview_without_release_is_refused(consent):
    interview = InterviewFactory(consent=consent, item__access_level="public")
    with pytest.raises(ValidationError) as refused:
        interview.full_clean()
    [message] = field_errors(refused)["consent"]
    assert "needs a signed release" in message and interview.item.identifier in message


@pytest.mark.parametrize(
    ("access", "consent"),
    [("public", "signed"), ("public", "restricted"), ("researchers", "pending"), ("staff", "none")],
)
def test_a_release_or_a_closed_item_is_accepted(access, consent):
    InterviewFactory(consent=consent, item__access_level=access).full_clean()


def test_an_item_cannot_be_made_public_while_its_interview_lacks_release():
    interview = InterviewFactory(consent="pending", item__access_level="researchers")
    item = Item.objects.get(pk=interview.item.pk)
    item.access_level = "public"
    with pytest.raises(ValidationError) as refused:
        item.full_clean()
    [message] = field_errors(refused)["access_level"]
    assert "no signed release" in message and "Pending" in message


def test_an_item_without_interview_may_be_public():
    ItemFactory(item_type="oral_history", access_level="public").full_clean()


def test_items_whose_interview_lacks_release_are_found_in_one_query():
    """What a batch change of access level asks before making items public."""
    bare = ItemFactory(identifier="BARE")
    pending = InterviewFactory(item__identifier="PENDING", consent="pending").item
    InterviewFactory(item__identifier="SIGNED", consent="signed")
    found = Item.objects.filter(without_release("interview__"))
    assert set(found.values_list("identifier", flat=True)) == {pending.identifier}
    assert bare.identifier not in set(found.values_list("identifier", flat=True))


# The admin


def test_admin_interview_form_names_the_consent_field(admin_client):
    recording = ItemFactory(item_type="oral_history", access_level="public")
    data = interview_form_data(recording, recording.series.fonds.scientist)
    data["consent"] = "pending"
    response = admin_client.post(url(Interview, "add"), data)
    assert response.status_code == 200
    errors = response.context["form"].errors.as_data()
    [error] = errors["consent"]
    assert error.code == "consent_required"
    assert error.message in response.content.decode()  # shown beside the field
    assert recording.identifier in error.message
    assert not Interview.objects.exists()


def test_admin_item_form_refuses_making_the_item_public(admin_client):
    interview = InterviewFactory(
        consent="none", item__access_level="staff", item__identifier="QXS-0100"
    )
    item = interview.item
    data = item_form_data(item.series, item_type="oral_history", access_level="public")
    response = admin_client.post(url(Item, "edit", item.pk), data)
    assert response.status_code == 200
    errors = response.context["form"].errors.as_data()
    assert [e.code for e in errors["access_level"]] == ["consent_required"]
    assert Item.objects.get(pk=item.pk).access_level == "staff"


def test_admin_item_form_saves_once_the_release_is_recorded(admin_client):
    interview = InterviewFactory(
        consent="signed", item__access_level="staff", item__identifier="QXS-0100"
    )
    item = interview.item
    data = item_form_data(item.series, item_type="oral_history", access_level="public")
    response = admin_client.post(url(Item, "edit", item.pk), data)
    assert response.status_code == 302, response.context["form"].errors
    assert Item.objects.get(pk=item.pk).access_level == "public"


# The importer


def oral_history_row() -> int:
    return next(n for n, row in enumerate(ITEMS, start=1) if row[0] == "OH-0001")


def import_manifest(tmp_path, **kinds):
    return run_import(csv_manifest(tmp_path / "batch", dict(MANIFEST, **kinds)))


@pytest.mark.parametrize("consent", ["pending", "无", ""])
def test_import_refuses_a_public_interview_without_release(tmp_path, consent):
    rows = replace_cell(INTERVIEWS, 2, "consent", consent)
    report = import_manifest(tmp_path, interviews=rows)
    [problem] = report.problems
    assert (problem.kind, problem.row, problem.column) == ("interviews", 2, "consent")
    assert "OH-0001 is public, so its interview needs a signed release" in problem.reason
    assert not Item.objects.exists() and not Interview.objects.exists()


def test_import_accepts_an_unreleased_interview_of_a_closed_item(tmp_path):
    items = replace_cell(ITEMS, oral_history_row(), "access", "研究人员")
    interviews = replace_cell(INTERVIEWS, 2, "consent", "待定")
    report = import_manifest(tmp_path, items=items, interviews=interviews)
    assert report.ok, report.as_text()
    assert Interview.objects.get().consent == "pending"


def test_import_refuses_opening_an_item_whose_stored_interview_lacks_release(tmp_path):
    items = replace_cell(ITEMS, oral_history_row(), "access", "researchers")
    interviews = replace_cell(INTERVIEWS, 2, "consent", "pending")
    assert import_manifest(tmp_path / "first", items=items, interviews=interviews).ok
    # A second manifest of items only opens the oral history to the public.
    opened = replace_cell(ITEMS, oral_history_row(), "access", "public")
    report = run_import(
        csv_manifest(
            tmp_path / "second",
            {k: v for k, v in dict(MANIFEST, items=opened).items() if k != "interviews"},
        )
    )
    [problem] = report.problems
    assert (problem.kind, problem.row, problem.column) == ("items", oral_history_row(), "access")
    assert Item.objects.get(identifier="OH-0001").access_level == "researchers"


def test_the_demos_public_interviews_have_a_release():
    def rows(name):
        with (DEMO_DIR / name).open(encoding="utf-8-sig", newline="") as handle:
            return list(csv.DictReader(handle))

    access = {row["identifier"]: row["access"] or "public" for row in rows("items.csv")}
    public = [row for row in rows("interviews.csv") if access[row["item"]] == "public"]
    assert public, "the demo shows at least one public interview"
    assert all(row["consent"] in ConsentStatus.released() for row in public)
