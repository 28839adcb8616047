"""The daily audit and special inspections: scope, batching, external links, runs kept."""

import socket
import threading
import time
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from archive_site.oversight.audit import Scope, run_audit
from archive_site.oversight.links import LinkChecker
from archive_site.oversight.models import AuditRun, Finding, Term, TermKind
from archive_site.oversight.tasks import daily_audit
from exhibits.models import ChapterPage, ScientistStoryPage
from tests.factories.catalogue import ScientistFactory
from tests.pages import item_block, publish, stream

from .builders import chapter_with, good_item, text_block

pytestmark = pytest.mark.django_db


def add_chapters(exhibition, count: int, start: int = 0):
    for n in range(start, start + count):
        body = stream(item_block(good_item(rights_statement="")), item_block(good_item()))
        publish(exhibition, ChapterPage(title=f"章{n}", slug=f"c{n}", body=body))


def test_daily_audit_keeps_its_findings_per_run():
    chapter = chapter_with(item_block(good_item(rights_statement="")), text_block("<p>中科院</p>"))
    Term.objects.create(term="中科院", preferred="中国科学院", kind=TermKind.INSTITUTION)
    run = run_audit()
    assert (run.kind, run.status, run.page_count) == ("daily", "done", 4)  # index, exhibition…
    (finding,) = Finding.objects.filter(run=run)  # the term list is for inspections
    assert (finding.kind, finding.page_id, finding.field) == ("rights", chapter.pk, "body")
    second = run_audit()
    assert Finding.objects.filter(run=second).count() == 1 and AuditRun.objects.count() == 2


def test_special_inspection_over_an_exhibition_adds_the_term_list_and_keeps_to_its_scope():
    Term.objects.create(term="中科院", preferred="中国科学院", kind=TermKind.INSTITUTION)
    chapter = chapter_with(text_block("<p>他调入中科院。</p>"))
    exhibition = chapter.get_parent()
    other = publish(exhibition.get_parent(), type(exhibition.specific)(title="另一展", slug="o"))
    publish(other, ChapterPage(title="外章", slug="x", body=stream(text_block("<p>中科院</p>"))))
    run = run_audit(scope=Scope(exhibition_id=exhibition.pk))
    assert run.kind == "special" and run.page_count == 2
    assert "exhibition" in run.scope_label
    (finding,) = Finding.objects.filter(run=run)
    assert (finding.kind, finding.page_id, finding.target) == ("term", chapter.pk, "中科院")


def test_special_inspection_by_scientist_and_by_date():
    scientist = ScientistFactory()
    item = good_item(rights_statement="")
    item.scientists.add(scientist)
    item.save()  # a ParentalManyToManyField writes on save
    chapter = chapter_with(item_block(item))
    story = publish(
        chapter.get_parent(), ScientistStoryPage(title="故事", slug="s", scientist=scientist)
    )
    run = run_audit(scope=Scope(scientist_id=scientist.pk))
    assert run.page_count == 2
    assert set(Finding.objects.filter(run=run).values_list("page_id", flat=True)) == {chapter.pk}
    assert story.pk not in set(Finding.objects.filter(run=run).values_list("page_id", flat=True))
    tomorrow = timezone.localdate() + timedelta(days=1)
    assert run_audit(scope=Scope(published_from=tomorrow)).page_count == 0
    # The home page was made live without being published through a revision: it has no date.
    assert run_audit(scope=Scope(published_to=tomorrow)).page_count == 4


def test_audit_queries_do_not_grow_with_the_number_of_pages():
    chapter = chapter_with(text_block("<p>引言</p>"))
    exhibition = chapter.get_parent()
    add_chapters(exhibition, 3)
    with CaptureQueriesContext(connection) as few:
        small = run_audit()
    add_chapters(exhibition, 12, start=3)
    with CaptureQueriesContext(connection) as many:
        large = run_audit()
    assert (small.finding_count, large.finding_count) == (3, 15)
    assert len(many) == len(few), [q["sql"][:120] for q in many.captured_queries]


@contextmanager
def loopback_server(handler):
    """A TCP server on 127.0.0.1 whose every connection is handed to `handler` in a thread."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    stop = threading.Event()

    def serve():
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                continue
            threading.Thread(target=handler, args=(conn, stop), daemon=True).start()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        thread.join()
        listener.close()


def stall(conn, stop):
    """Accept, read the request, never answer."""
    conn.recv(4096)
    stop.wait(30)
    conn.close()


def trickle(conn, stop):
    """Answer a status line, then one header byte at a time, forever."""
    conn.recv(4096)
    conn.sendall(b"HTTP/1.1 200 OK\r\n")
    while not stop.is_set():
        try:
            conn.sendall(b"X")
        except OSError:
            break
        time.sleep(0.1)
    conn.close()


def ok(conn, stop):
    conn.recv(4096)
    conn.sendall(b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n")
    conn.close()


def test_a_stalling_or_trickling_host_gives_up_after_its_timeout_and_says_why():
    checker = LinkChecker(timeout=0.5, per_host=4)
    with loopback_server(stall) as slow, loopback_server(trickle) as drip:
        started = time.monotonic()
        results = checker.check_all({f"{slow}/a", f"{drip}/b"})
        elapsed = time.monotonic() - started
    assert elapsed < 2.5
    assert not results[f"{slow}/a"].ok and "within 0.5 s" in results[f"{slow}/a"].reason
    assert not results[f"{drip}/b"].ok and "within 0.5 s" in results[f"{drip}/b"].reason


def test_one_host_gets_at_most_its_limit_of_requests_at_a_time():
    checker = LinkChecker(timeout=0.4, per_host=1)
    with loopback_server(stall) as slow:
        started = time.monotonic()
        checker.check_all({f"{slow}/1", f"{slow}/2", f"{slow}/3"})
        elapsed = time.monotonic() - started
    assert elapsed >= 1.1  # three in turn, not at once


def test_the_audit_records_failing_external_links_on_their_pages():
    with loopback_server(stall) as slow, loopback_server(ok) as fine:
        chapter = chapter_with(
            text_block(f'<p><a href="{slow}/gone">慢</a><a href="{fine}/here">好</a></p>')
        )
        run = run_audit(external_links=True, link_checker=LinkChecker(timeout=0.5))
    (finding,) = Finding.objects.filter(run=run)
    assert (finding.kind, finding.page_id) == ("external_link", chapter.pk)
    assert finding.target == f"{slow}/gone" and "within 0.5 s" in finding.message
    assert run.external_links
    assert not run_audit().findings.exists()  # off unless asked


def test_command_and_task_run_the_daily_audit():
    chapter_with(item_block(good_item(rights_statement="")))
    call_command("run_audit", stdout=(out := __import__("io").StringIO()))
    assert "1 findings" in out.getvalue() and "rights: 1" in out.getvalue()
    result = daily_audit.enqueue()
    assert AuditRun.objects.get(pk=result.return_value).finding_count == 1
