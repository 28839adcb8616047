"""The term list: matching through the search's Chinese analysis, and refusing bad entries."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from archive_site.oversight.models import Term, TermKind
from archive_site.oversight.terms import TermMatcher

from .builders import in_english

pytestmark = pytest.mark.django_db


def matcher(*entries):
    return TermMatcher.from_terms(
        Term(term=t, preferred=p, kind=TermKind.VARIANT, note="") for t, p in entries
    )


def found(m, text):
    return [hit.found for hit in m.find(text)]


def test_traditional_and_full_width_forms_are_caught_by_a_simplified_entry():
    m = matcher(("中科院", "中国科学院"))
    assert found(m, "他1956年调入中科院力学所") == ["中科院"]
    assert found(m, "调入中科院") == ["中科院"]  # the same characters in both scripts
    m = matcher(("中国科学院学部委员", "中国科学院院士"))
    assert found(m, "1957年當選中國科學院學部委員") == ["中國科學院學部委員"]


def test_a_variant_entry_flags_the_variant_and_leaves_the_preferred_form_alone():
    m = matcher(("錢學森", "钱学森"))
    assert found(m, "錢學森回国") == ["錢學森"]
    assert found(m, "钱学森回国") == []
    assert found(m, "钱学森和錢學森") == ["錢學森"]


def test_the_term_inside_its_preferred_form_is_not_flagged():
    m = matcher(("科学院", "中国科学院"))
    assert found(m, "中国科学院力学所") == []
    assert found(m, "他到科学院报到") == ["科学院"]


def test_latin_terms_match_regardless_of_case_and_width():
    m = matcher(("Tsien", "钱学森"))
    assert found(m, "H. S. TSIEN and ｔｓｉｅｎ") == ["TSIEN", "ｔｓｉｅｎ"]


def test_an_empty_entry_is_refused():
    with pytest.raises(ValidationError) as error:
        Term(term="  ", preferred="中国科学院", kind=TermKind.INSTITUTION).full_clean()
    assert "cannot be empty" in str(error.value)


def test_a_duplicate_after_normalisation_is_refused_naming_the_entry_it_repeats():
    Term.objects.create(term="錢學森", preferred="钱学森", kind=TermKind.VARIANT)
    for duplicate in ("钱学森", "錢 學 森"):
        with pytest.raises(ValidationError) as error:
            Term(term=duplicate, preferred="钱学森先生", kind=TermKind.NAME).full_clean()
        assert "already on the list as “錢學森”" in str(error.value)


def test_the_snippet_form_refuses_a_duplicate_with_the_message(admin_client, admin_user):
    in_english(admin_user)
    Term.objects.create(term="中科院", preferred="中国科学院", kind=TermKind.INSTITUTION)
    url = reverse(Term.snippet_viewset.get_url_name("add"))
    response = admin_client.post(
        url, {"term": "中科院", "preferred": "中国科学院", "kind": "institution", "note": ""}
    )
    assert response.status_code == 200
    assert "already on the list" in response.content.decode()
    assert Term.objects.count() == 1
    response = admin_client.post(
        url, {"term": "", "preferred": "中国科学院", "kind": "institution", "note": ""}
    )
    assert response.status_code == 200 and Term.objects.count() == 1
