"""The public archive pages: what they show, page structure, escaping, stable URLs, queries."""

from html.parser import HTMLParser

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from archive_collections.citations.archival import chinese_citation
from archive_collections.models import (
    ScientistAffiliation,
    ScientistHonour,
    ScientistName,
    ScientistRelation,
)
from archive_collections.views import scientist_relations
from media_pipeline.models import ItemFile
from tests.factories import (
    DisciplineFactory,
    FondsFactory,
    IndexSegmentFactory,
    InterviewFactory,
    ItemFactory,
    ScientistFactory,
    SeriesFactory,
    TranscriptSegmentFactory,
)

pytestmark = pytest.mark.django_db

XSS_SCRIPT = "<script>alert(1)</script>"
XSS_ATTR = '"><img src=x onerror=alert(1)>'


class PageOutline(HTMLParser):
    """What a page is made of: headings, landmarks, labels and every URL it loads."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_title = tag == "title" or self._in_title

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data

    def all(self, tag):
        return [attrs for name, attrs in self.tags if name == tag]

    def loaded_urls(self):
        urls = [attrs.get("src") for _tag, attrs in self.tags if attrs.get("src")]
        # rel=canonical/alternate name a page, they don't load anything.
        urls += [
            attrs.get("href")
            for attrs in self.all("link")
            if attrs.get("rel") not in ("canonical", "alternate")
        ]
        return urls


def outline(response) -> PageOutline:
    parser = PageOutline()
    parser.feed(response.content.decode())
    return parser


def set_m2m(obj, field, values):
    """Parental many-to-many values are written when the cluster is saved."""
    getattr(obj, field).set(values)
    obj.save()


@pytest.fixture
def archive():
    mechanics, physics = DisciplineFactory(name="力学"), DisciplineFactory(name="物理学")
    lin = ScientistFactory(
        identifier="lin-zhiyuan",
        name="林志远",
        birth_date_text="1912年3月5日",
        birth_place="福州",
        death_date_text="2001年",
        death_place="北京",
        summary="力学家，长期从事空气动力学研究",
        biography="<p>早年就读于<b>交通大学</b>。</p>",
    )
    set_m2m(lin, "disciplines", [mechanics, physics])
    ScientistName.objects.create(scientist=lin, name="Lin Chih-yuan", kind="wade_giles")
    ScientistHonour.objects.create(scientist=lin, title="中国科学院学部委员", year=1957)
    ScientistAffiliation.objects.create(
        scientist=lin,
        institution="中国科学院力学研究所",
        role="研究员",
        start_year=1956,
        end_year=1990,
    )
    mentor = ScientistFactory(identifier="zhou-qiming", name="周启明")
    student = ScientistFactory(identifier="chen-xiaofeng", name="陈晓峰")
    partner = ScientistFactory(identifier="wang-lixin", name="王立新")
    set_m2m(partner, "disciplines", [physics])
    ScientistRelation.objects.create(scientist=mentor, other=lin, kind="mentor_of")
    ScientistRelation.objects.create(scientist=lin, other=student, kind="mentor_of")
    ScientistRelation.objects.create(scientist=lin, other=partner, kind="collaborator")
    ScientistRelation.objects.create(scientist=partner, other=lin, kind="collaborator")

    fonds = FondsFactory(
        identifier="F-LIN",
        title="林志远学术成长资料",
        scientist=lin,
        extent="312件",
        scope_content="口述访谈、手稿、书信与照片。",
        custodial_history="由家属捐赠。",
        arrangement="按材料类别分为系列。",
        collecting_institution="中国科学技术协会",
    )
    oral = SeriesFactory(identifier="F-LIN-S1", title="口述资料", fonds=fonds, position=1)
    papers = SeriesFactory(identifier="F-LIN-S2", title="手稿", fonds=fonds, position=2)
    research = SeriesFactory(
        identifier="F-LIN-S2.1", title="科研手稿", fonds=fonds, parent=papers, level="subseries"
    )
    interview = InterviewFactory(
        item__series=oral,
        item__identifier="F-LIN-KS-001",
        item__title="林志远口述访谈（第一次）",
        item__date_text="2012年5月",
        interviewee=lin,
        interviewers="采集小组",
        place="北京",
        dialect="福州话",
    )
    TranscriptSegmentFactory(
        interview=interview, start_ms=0, end_ms=4000, speaker="采访人", text="请您谈谈童年。"
    )
    TranscriptSegmentFactory(
        interview=interview,
        start_ms=65_000,
        end_ms=70_000,
        speaker="林志远",
        text="我在福州长大，家里有很多书。",
    )
    IndexSegmentFactory(interview=interview, start_ms=0, title="童年与求学")
    letter = ItemFactory(
        series=papers,
        identifier="F-LIN-XJ-001",
        title="致周启明的信",
        item_type="letter",
        date_text="约1950年",
        creators="林志远；张某",
        description="谈留学计划。",
        places="上海",
        extent="3页",
        provenance="家属捐赠",
        rights_statement=("http://rightsstatements.org/vocab/InC-EDU/1.0/"),
    )
    set_m2m(letter, "scientists", [lin, mentor])
    letter.subjects.add("留学")
    letter.save()
    draft = ItemFactory(
        series=research, identifier="F-LIN-SG-001", title="边界层理论手稿", date_text="1956—1958"
    )
    audio = ItemFile(
        item=interview.item,
        sequence=1,
        label="访谈录音",
        original_filename="interview-1.mp3",
        sha256="a" * 64,
        size=2048,
        mime_type="audio/mpeg",
    )
    audio.master.save("aa/interview-1.mp3", ContentFile(b"ID3" + b"\0" * 2045), save=True)
    return {
        "lin": lin,
        "mentor": mentor,
        "student": student,
        "partner": partner,
        "fonds": fonds,
        "oral": oral,
        "papers": papers,
        "research": research,
        "interview": interview,
        "letter": letter,
        "draft": draft,
        "audio": audio,
    }


def get_ok(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response


def page_urls(data):
    return [
        reverse("collections:index"),
        reverse("collections:scientists"),
        data["lin"].get_absolute_url(),
        data["fonds"].get_absolute_url(),
        data["papers"].get_absolute_url(),
        data["research"].get_absolute_url(),
        data["letter"].get_absolute_url(),
        data["interview"].item.get_absolute_url(),
        "/",
    ]


# Structure shared by every page ---------------------------------------------------------------


def test_every_page_has_title_description_one_h1_landmarks_and_chinese_lang(client, archive):
    for url in page_urls(archive):
        page = outline(get_ok(client, url))
        assert page.all("html")[0]["lang"] == "zh-Hans", url
        assert page.title.strip(), url
        descriptions = [m for m in page.all("meta") if m.get("name") == "description"]
        assert len(descriptions) == 1 and descriptions[0]["content"].strip(), url
        assert len(page.all("h1")) == 1, url
        for landmark in ("header", "nav", "main", "footer"):
            assert page.all(landmark), (url, landmark)
        assert page.all("a")[0]["href"] == "#main"  # the skip link comes first
        select_ids = {s["id"] for s in page.all("select")}
        label_targets = {label.get("for") for label in page.all("label")}
        assert select_ids <= label_targets, url


def test_pages_load_nothing_from_other_hosts(client, archive):
    for url in page_urls(archive):
        for loaded in outline(get_ok(client, url)).loaded_urls():
            assert not loaded.startswith(("http:", "https:", "//")), (url, loaded)


def test_language_switcher_works_without_javascript(client, archive):
    page = outline(get_ok(client, "/archive/"))
    forms = [f for f in page.all("form") if f.get("action") == reverse("set_language")]
    assert forms and forms[0]["method"] == "post"
    response = client.post(reverse("set_language"), {"language": "en", "next": "/archive/"})
    assert response.status_code == 302 and response["Location"] == "/archive/"
    assert outline(get_ok(client, "/archive/")).all("html")[0]["lang"] == "en"


def test_stylesheet_is_served_from_the_site_and_sets_cjk_typography(client):
    from django.contrib.staticfiles import finders

    css = open(finders.find("css/site.css"), encoding="utf-8").read()
    assert '"Noto Sans CJK SC"' in css and "line-height: 1.8" in css
    assert "text-emphasis" in css and "@media print" in css and ":focus-visible" in css
    assert "url(" not in css and "@import" not in css and "@font-face" not in css


# Archive index ----------------------------------------------------------------------------------


def test_index_counts_by_type_lists_fonds_and_recent_items(client, archive):
    response = get_ok(client, reverse("collections:index"))
    assert response.context["total"] == 3
    counts = {row["code"]: row["count"] for row in response.context["counts_by_type"]}
    assert counts == {"oral_history": 1, "letter": 1, "manuscript": 1}
    [fonds] = response.context["fonds_list"]
    assert fonds.visible_count == 3
    html = response.content.decode()
    assert "林志远学术成长资料" in html and archive["lin"].get_absolute_url() in html
    assert archive["draft"].get_absolute_url() in html


def test_index_renders_with_an_empty_archive(client):
    response = get_ok(client, reverse("collections:index"))
    assert response.context["total"] == 0
    assert len(outline(response).all("h1")) == 1


# Scientists -------------------------------------------------------------------------------------


def test_scientist_list_is_sorted_by_pinyin_and_filters_by_discipline(client, archive):
    response = get_ok(client, reverse("collections:scientists"))
    names = [s.name for s in response.context["page_obj"]]
    assert names == ["陈晓峰", "林志远", "王立新", "周启明"]  # Chen, Lin, Wang, Zhou
    html = response.content.decode()
    assert "Lin Zhiyuan" in html and "1912年3月5日—2001年" in html
    assert "力学家，长期从事空气动力学研究" in html
    filtered = get_ok(client, reverse("collections:scientists") + "?discipline=物理学")
    assert [s.name for s in filtered.context["page_obj"]] == ["林志远", "王立新"]
    assert 'value="物理学" selected' in filtered.content.decode()
    nobody = get_ok(client, reverse("collections:scientists") + "?discipline=天文学")
    assert list(nobody.context["page_obj"]) == []


def test_profile_shows_names_life_honours_institutions_and_biography(client, archive):
    html = get_ok(client, archive["lin"].get_absolute_url()).content.decode()
    for text in [
        "林志远",
        "Lin Zhiyuan",
        "Lin Chih-yuan",
        "1912年3月5日",
        "福州",
        "2001年",
        "北京",
        "力学",
        "物理学",
        "中国科学院学部委员",
        "1957",
        "中国科学院力学研究所",
        "研究员",
        "<b>交通大学</b>",
    ]:
        assert text in html, text


def test_relations_read_as_mentor_and_student_from_either_side(archive):
    lin = {
        g["role"]: [p["scientist"].name for p in g["people"]]
        for g in scientist_relations(archive["lin"])
    }
    assert lin == {"mentor": ["周启明"], "student": ["陈晓峰"], "collaborator": ["王立新"]}
    student = {
        g["role"]: [p["scientist"].name for p in g["people"]]
        for g in scientist_relations(archive["student"])
    }
    assert student == {"mentor": ["林志远"]}
    mentor = {
        g["role"]: [p["scientist"].name for p in g["people"]]
        for g in scientist_relations(archive["mentor"])
    }
    assert mentor == {"student": ["林志远"]}


def test_profile_lists_fonds_and_items_grouped_by_type(client, archive):
    response = get_ok(client, archive["lin"].get_absolute_url())
    assert [f.identifier for f in response.context["fonds_list"]] == ["F-LIN"]
    assert [i.identifier for i in response.context["page_obj"]] == [
        "F-LIN-KS-001",
        "F-LIN-SG-001",
        "F-LIN-XJ-001",
    ]  # oral history, manuscript, letter
    letters = get_ok(client, archive["lin"].get_absolute_url() + "?type=letter")
    assert [i.identifier for i in letters.context["page_obj"]] == ["F-LIN-XJ-001"]
    # The mentor's profile lists the letter that names him although it is in another fonds.
    mentor = get_ok(client, archive["mentor"].get_absolute_url())
    assert [i.identifier for i in mentor.context["page_obj"]] == ["F-LIN-XJ-001"]


def test_profile_paginates_many_items(client, archive):
    ItemFactory.create_batch(40, series=archive["papers"])
    response = get_ok(client, archive["lin"].get_absolute_url())
    assert response.context["page_obj"].paginator.num_pages == 2
    second = get_ok(client, archive["lin"].get_absolute_url() + "?page=2")
    assert len(second.context["page_obj"]) == 43 - 30


# Fonds and series -------------------------------------------------------------------------------


def test_fonds_page_shows_isad_elements_and_the_nested_series_tree(client, archive):
    response = get_ok(client, archive["fonds"].get_absolute_url())
    html = response.content.decode()
    for text in [
        "F-LIN",
        "林志远学术成长资料",
        "1930—2000",
        "312件",
        "口述访谈、手稿、书信与照片。",
        "由家属捐赠。",
        "按材料类别分为系列。",
        "中国科学技术协会",
    ]:
        assert text in html, text
    tree = response.context["tree"]
    assert [node.series.identifier for node in tree] == ["F-LIN-S1", "F-LIN-S2"]
    papers = tree[1]
    assert [child.series.identifier for child in papers.children] == ["F-LIN-S2.1"]
    assert papers.series.visible_count == 1 and papers.total == 2
    assert [i.identifier for i in papers.children[0].items] == ["F-LIN-SG-001"]
    assert response.context["total"] == 3


def test_fonds_tree_lists_the_first_items_and_links_to_the_rest(client, archive):
    ItemFactory.create_batch(25, series=archive["oral"])
    response = get_ok(client, archive["fonds"].get_absolute_url())
    oral = response.context["tree"][0]
    assert len(oral.items) == 20 and oral.more == 6 and oral.total == 26


def test_series_page_has_breadcrumb_subseries_and_paginated_items(client, archive):
    ItemFactory.create_batch(35, series=archive["research"])
    response = get_ok(client, archive["research"].get_absolute_url())
    assert [s.identifier for s in response.context["ancestors"]] == ["F-LIN-S2"]
    html = response.content.decode()
    crumbs = html.split('class="breadcrumb"')[1].split("</nav>")[0]
    assert crumbs.index("林志远学术成长资料") < crumbs.index("手稿") < crumbs.index("科研手稿")
    assert response.context["page_obj"].paginator.count == 36
    assert len(response.context["page_obj"]) == 30
    parent = get_ok(client, archive["papers"].get_absolute_url())
    [child] = parent.context["children"]
    assert child.identifier == "F-LIN-S2.1" and child.visible_count == 36


# Items ------------------------------------------------------------------------------------------


def test_item_page_shows_full_metadata(client, archive):
    html = get_ok(client, archive["letter"].get_absolute_url()).content.decode()
    for text in [
        "F-LIN-XJ-001",
        "致周启明的信",
        "约1950年",
        "1950年1月1日",
        "1950年12月31日",
        "林志远；张某",
        "谈留学计划。",
        "留学",
        "上海",
        "3页",
        "家属捐赠",
        'href="http://rightsstatements.org/vocab/InC-EDU/1.0/"',
        archive["mentor"].get_absolute_url(),
        archive["papers"].get_absolute_url(),
    ]:
        assert text in html, text


def test_item_page_offers_a_stable_url_and_a_chinese_citation(client, archive):
    response = get_ok(client, "/archive/items/F-LIN-XJ-001/")
    assert response.context["stable_url"] == "http://testserver/archive/items/F-LIN-XJ-001/"
    citation = response.context["citation"]
    assert citation.startswith("林志远、张某：《致周启明的信》，约1950年，《林志远学术成长资料》，")
    assert (
        "档号：F-LIN-XJ-001，中国科学技术协会藏。http://testserver/archive/items/F-LIN-XJ-001/"
        in citation
    )
    assert citation.endswith("访问）")
    assert citation in response.content.decode()


def test_citation_without_creators_or_institution(archive):
    from datetime import date

    item = archive["draft"]
    item.series.fonds.collecting_institution = ""
    text = chinese_citation(item, "https://example.org/x/", date(2026, 11, 3))
    assert text == (
        "《边界层理论手稿》，1956—1958，《林志远学术成长资料》，档号：F-LIN-SG-001。"
        "https://example.org/x/（2026年11月3日访问）"
    )


def test_item_page_shows_interview_transcript_and_player(client, archive):
    response = get_ok(client, archive["interview"].item.get_absolute_url())
    html = response.content.decode()
    for text in [
        "采集小组",
        "福州话",
        "童年与求学",
        "00:01:05",
        "林志远",
        "我在福州长大，家里有很多书。",
        "请您谈谈童年。",
        "访谈录音",
        "audio/mpeg",
        "2.0",
    ]:
        assert text in html, text
    master = archive["audio"].master_url
    assert f'<audio controls preload="none" src="{master}"' in html
    assert html.index("请您谈谈童年。") < html.index("我在福州长大")


def test_identifiers_with_dots_and_underscores_resolve(client, archive):
    item = ItemFactory(series=archive["papers"], identifier="LIN_2012.03-a", title="点号档号")
    assert item.get_absolute_url() == "/archive/items/LIN_2012.03-a/"
    assert "点号档号" in get_ok(client, item.get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/archive/items/NO-SUCH-ITEM/",
        "/archive/fonds/NO-SUCH/",
        "/archive/series/NO-SUCH/",
        "/archive/scientists/no-such-person/",
        "/archive/items/a%2Fb/",
        "/no/such/page/",
    ],
)
def test_unknown_addresses_get_the_site_404_page(client, archive, url):
    response = client.get(url)
    assert response.status_code == 404
    page = outline(response)
    assert page.all("html")[0]["lang"] == "zh-Hans" and len(page.all("h1")) == 1
    assert page.all("main") and page.all("a")[0]["href"] == "#main"


# Escaping ---------------------------------------------------------------------------------------


def test_hostile_text_is_escaped_everywhere(client, archive):
    lin = archive["lin"]
    lin.name, lin.summary = f"林{XSS_SCRIPT}", XSS_ATTR
    lin.save()
    for record, field in [
        (archive["letter"], "title"),
        (archive["letter"], "description"),
        (archive["fonds"], "title"),
        (archive["papers"], "title"),
        (archive["draft"], "title"),
    ]:
        setattr(record, field, f"{getattr(record, field)}{XSS_SCRIPT}{XSS_ATTR}")
        record.save()
    for url in page_urls(archive):
        html = get_ok(client, url).content.decode()
        assert XSS_SCRIPT not in html and XSS_ATTR not in html, url
        assert "<img src=x" not in html, url
    letter = get_ok(client, archive["letter"].get_absolute_url()).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in letter
    assert "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in letter


# Home page --------------------------------------------------------------------------------------


def test_home_page_renders_with_no_archive_data(client):
    response = get_ok(client, "/")
    page = outline(response)
    assert len(page.all("h1")) == 1
    html = response.content.decode()
    assert "老科学家学术成长资料采集工程" in html
    assert reverse("collections:index") in html and reverse("collections:scientists") in html


def test_home_page_features_scientists_and_counts_visible_items(client, archive):
    html = get_ok(client, "/").content.decode()
    assert archive["lin"].get_absolute_url() in html and "Lin Zhiyuan" in html
    assert '<span class="stat-list__count">1</span>' in html


# Query counts -----------------------------------------------------------------------------------


def _grow(archive, per_series):
    lin = archive["lin"]
    for series in (archive["oral"], archive["papers"], archive["research"]):
        for sub in range(3):
            child = SeriesFactory(fonds=archive["fonds"], parent=series, title=f"子系列{sub}")
            for item in ItemFactory.create_batch(per_series, series=child):
                set_m2m(item, "scientists", [lin, archive["partner"]])


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        get_ok(client, url)
    return len(ctx.captured_queries)


@pytest.mark.parametrize("page", ["fonds", "profile", "series", "index"])
def test_query_count_does_not_grow_with_the_archive(
    client, archive, page, django_assert_max_num_queries
):
    urls = {
        "fonds": archive["fonds"].get_absolute_url(),
        "profile": archive["lin"].get_absolute_url(),
        "series": archive["papers"].get_absolute_url(),
        "index": reverse("collections:index"),
    }
    _grow(archive, 2)
    small = _queries(client, urls[page])
    _grow(archive, 12)
    assert _queries(client, urls[page]) == small
    with django_assert_max_num_queries(15):
        get_ok(client, urls[page])


def test_item_page_query_count_is_bounded(client, archive, django_assert_max_num_queries):
    with django_assert_max_num_queries(15):
        get_ok(client, archive["interview"].item.get_absolute_url())


def test_portraits_render_from_prefetched_renditions(client, archive):
    from wagtail.models import Collection
    from wagtail_factories import ImageFactory

    root = Collection.get_first_root_node()
    for scientist in (archive["lin"], archive["mentor"], archive["student"]):
        scientist.portrait = ImageFactory(
            title=f"{scientist.name}像", collection=root, file__width=800, file__height=1000
        )
        scientist.save()
    get_ok(client, reverse("collections:scientists"))  # renditions are made on first view
    with CaptureQueriesContext(connection) as ctx:
        html = get_ok(client, reverse("collections:scientists")).content.decode()
    assert html.count('class="card__image"') == 3
    rendition_queries = [q for q in ctx.captured_queries if "rendition" in q["sql"].lower()]
    assert len(rendition_queries) == 1
    profile = get_ok(client, archive["lin"].get_absolute_url()).content.decode()
    assert 'class="profile-head__portrait"' in profile and 'width="360"' in profile


def test_generic_error_pages_use_the_site_layout(rf):
    from django.core.exceptions import PermissionDenied
    from django.views.defaults import permission_denied, server_error

    request = rf.get("/admin-only/")
    denied = permission_denied(request, PermissionDenied())
    assert denied.status_code == 403
    assert len(outline(denied).all("h1")) == 1 and outline(denied).all("main")
    crashed = server_error(request)
    assert crashed.status_code == 500
    page = outline(crashed)
    assert page.all("html")[0]["lang"] == "zh-Hans" and len(page.all("h1")) == 1


def test_interface_speaks_chinese_by_default_and_english_on_request(client, archive):
    html = get_ok(client, archive["student"].get_absolute_url()).content.decode()
    for text in [">首页</a>", ">档案</a>", ">科学家</a>", "<dt>导师</dt>"]:
        assert text in html, text
    mentor = get_ok(client, archive["mentor"].get_absolute_url()).content.decode()
    assert "<dt>学生</dt>" in mentor
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    english = get_ok(client, archive["student"].get_absolute_url()).content.decode()
    assert ">Home</a>" in english and "<dt>Mentor</dt>" in english
