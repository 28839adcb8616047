"""The demo's search indexes: built once everything is loaded (load_demo calls this)."""

from io import StringIO

from django.core.management import call_command


def build_search_index(log=print) -> None:
    out = StringIO()
    call_command("rebuild_search_index", "--no-progress", stdout=out)
    for line in out.getvalue().splitlines():
        log(line)
    # Wagtail's own index (admin search, page and image choosers): its signal handlers index
    # each page and image as the demo saves it, but a database loaded before the Chinese-aware
    # backend (search/wagtail_db_backend.py) keeps entries of the stock one until rebuilt.
    call_command("update_index", verbosity=0, stdout=StringIO())
