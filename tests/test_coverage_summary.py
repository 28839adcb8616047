"""The coverage lines make test prints: a total, then a line per package (empty ones left out)."""

from tests.coverage_summary import package_of, render


def _file(statements: int, missing: int) -> dict:
    return {"summary": {"num_statements": statements, "missing_lines": missing}}


def test_files_are_folded_into_their_package():
    assert package_of("media_pipeline/iiif/views.py") == "media_pipeline.iiif"
    assert package_of("search/service.py") == "search"


def test_total_line_then_one_line_per_package():
    report = {
        "totals": {"percent_covered": 75.0, "num_statements": 40, "missing_lines": 10},
        "files": {
            "search/service.py": _file(20, 5),
            "search/engines/database.py": _file(10, 5),
            "search/engines/__init__.py": _file(10, 0),
            "search/management/__init__.py": _file(0, 0),
        },
    }
    lines = render("sqlite", report)
    assert lines[0] == "coverage sqlite: 75.0% of 40 statements (10 not run)"
    rows = [line.split() for line in lines[2:]]
    assert rows == [["search", "20", "5", "75.0%"], ["search.engines", "20", "5", "75.0%"]]
