"""The oversight admin: reports with counts by kind and their exports, the special inspection
form, the dashboard panel, and who may see them."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from archive_site.oversight.audit import run_audit
from archive_site.oversight.models import AuditRun, Term, TermKind
from tests.pages import item_block

from .builders import chapter_with, good_item, in_english, text_block

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderator(django_user_model):
    user = django_user_model.objects.create_user("审核员", password="pw")
    user.groups.add(Group.objects.get(name="Moderators"))
    return in_english(user)


@pytest.fixture
def curator(django_user_model):
    user = django_user_model.objects.create_user("策展人甲", password="pw")
    user.groups.add(Group.objects.get(name="策展人"))
    return in_english(user)


@pytest.fixture
def audited():
    Term.objects.create(term="中科院", preferred="中国科学院", kind=TermKind.INSTITUTION)
    chapter = chapter_with(
        item_block(good_item(rights_statement="")),
        item_block(good_item(access_level="staff")),
        text_block("<p>中科院</p>"),
    )
    return chapter, run_audit()


def test_findings_report_counts_by_kind_and_links_each_to_its_fix(audited, moderator, client):
    chapter, run = audited
    client.force_login(moderator)
    response = client.get(reverse("oversight:findings"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Record the public cannot see" in html and "No rights statement" in html
    assert f"?run={run.pk}&amp;kind=rights" in html
    assert f"/admin/pages/{chapter.pk}/edit/" in html
    filtered = client.get(reverse("oversight:findings"), {"run": run.pk, "kind": "rights"})
    assert "No rights statement" in filtered.content.decode()
    assert "cannot see" not in filtered.context["object_list"][0].message


def test_findings_export_as_csv_and_xlsx(audited, moderator, client):
    _chapter, run = audited
    client.force_login(moderator)
    csv = client.get(reverse("oversight:findings"), {"run": run.pk, "export": "csv"})
    text = b"".join(csv.streaming_content).decode("utf-8-sig")
    heading, *rows = text.splitlines()
    assert len(heading.split(",")) == 6 and len(rows) == 2
    assert any("has no rights statement" in row for row in rows)
    xlsx = client.get(reverse("oversight:findings"), {"run": run.pk, "export": "xlsx"})
    assert xlsx["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )


def test_runs_listing_and_dashboard_panel(audited, moderator, client):
    client.force_login(moderator)
    runs = client.get(reverse("oversight:runs")).content.decode()
    assert "Daily audit" in runs and "New special inspection" in runs
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Latest audit: worst findings" in home
    # worst first: the hidden record comes before the missing rights
    assert home.index("is not public") < home.index("has no rights statement")


def test_special_inspection_form_runs_over_the_chosen_exhibition(audited, moderator, client):
    chapter, _run = audited
    client.force_login(moderator)
    url = reverse("oversight:inspect")
    assert client.get(url).status_code == 200
    refused = client.post(url, {})
    assert "Choose a scope" in refused.content.decode()
    response = client.post(url, {"exhibition": chapter.get_parent().pk})
    run = AuditRun.objects.filter(kind="special").get()
    assert response.status_code == 302 and response.url.endswith(f"?run={run.pk}")
    assert sorted(run.findings.values_list("kind", flat=True)) == [
        "hidden_record",
        "rights",
        "term",
    ]


def test_curators_see_neither_findings_nor_inspections(audited, curator, client):
    client.force_login(curator)
    for name in ("oversight:findings", "oversight:runs", "oversight:inspect"):
        response = client.get(reverse(name))
        assert response.status_code in (302, 403), name
        assert "is not public" not in response.content.decode()
    assert client.post(reverse("oversight:inspect"), {"query": "中科院"}).status_code in (302, 403)
    assert not AuditRun.objects.filter(kind="special").exists()
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Latest audit" not in home
    # …but they keep the term list
    assert client.get(reverse(Term.snippet_viewset.get_url_name("list"))).status_code == 200
