"""scripts/check_layers.py on small package trees written for each test."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "check_layers.py"


def write_tree(root: Path, files: dict[str, str]) -> Path:
    """Write `files` under `root`, with an empty __init__.py in every package that lacks one."""
    for name, body in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(body), encoding="utf-8")
    for directory in {(root / name).parent for name in files}:
        while directory != root:
            (directory / "__init__.py").touch(exist_ok=True)
            directory = directory.parent
    return root


def check(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), "--root", str(root)],
        capture_output=True,
        text=True,
        check=False,
    )


CLEAN_TREE = {
    "archive_collections/models.py": "ITEM = 1\n",
    "archive_collections/signals.py": """\
        from typing import TYPE_CHECKING

        if TYPE_CHECKING:
            from search.contract import Document
        """,
    "archive_collections/migrations/0002_search.py": "from search import indexing\n",
    "media_pipeline/steps.py": """\
        from archive_collections.models import ITEM
        from . import errors


        def run():
            # pyvips is optional: the step stays importable on machines without libvips.
            from .imaging import open_master

            return open_master(ITEM)
        """,
    "media_pipeline/errors.py": "class StepError(Exception): ...\n",
    "media_pipeline/imaging.py": "from .errors import StepError\n",
    "exhibits/blocks.py": "import media_pipeline.steps\n",
    "search/indexing.py": """\
        from exhibits import blocks
        from media_pipeline.errors import StepError
        """,
    "fixtures/generate_media.py": "from search.indexing import blocks\n",
    "archive_site/orchestration.py": """\
        import search.indexing
        from fixtures import generate_media
        """,
}


def test_a_tree_whose_imports_point_down_passes(tmp_path: Path) -> None:
    result = check(write_tree(tmp_path, CLEAN_TREE))

    assert result.returncode == 0, result.stdout
    assert result.stdout.startswith("check_layers OK:")
    assert "0 upward imports, 0 import cycles, 0 unexplained function-local imports" in (
        result.stdout
    )


def test_an_import_from_a_lower_layer_to_a_higher_one_fails_naming_file_and_line(
    tmp_path: Path,
) -> None:
    tree = {
        **CLEAN_TREE,
        "archive_collections/importer.py": """\
            from archive_collections.models import ITEM
            from search.indexing import StepError
            """,
    }

    result = check(write_tree(tmp_path, tree))

    assert result.returncode == 1
    assert (
        "archive_collections/importer.py:2: upward import archive_collections.importer"
        " -> search.indexing (archive_collections is below search)"
    ) in result.stdout
    assert "check_layers FAILED" in result.stdout
    assert "1 upward imports" in result.stdout


def test_only_the_orchestration_layer_may_use_the_demo_fixtures(tmp_path: Path) -> None:
    tree = {**CLEAN_TREE, "exhibits/demo.py": "from fixtures.generate_media import blocks\n"}

    result = check(write_tree(tmp_path, tree))

    assert result.returncode == 1
    assert "exhibits/demo.py:1: upward import exhibits.demo -> fixtures.generate_media" in (
        result.stdout
    )


def test_an_import_under_type_checking_is_not_an_edge_but_its_else_branch_is(
    tmp_path: Path,
) -> None:
    tree = {
        **CLEAN_TREE,
        "media_pipeline/results.py": """\
            import typing

            if typing.TYPE_CHECKING:
                from exhibits.blocks import Block
            else:
                from search import indexing
            """,
    }

    result = check(write_tree(tmp_path, tree))

    assert "exhibits.blocks" not in result.stdout
    expected = "results.py:6: upward import media_pipeline.results -> search.indexing"
    assert expected in result.stdout


def test_a_cycle_through_relative_and_function_local_imports_is_printed(tmp_path: Path) -> None:
    tree = {
        **CLEAN_TREE,
        "media_pipeline/tasks.py": "from .ocr import step\n",
        "media_pipeline/ocr/step.py": """\
            def run():
                # the task module imports this one at load time.
                from ..tasks import process

                return process
            """,
    }

    result = check(write_tree(tmp_path, tree))

    assert result.returncode == 1
    assert (
        "media_pipeline: import cycle media_pipeline.ocr.step -> media_pipeline.tasks"
        " -> media_pipeline.ocr.step"
    ) in result.stdout
    assert "media_pipeline/ocr/step.py:3: media_pipeline.ocr.step -> media_pipeline.tasks" in (
        result.stdout
    )
    assert "media_pipeline/tasks.py:1: media_pipeline.tasks -> media_pipeline.ocr.step" in (
        result.stdout
    )
    assert "1 import cycles" in result.stdout


def test_a_name_imported_from_a_package_is_an_edge_to_its_init(tmp_path: Path) -> None:
    tree = {
        **CLEAN_TREE,
        "search/engines/__init__.py": "from .database import DatabaseEngine\nDEFAULT = 'db'\n",
        "search/engines/database.py": "from . import DEFAULT\n\nclass DatabaseEngine: ...\n",
    }

    result = check(write_tree(tmp_path, tree))

    assert "search: import cycle search.engines -> search.engines.database -> search.engines" in (
        result.stdout
    )


def test_a_submodule_imported_from_its_package_is_an_edge_to_the_submodule(
    tmp_path: Path,
) -> None:
    tree = {
        **CLEAN_TREE,
        "search/engines/__init__.py": "from . import database\n",
        "search/engines/database.py": "import search.engines.base\n",
        "search/engines/base.py": "",
    }

    result = check(write_tree(tmp_path, tree))

    assert result.returncode == 0, result.stdout


def test_a_function_local_first_party_import_needs_a_comment_saying_why(tmp_path: Path) -> None:
    tree = {
        **CLEAN_TREE,
        "exhibits/records.py": """\
            def fetch():
                import json

                from archive_collections.models import ITEM  # noqa: PLC0415

                return json, ITEM


            def explained():
                from archive_collections import models  # the app registry is not ready yet

                return models
            """,
    }

    result = check(write_tree(tmp_path, tree))

    assert result.returncode == 1
    assert (
        "exhibits/records.py:4: function-local import of archive_collections.models in"
        " exhibits.records with no comment saying why"
    ) in result.stdout
    assert "records.py:10" not in result.stdout
    assert "1 unexplained function-local imports" in result.stdout


def test_a_file_that_does_not_parse_fails_the_check_instead_of_hiding_its_imports(
    tmp_path: Path,
) -> None:
    tree = {**CLEAN_TREE, "search/views.py": "from search import indexing\ndef broken(:\n"}

    result = check(write_tree(tmp_path, tree))

    assert result.returncode == 1
    assert "unreadable files (1):\nsearch/views.py:2:" in result.stdout
