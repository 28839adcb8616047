"""The admin in Chinese shows no English: every admin view of the product, rendered for a curator
whose language is the site's default (zh-Hans), is searched for English interface text.

The views are enumerated from the URL resolver, not listed by hand: every admin route whose view
or model belongs to one of our apps, the bulk actions registered for our models, the add, edit
and history views of every exhibit page type, and the Wagtail screens curators start from (the
dashboard, the page explorer). A route whose arguments the table below cannot fill fails the run,
so a new view is checked as soon as it exists.

What counts as untranslated, in the text a curator reads (text nodes, including those a script
reveals later such as the autosave indicator, and the title, placeholder, aria-label and alt
attributes; not <script> data nor other attributes):
- a msgid of our catalogue (locale/zh_Hans/LC_MESSAGES/django.po), or of Wagtail's and Django's
  catalogues, that zh-Hans leaves untranslated;
- one of WAGTAIL_STRINGS, the English a curator reported seeing.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from tempfile import TemporaryDirectory

import pytest
from bs4 import BeautifulSoup, NavigableString
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation
from django.utils.translation import templatize
from django.utils.translation.trans_real import DjangoTranslation
from wagtail.admin.views.bulk_action.registry import bulk_action_registry
from wagtail.models import Page, RevisionMixin

from archive_collections.models import (
    AccessRequest,
    Discipline,
    Fonds,
    Interview,
    Item,
    Scientist,
    Series,
)
from archive_site.oversight.models import Term
from archive_site.partners import submitting
from archive_site.partners.models import Contribution, Membership, Organisation
from exhibits.models import (
    ChapterPage,
    Credit,
    ExhibitionIndexPage,
    ExhibitionPage,
    HomePage,
    ScientistStoryPage,
    StandardPage,
    TeacherResourcePage,
)
from media_pipeline.microvideo.models import MicroVideo, QuoteCard
from media_pipeline.models import ItemFile
from tests.factories import InterviewFactory, ItemFactory, TranscriptSegmentFactory
from tests.pages import ensure_site, publish

pytestmark = pytest.mark.django_db

OUR_APPS = ("archive_collections", "media_pipeline", "exhibits", "search", "archive_site")
OUR_CATALOGUE = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"

# English a curator reported in the Chinese admin (Wagtail's own strings): never again.
WAGTAIL_STRINGS = [
    re.compile(r"\b\d+\s+Pages?\b"),
    re.compile(r"Autosave is paused"),
    re.compile(r"could not be created"),
    re.compile(r"could not be saved"),
]
# Attributes a curator reads; every other attribute is data for scripts or styles.
READ_ATTRIBUTES = ("title", "placeholder", "aria-label", "alt")
# Text in English letters that is not interface: Wagtail's key names in its shortcuts dialog, the
# name of Wagtail's tree root (a page title, data), the sample superuser's name.
NOT_INTERFACE = {"Ctrl", "Esc", "Root", "admin", "Wagtail"}
# English that Wagtail 8 writes into its templates without gettext, so no catalogue can reach it:
# text -> where. Only screen readers meet these; a template of ours replaces the rest
# (archive_site/templates/wagtailadmin/).
WAGTAIL_HARD_CODED = {
    "Search": "the hidden submit button of the dashboard's search (wagtailadmin/home.html)",
    "None": "the side panel toggle's hidden comment counter until a script fills in a number",
}
# What a modal's JSON holds for people to read; its other keys ("step", ids, URLs) are data.
MODAL_TEXT_KEYS = ("html", "title", "message", "error_message")
# Routes that render nothing to read, with the reason.
NOT_RENDERED = {
    "media_pipeline_job_status": "JSON numbers of one user's running job; its labels are in "
    "the item edit view, which is rendered",
    "media_pipeline_job_status_by_key": "the same JSON progress, found by the job's key",
    "partners_member_chooser:chosen": "JSON of the account a curator picked as an organisation's "
    "member (its username); the chooser's modal and the organisation's form are rendered",
    "collections_import_problems": "a CSV of the problems of the import in the session (404 "
    "without one); its headings are the importer's, tested with the import",
}


# Sample records --------------------------------------------------------------------------------


@dataclass
class Samples:
    objects: dict[type[models.Model], models.Model]
    pages: dict[type[Page], Page]

    def of(self, model: type[models.Model]) -> models.Model | None:
        for known, obj in {**self.objects, **self.pages}.items():
            if issubclass(known, model) or issubclass(model, known):
                return obj
        return None


def exhibit_pages() -> dict[type[Page], Page]:
    home = ensure_site()
    index = publish(home, ExhibitionIndexPage(title="专题展览", slug="exhibitions"))
    exhibition = publish(index, ExhibitionPage(title="科学家的足迹", slug="exhibition"))
    pages = [
        HomePage.objects.get(pk=home.pk),
        index,
        exhibition,
        publish(exhibition, ChapterPage(title="第一章", slug="chapter", period_label="1949")),
        publish(exhibition, ScientistStoryPage(title="科学家的故事", slug="story")),
        publish(
            home,
            TeacherResourcePage(
                title="教学资源", slug="resource", grade_band="junior", subject="物理"
            ),
        ),
        publish(home, StandardPage(title="关于本站", slug="about")),
    ]
    return {type(page): page for page in pages}


def _partner_samples(scientist) -> dict[type[models.Model], models.Model]:
    """An organisation with a contributor and one contribution awaiting review."""
    organisation = Organisation.objects.create(
        name="陕西省科协", code="sx-61", kind="association", region="61"
    )
    # Sample data in Latin letters would read as untranslated English.
    user = get_user_model().objects.create_user("投稿人甲")
    membership = Membership.objects.create(user=user, organisation=organisation)
    submission = submitting.Submission(
        kind="case",
        title="讲座案例",
        licence="cc-by-4.0",
        source_statement="自采",
        scientists=[scientist],
    )
    return {Organisation: organisation, Contribution: submitting.create(membership, submission)}


@pytest.fixture
def samples(superuser) -> Samples:
    interview = InterviewFactory(item__access_level="researchers")
    TranscriptSegmentFactory(interview=interview)
    item = ItemFactory(series=interview.item.series, item_type="photograph", title="合影")
    item_file = ItemFile.objects.create(
        item=item,
        sequence=1,
        master="scan-1.jpg",
        original_filename="合影.jpg",
        sha256="0" * 64,
        size=100,
        mime_type="image/jpeg",
        status="failed",
    )
    objects: dict[type[models.Model], models.Model] = {
        Scientist: interview.interviewee,
        Fonds: item.series.fonds,
        Series: item.series,
        Item: item,
        Interview: interview,
        Discipline: Discipline.objects.create(name="力学"),
        Credit: Credit.objects.create(name="中国科学院"),
        ItemFile: item_file,
        Term: Term.objects.create(term="中科院", preferred="中国科学院", kind="name"),
        # bulk_create: saving one queues its render or drawing, which these views do not need.
        MicroVideo: MicroVideo.objects.bulk_create(
            [MicroVideo(title="一分钟", interview=interview, start_ms=0, end_ms=1000)]
        )[0],
        QuoteCard: QuoteCard.objects.bulk_create(
            [QuoteCard(interview=interview, quote="科学没有国界，科学家有祖国。")]
        )[0],
        AccessRequest: AccessRequest.objects.create(
            user=superuser, item=interview.item, purpose="研究口述历史的整理方法。"
        ),
        **_partner_samples(interview.interviewee),
    }
    for obj in objects.values():
        if isinstance(obj, RevisionMixin):  # history and compare views need two revisions
            obj.save_revision(user=superuser)
            obj.save_revision(user=superuser)
    return Samples(objects, exhibit_pages())


# The views -------------------------------------------------------------------------------------


def _walk(patterns, namespace: str = "", prefix: str = "") -> Iterator[tuple[str, str, URLPattern]]:
    """(name, route, pattern) of every named URL pattern, the route with its parents' parts."""
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = ":".join(filter(None, [namespace, entry.namespace]))
            yield from _walk(entry.url_patterns, inner, route)
        elif entry.name:
            yield ":".join(filter(None, [namespace, entry.name])), route, entry


def _model_of(pattern: URLPattern) -> type[models.Model] | None:
    callback = pattern.callback
    model = (getattr(callback, "view_initkwargs", None) or {}).get("model") or getattr(
        getattr(callback, "view_class", None), "model", None
    )
    return apps.get_model(model) if isinstance(model, str) else model


def _ours(module: str) -> bool:
    return module.split(".")[0] in OUR_APPS


def our_admin_routes() -> list[tuple[str, URLPattern, type[models.Model] | None]]:
    routes = []
    admin_prefix = reverse("wagtailadmin_home").lstrip("/")
    for name, route, pattern in _walk(get_resolver().url_patterns):
        if not route.startswith(admin_prefix):
            continue
        callback = pattern.callback
        view = getattr(callback, "view_class", callback)
        model = _model_of(pattern)
        if not _ours(view.__module__) and not (model and _ours(model.__module__)):
            continue
        routes.append((name, pattern, model))
    assert routes, "no admin routes of our apps found"
    return routes


def _arguments(name, pattern, model, samples: Samples) -> dict[str, object] | None:
    """The URL arguments for `pattern` from the samples; None if one cannot be filled."""
    route = str(pattern.pattern)
    by_route = {
        "interviews/": Interview,
        "media/item/": Item,
        "media/file/": ItemFile,
        "region-source/": Item,
        "clip-source/": Interview,
        "partner-report/": Organisation,
    }
    owner = model or next((m for key, m in by_route.items() if key in route), None)
    obj = samples.of(owner) if owner else None
    values: dict[str, object] = {}
    for argument in pattern.pattern.regex.groupindex:
        if argument == "pk" and obj is not None:
            values[argument] = obj.pk
        elif argument == "item_pk":
            values[argument] = samples.of(Item).pk
        elif argument == "file_pk":
            values[argument] = samples.of(ItemFile).pk
        elif argument == "page_id":
            values[argument] = samples.of(ChapterPage).pk
        elif argument == "revision_id" and isinstance(obj, RevisionMixin):
            values[argument] = obj.latest_revision_id
        elif argument == "revision_id_a":
            values[argument] = "earliest"
        elif argument == "revision_id_b":
            values[argument] = "latest"
        else:
            return None
    return values


def admin_urls(samples: Samples) -> Iterator[str]:
    unfilled = []
    for name, pattern, model in our_admin_routes():
        if name in NOT_RENDERED or name.split(":")[-1] in NOT_RENDERED:
            continue
        values = _arguments(name, pattern, model, samples)
        if values is None:
            unfilled.append(f"{name} ({pattern.pattern})")
            continue
        yield reverse(name, kwargs=values)
    assert not unfilled, f"admin views whose arguments this test cannot fill: {unfilled}"
    yield reverse("wagtailadmin_home")
    for model, page in samples.pages.items():
        yield reverse("wagtailadmin_pages:edit", args=[page.pk])
        yield reverse("wagtailadmin_pages:history", args=[page.pk])
        yield reverse("wagtailadmin_explore", args=[page.pk])
        parent = page.get_parent()
        meta = model._meta
        if parent.depth > 1:
            yield reverse(
                "wagtailadmin_pages:add", args=[meta.app_label, meta.model_name, parent.pk]
            )
    for model, obj in samples.objects.items():
        meta = model._meta
        for action in bulk_action_registry.get_bulk_actions_for_model(
            meta.app_label, meta.model_name
        ):
            url = reverse(
                "wagtail_bulk_action", args=[meta.app_label, meta.model_name, action.action_type]
            )
            yield f"{url}?id={obj.pk}"


def test_every_exhibit_page_type_has_a_sample(samples):
    page_types = {m for m in apps.get_app_config("exhibits").get_models() if issubclass(m, Page)}
    assert page_types == set(samples.pages)


# What a curator reads ----------------------------------------------------------------------------


def readable_texts(html: str) -> list[str]:
    soup = BeautifulSoup(html, "html.parser")
    for data in soup(["script", "style"]):
        data.decompose()
    # Text nodes only: comments, the doctype and CDATA are NavigableString subclasses.
    texts = [" ".join(s.split()) for s in soup.find_all(string=True) if type(s) is NavigableString]
    for tag in soup.find_all(True):
        texts += [str(tag[a]) for a in READ_ATTRIBUTES if tag.get(a)]
        if tag.name == "input" and tag.get("type") in ("submit", "button") and tag.get("value"):
            texts.append(str(tag["value"]))
    return [t for t in texts if re.search("[A-Za-z]{2}", t)]


def response_html(response) -> str:
    """HTML of a page or of a modal's JSON (Wagtail's choosers answer {"html": ...}); nothing
    of a download (an XLSX or PDF export has no strings a curator reads in the admin)."""
    content_type = response["Content-Type"]
    if not content_type.startswith(("text/html", "application/json")):
        return ""
    body = response.content.decode()
    if content_type.startswith("application/json"):
        strings: list[str] = []

        def collect(value):
            if isinstance(value, str):
                strings.append(value)
            elif isinstance(value, dict):
                [collect(v) for v in value.values()]
            elif isinstance(value, list):
                [collect(v) for v in value]

        collect({k: v for k, v in json.loads(body).items() if k in MODAL_TEXT_KEYS})
        return "\n".join(f"<p>{s}</p>" if "<" not in s else s for s in strings)
    return body


def _po_msgids(path: Path) -> list[tuple[str, str]]:
    """(msgid, msgstr) of a catalogue: singular msgids and their first msgstr."""
    entries = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        if block.lstrip().startswith("#~"):
            continue
        msgid = re.search(r'^msgid ((?:".*"\n?)+)', block, re.M)
        msgstr = re.search(r'^msgstr(?:\[0\])? ((?:".*"\n?)+)', block, re.M)
        if msgid and msgstr:
            unquote = lambda s: "".join(json.loads(x) for x in re.findall(r'".*"', s))  # noqa: E731
            entries.append((unquote(msgid.group(1)), unquote(msgstr.group(1))))
    return [(i, s) for i, s in entries if i]


@cache
def untranslated_english() -> dict[str, str]:
    """English interface strings zh-Hans leaves as they are: msgid -> where it comes from.

    Our catalogue's and every installed Wagtail and Django catalogue's msgids (taken from their
    English .po files), kept when gettext in zh-Hans returns them unchanged and they read as
    English words; too short or code-like ones (placeholders, single words under four letters)
    would match data, so they are left to the reviewers."""
    sources = [OUR_CATALOGUE]
    for config in apps.get_app_configs():
        sources += Path(config.path).glob("locale/en/LC_MESSAGES/django.po")
    found = {}
    with translation.override("zh-hans"):
        for path in sources:
            for msgid, msgstr in _po_msgids(path):
                if "%" in msgid or "{" in msgid or "<" in msgid or len(msgid) < 4:
                    continue
                if not re.fullmatch(r"[A-Za-z][A-Za-z ,.'’?!:()-]*[A-Za-z.?!)]", msgid):
                    continue
                if " " not in msgid and msgid.islower():  # one lowercase word: a code or a key
                    continue
                if path == OUR_CATALOGUE and msgstr and msgid not in msgstr:
                    continue
                if translation.gettext(msgid) == msgid:
                    found.setdefault(msgid, str(path.relative_to(path.parents[3])))
    return found


def english_in(texts: list[str]) -> list[str]:
    problems = []
    catalogue = untranslated_english()
    for text in texts:
        if text in WAGTAIL_HARD_CODED:
            continue
        for pattern in WAGTAIL_STRINGS:
            if pattern.search(text):
                problems.append(text)
        if text in catalogue:
            problems.append(f"{text}  [{catalogue[text]}]")
        elif is_english(text):
            problems.append(text)
    return problems


def is_english(text: str) -> bool:
    """Words only, in English letters, one of three letters or more: a label or sentence no
    catalogue translated (an unmarked string, a field without a verbose name, a code shown raw)."""
    if not re.fullmatch(r"[A-Za-z][A-Za-z ,.'’:;()?!-]*", text):
        return False
    words = re.findall(r"[A-Za-z]+", text)
    return any(len(w) >= 3 for w in words) and not set(words) <= NOT_INTERFACE


# Every string of our source -----------------------------------------------------------

# makemessages' keywords for Python and for templates turned into Python by templatize().
XGETTEXT = [
    "xgettext",
    "--language=Python",
    "--from-code=UTF-8",
    "--keyword=gettext_noop",
    "--keyword=gettext_lazy",
    "--keyword=ngettext_lazy:1,2",
    "--keyword=pgettext:1c,2",
    "--keyword=npgettext:1c,2,3",
    "--keyword=pgettext_lazy:1c,2",
    "--keyword=npgettext_lazy:1c,2,3",
    "--no-location",
    "--output=-",
]


def source_messages() -> list[tuple[str | None, str, str | None]]:
    """(context, msgid, msgid_plural) of every string our apps mark for translation, found the
    way `makemessages` finds them."""
    with TemporaryDirectory() as tmp:
        files = []
        for app in OUR_APPS:
            root = Path(settings.BASE_DIR) / app
            files += [p for p in root.rglob("*.py") if "migrations" not in p.parts]
            for number, template in enumerate(sorted(root.rglob("templates/**/*.html"))):
                work = Path(tmp) / f"{app}-{number}.py"
                work.write_text(
                    templatize(template.read_text(encoding="utf-8"), origin=str(template))
                )
                files.append(work)
        listing = Path(tmp) / "files.txt"
        listing.write_text("\n".join(map(str, files)))
        pot = subprocess.run(
            [*XGETTEXT, f"--files-from={listing}"], capture_output=True, text=True, check=True
        ).stdout
    messages = []
    for block in pot.split("\n\n"):
        fields = {}
        for name in ("msgctxt", "msgid", "msgid_plural"):
            found = re.search(rf'^{name} ((?:".*"\n?)+)', block + "\n", re.M)
            if found:
                fields[name] = "".join(json.loads(x) for x in re.findall(r'".*"', found.group(1)))
        if fields.get("msgid"):
            messages.append((fields.get("msgctxt"), fields["msgid"], fields.get("msgid_plural")))
    return messages


def _translated(context, msgid, plural, ours: set[str]) -> bool:
    if msgid in ours:  # our catalogue has it, even where the Chinese keeps the word (OCR, PDF)
        return True
    if plural:
        many = (
            translation.npgettext(context, msgid, plural, 5)
            if context
            else translation.ngettext(msgid, plural, 5)
        )
        return many != plural
    one = translation.pgettext(context, msgid) if context else translation.gettext(msgid)
    return one != msgid


def test_every_string_of_ours_has_a_chinese_translation():
    """Every string our source marks for translation is in our catalogue (or Wagtail's and
    Django's translate it), so no view, message or e-mail of ours can show it in English."""
    ours = {msgid for msgid, msgstr in _po_msgids(OUR_CATALOGUE) if msgstr}
    messages = source_messages()
    assert len(messages) > 500, "xgettext found too few strings: is it reading our apps?"
    with translation.override("zh-hans"):
        missing = [m for m in messages if not _translated(*m, ours)]
    assert missing == [], "\n".join(json.dumps(m, ensure_ascii=False) for m in missing)


def test_our_catalogue_has_no_empty_translation():
    empty = [msgid for msgid, msgstr in _po_msgids(OUR_CATALOGUE) if not msgstr]
    assert empty == []


@pytest.mark.slow  # renders some 200 admin views: half a minute on two cores
def test_every_admin_view_reads_in_chinese(client, superuser, samples):
    client.force_login(superuser)  # no preferred language: the site's default, zh-Hans
    rendered, problems, failed = [], {}, {}
    for url in admin_urls(samples):
        response = client.get(url)
        if response.status_code in (301, 302, 405):  # POST-only or a step onward
            continue
        if response.status_code != 200:
            failed[url] = response.status_code
            continue
        rendered.append(url)
        english = english_in(readable_texts(response_html(response)))
        if english:
            problems[url] = sorted(set(english))
    assert failed == {}
    assert len(rendered) > 60, rendered
    assert problems == {}, json.dumps(problems, ensure_ascii=False, indent=1)


def test_wagtails_admin_javascript_reads_in_chinese(client, superuser):
    """The strings of Wagtail's admin scripts (its /admin/jsi18n/ catalogue, which reads our
    djangojs.po after Wagtail's own) are all translated."""
    admin_locale = Path(apps.get_app_config("wagtailadmin").path) / "locale"
    catalogue = DjangoTranslation("zh-hans", domain="djangojs", localedirs=[str(admin_locale)])
    source = admin_locale / "en" / "LC_MESSAGES" / "djangojs.po"
    missing = [
        msgid
        for msgid, _ in _po_msgids(source)
        # a plural entry answers ngettext; asked with msgid as the plural, English comes back
        if catalogue.gettext(msgid) == msgid and catalogue.ngettext(msgid, msgid, 5) == msgid
    ]
    assert missing == []
    client.force_login(superuser)
    script = client.get(reverse("wagtailadmin_javascript_catalog")).content.decode()
    assert json.dumps("正在自动保存……")[1:-1] in script or "正在自动保存……" in script


@pytest.mark.django_db
def test_our_words_do_not_rename_wagtails_menus(client, superuser):
    """Our catalogue once gave "Pages" (for pagination) and "Documents" (for an index's count)
    without a context, and Wagtail's sidebar read 分页 and 文档数 on every admin screen. Words
    that mean something else in our templates carry a context; the menus keep Wagtail's."""
    client.force_login(superuser)
    sidebar = client.get(reverse("wagtailadmin_home")).content.decode()
    for menu in ("页面", "文档", "图片"):
        assert json.dumps(menu)[1:-1] in sidebar or menu in sidebar, menu
    for wrong in ("分页", "文档数"):
        assert wrong not in sidebar and json.dumps(wrong)[1:-1] not in sidebar, wrong
    with translation.override("zh-hans"):
        assert translation.pgettext("pagination", "Pages") == "分页"
        assert translation.pgettext("level of description", "File") == "案卷"
        assert translation.gettext("File") == "文件"
