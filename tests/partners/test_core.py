"""The contribution's life through the shared services: submitted staff-only, sent back, changed,
approved with an access level, every step logged; scope keeps organisations apart."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError

from archive_collections.models import Scientist
from archive_collections.models.choices import AccessLevel
from archive_site.partners import deciding, scope, submitting
from archive_site.partners.models import MemberRole, Membership, Organisation, Status

pytestmark = pytest.mark.django_db


def _submission(scientist, title="案例"):
    return submitting.Submission(
        kind="case",
        title=title,
        licence="cc-by-4.0",
        source_statement="自采",
        scientists=[scientist],
    )


def _world(users):
    """A scientist, a contributor of a local association and an editor of a national society."""
    scientist = Scientist.objects.create(name="钱学森")
    org = Organisation.objects.create(
        name="陕西省科协", code="sxkx", kind="association", region="61"
    )
    other = Organisation.objects.create(
        name="中国力学学会", code="cstam", kind="society", region="00"
    )
    user = users.objects.create_user("c1", password="x")
    stranger = users.objects.create_user("c2", password="x")
    membership = Membership.objects.create(user=user, organisation=org)
    Membership.objects.create(user=stranger, organisation=other, role=MemberRole.EDITOR)
    return scientist, user, stranger, membership


def test_a_case_is_private_until_approved_and_every_step_is_logged(django_user_model):
    scientist, user, stranger, membership = _world(django_user_model)
    contribution = submitting.create(membership, _submission(scientist))
    assert contribution.item.access_level == AccessLevel.STAFF
    assert contribution.item.identifier == "GJ-SXKX-00001"
    assert contribution.item.series.identifier.endswith("-GJ")
    assert list(scope.own_contributions(user)) == [contribution]
    assert not scope.own_contributions(stranger).exists()
    assert not scope.can_see_files(stranger, contribution)

    reviewer = django_user_model.objects.create_superuser("r", password="x")
    deciding.request_changes(contribution, reviewer, "请补充来源")
    with pytest.raises(ValidationError):
        deciding.approve(contribution, reviewer, AccessLevel.PUBLIC)
    submitting.update(contribution, user, _submission(scientist, "案例（修改）"))
    contribution = deciding.approve(contribution, reviewer, AccessLevel.PUBLIC)
    contribution.item.refresh_from_db()
    assert contribution.status == Status.APPROVED
    assert contribution.item.access_level == AccessLevel.PUBLIC
    assert contribution.item.title == "案例（修改）"
    assert [e.action for e in contribution.events.all()] == [
        "submitted",
        "changes",
        "edited",
        "approved",
    ]
    with pytest.raises(ValidationError):
        deciding.reject(contribution, reviewer, "迟到的拒绝")


def test_the_record_opens_to_its_contributor_and_reviewers_only(client, django_user_model):
    scientist, user, stranger, membership = _world(django_user_model)
    contribution = submitting.create(membership, _submission(scientist, "待审案例"))
    url = contribution.item.get_absolute_url()
    assert client.get(url).status_code == 404
    client.force_login(stranger)
    assert client.get(url).status_code == 404
    client.force_login(user)
    assert "待审案例" in client.get(url).content.decode()
    curator = django_user_model.objects.create_user("cur", password="x")
    curator.groups.add(Group.objects.get(name="策展人"))
    client.force_login(curator)
    assert client.get(url).status_code == 200
    deciding.reject(contribution, curator, "与主题无关")
    client.logout()
    assert client.get(url).status_code == 404


def test_a_member_opens_many_records_for_one_query(django_user_model, django_assert_num_queries):
    scientist, user, stranger, membership = _world(django_user_model)
    records = [
        submitting.create(membership, _submission(scientist, f"案例{n}")).item for n in "123"
    ]
    user = django_user_model.objects.get(pk=user.pk)  # a fresh request's user
    scope.membership_of(user)
    opens = scope.record_opener(user)
    with django_assert_num_queries(1):
        assert all(opens(record) for record in records)
    assert not scope.record_opener(stranger)(records[0])


def test_the_next_identifier_follows_the_organisations_highest_number(django_user_model):
    scientist, user, stranger, membership = _world(django_user_model)
    first = submitting.create(membership, _submission(scientist, "一"))
    own = _submission(scientist, "自编档号")
    own.identifier = "GJ-SXKX-9A"  # a contributor's own identifier under the prefix
    submitting.create(membership, own)
    first.item.identifier = "GJ-SXKX-00041"
    first.item.save(update_fields=["identifier"])
    assert submitting.create(membership, _submission(scientist, "二")).item.identifier == (
        "GJ-SXKX-00042"
    )
