"""Creating and editing archive records through the admin's forms, with revisions."""

import pytest
from django.urls import reverse
from wagtail.models import Revision
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from archive_collections.models import Interview, Item, Scientist, Series
from tests.factories import (
    InterviewFactory,
    ItemFactory,
    ScientistFactory,
    SeriesFactory,
    TranscriptSegmentFactory,
)

pytestmark = pytest.mark.django_db


def url(model, view, *args):
    return reverse(model.snippet_viewset.get_url_name(view), args=args)


def item_form_data(series, **overrides):
    data = {
        "identifier": "QXS-0100",
        "title": "留学期间的笔记",
        "item_type": "manuscript",
        "series": series.pk,
        "level": "item",
        "position": 3,
        "date_text": "约1936年",
        "creators": "钱学森",
        "description": "",
        "subjects": "空气动力学, 笔记",
        "places": "",
        "language": "zh-Hans",
        "extent": "12页",
        "provenance": "",
        "rights_statement": "http://rightsstatements.org/vocab/InC/1.0/",
        "access_level": "researchers",
        "embargo_until": "",
    }
    data.update(overrides)
    return data


def test_create_item_through_add_form_records_a_revision(admin_client, superuser):
    series = SeriesFactory()
    response = admin_client.post(url(Item, "add"), item_form_data(series))
    assert response.status_code == 302, response.context["form"].errors
    item = Item.objects.get(identifier="QXS-0100")
    assert (item.series, item.access_level, item.date_precision) == (series, "researchers", "year")
    assert item.date_approximate and item.date_start.year == 1936
    assert set(item.subjects.names()) == {"笔记", "空气动力学"}
    revision = Revision.objects.for_instance(item).get()
    assert revision.user == superuser


def test_add_form_refuses_an_unreadable_date_with_the_reason(admin_client):
    series = SeriesFactory()
    response = admin_client.post(url(Item, "add"), item_form_data(series, date_text="明年春天"))
    assert response.status_code == 200
    assert "明年春天" in str(response.context["form"].errors["date_text"])
    assert not Item.objects.filter(identifier="QXS-0100").exists()


def test_add_item_form_is_prefilled_from_the_tree_link(admin_client):
    series = SeriesFactory()
    response = admin_client.get(url(Item, "add"), {"series": series.pk})
    assert response.context["form"]["series"].value() == series.pk


def test_add_sub_series_link_places_it_in_the_parent_fonds(admin_client):
    parent = SeriesFactory()
    form = admin_client.get(url(Series, "add"), {"parent": parent.pk}).context["form"]
    assert (form["parent"].value(), form["fonds"].value()) == (parent.pk, parent.fonds_id)


def scientist_form_data(scientist, names):
    return nested_form_data(
        {
            "identifier": scientist.identifier,
            "name": scientist.name,
            "name_pinyin": scientist.name_pinyin,
            "gender": "male",
            "birth_date_text": "1911年12月11日",
            "birth_year": 1911,
            "birth_place": "上海",
            "death_date_text": "",
            "death_year": "",
            "death_place": "",
            "summary": "",
            "biography": rich_text("<p>中国航天事业奠基人。</p>"),
            "portrait": "",
            "names": inline_formset(names),
            "honours": inline_formset([{"title": "中国科学院学部委员", "year": 1957}]),
            "affiliations": inline_formset([]),
            "relations": inline_formset([]),
        }
    )


def test_edit_scientist_with_an_inline_name_variant(admin_client):
    scientist = ScientistFactory(name="钱学森", identifier="qian-xuesen")
    data = scientist_form_data(
        scientist, [{"name": "Tsien Hsue-shen", "kind": "wade_giles", "note": ""}]
    )
    response = admin_client.post(url(Scientist, "edit", scientist.pk), data)
    assert response.status_code == 302, response.context["form"].errors
    scientist.refresh_from_db()
    assert [(n.name, n.kind) for n in scientist.names.all()] == [("Tsien Hsue-shen", "wade_giles")]
    assert [h.title for h in scientist.honours.all()] == ["中国科学院学部委员"]
    assert "航天" in scientist.biography
    assert Revision.objects.for_instance(scientist).count() == 1


def test_history_view_lists_the_edit(admin_client):
    scientist = ScientistFactory(name="钱学森", identifier="qian-xuesen")
    admin_client.post(url(Scientist, "edit", scientist.pk), scientist_form_data(scientist, []))
    response = admin_client.get(url(Scientist, "history", scientist.pk))
    assert response.status_code == 200
    assert len(response.context["object_list"]) >= 1


def test_edit_forms_render_for_every_record_type(admin_client):
    interview = InterviewFactory()
    TranscriptSegmentFactory(interview=interview, start_ms=3_723_000, end_ms=3_725_000)
    item, series = interview.item, interview.item.series
    for model, pk in [
        (Scientist, interview.interviewee.pk),
        (Series, series.pk),
        (Item, item.pk),
        (Interview, interview.pk),
    ]:
        response = admin_client.get(url(model, "edit", pk))
        assert response.status_code == 200, model
    assert "01:02:03" in response.content.decode()  # transcript start shown as a timecode


def interview_form_data(item, interviewee):
    return nested_form_data(
        {
            "item": item.pk,
            "interviewee": interviewee.pk,
            "interviewers": "采集小组",
            "interview_date": "2010-05-04",
            "place": "北京",
            "language": "zh-Hans",
            "dialect": "",
            "duration_ms": 60000,
            "consent": "signed",
            "consent_note": "",
            "transcript": inline_formset(
                [
                    {
                        "start_ms": 0,
                        "end_ms": 4500,
                        "speaker": "受访人",
                        "text": "我小时候在上海读书。",
                    }
                ]
            ),
            "index_segments": inline_formset(
                [
                    {
                        "start_ms": 0,
                        "title": "童年",
                        "synopsis": "",
                        "keywords": "",
                        "partial_transcript": "",
                    }
                ]
            ),
        }
    )


def test_interview_needs_an_oral_history_item(admin_client):
    letter = ItemFactory(item_type="letter")
    scientist = letter.series.fonds.scientist
    response = admin_client.post(url(Interview, "add"), interview_form_data(letter, scientist))
    assert response.status_code == 200
    assert [e.code for e in response.context["form"].errors.as_data()["item"]] == [
        "not_oral_history"
    ]
    assert not Interview.objects.exists()


def test_create_interview_with_transcript_and_index(admin_client):
    recording = ItemFactory(item_type="oral_history")
    scientist = recording.series.fonds.scientist
    response = admin_client.post(url(Interview, "add"), interview_form_data(recording, scientist))
    assert response.status_code == 302, response.context["form"].errors
    interview = Interview.objects.get(item=recording)
    assert [s.text for s in interview.transcript.all()] == ["我小时候在上海读书。"]
    assert [s.title for s in interview.index_segments.all()] == ["童年"]
