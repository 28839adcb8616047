"""The demo's search index: built once everything is loaded (load_demo calls this)."""

from io import StringIO

from django.core.management import call_command


def build_search_index(log=print) -> None:
    out = StringIO()
    call_command("rebuild_search_index", "--no-progress", stdout=out)
    for line in out.getvalue().splitlines():
        log(line)
