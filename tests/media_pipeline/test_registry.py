"""The step registry: refused misregistrations, failures named by step, and adding a step."""

from __future__ import annotations

import io

import pytest

from media_pipeline import runner, signals
from media_pipeline.errors import StepRegistrationError
from media_pipeline.ingest import ingest_fileobj
from media_pipeline.models import FileStatus, ItemFile
from media_pipeline.results import StepResult, TechnicalResult
from media_pipeline.steps import registry
from media_pipeline.steps.base import Step
from media_pipeline.steps.fixity import FixityStep
from media_pipeline.steps.registry import StepRegistry
from media_pipeline.steps.technical import TechnicalStep
from tests.factories import ItemFactory

from . import samples


class PageCount(Step):
    """A throwaway step: it reads the technical step's output through its typed accessor."""

    name = "page_count"
    version = 1

    def applies_to(self, item_file: ItemFile) -> bool:
        return item_file.is_image

    def run(self, item_file: ItemFile) -> StepResult:
        return _Counted(len(TechnicalResult.of(item_file.technical).image_pages()))


class _Counted:
    def __init__(self, pages: int) -> None:
        self.pages = pages

    def contribution(self) -> dict[str, object]:
        return {"page_count": {"pages": self.pages}}


class Explodes(Step):
    name = "explodes"
    version = 1

    def run(self, item_file: ItemFile) -> StepResult:
        raise RuntimeError("the tool crashed")


class NoVersion(Step):
    name = "unversioned"

    def run(self, item_file: ItemFile) -> StepResult:
        raise AssertionError("never run")


def test_the_pipeline_runs_its_steps_in_this_order():
    assert registry.names() == [
        "fixity",
        "technical",
        "derivatives",
        "iiif",
        "av",
        "pdf_text",
        "ocr",
    ]


def test_a_step_registered_twice_is_refused_naming_it():
    with pytest.raises(StepRegistrationError, match="“fixity” is registered twice"):
        StepRegistry([FixityStep(), TechnicalStep(), FixityStep()])


def test_a_step_without_a_version_is_refused_naming_it():
    with pytest.raises(StepRegistrationError, match="“unversioned” declares no version"):
        StepRegistry([NoVersion()])


@pytest.mark.parametrize("version", [0, -1, "2", 1.5, True])
def test_a_step_with_an_invalid_version_is_refused(version):
    step = PageCount()
    step.version = version
    with pytest.raises(StepRegistrationError, match="“page_count” has an invalid version"):
        StepRegistry([step])


def test_something_that_is_not_a_step_is_refused():
    with pytest.raises(StepRegistrationError, match="not a processing step"):
        StepRegistry([object()])  # type: ignore[list-item]


@pytest.mark.django_db
def test_adding_a_step_is_one_class_and_one_registry_line(ingest):
    item_file = ingest(ItemFactory(), samples.multipage_tiff(), "pages.tif")
    pipeline = StepRegistry([FixityStep(), TechnicalStep(), PageCount()])

    assert runner.process(item_file.pk, pipeline).status == FileStatus.DONE
    item_file.refresh_from_db()
    assert item_file.technical["page_count"] == {"pages": 2}
    record = item_file.technical["steps"]["page_count"]
    assert (record["status"], record["version"], record["sha256"]) == ("done", 1, item_file.sha256)


@pytest.mark.django_db
def test_a_step_that_does_not_apply_is_recorded_as_done_without_running(ingest):
    item_file = ingest(ItemFactory(), samples.pdf_bytes(), "a.pdf")
    pipeline = StepRegistry([FixityStep(), PageCount()])

    assert runner.process(item_file.pk, pipeline).status == FileStatus.DONE
    item_file.refresh_from_db()
    assert "page_count" not in item_file.technical
    assert item_file.technical["steps"]["page_count"]["status"] == "done"


@pytest.mark.django_db
def test_an_unexpected_exception_marks_the_file_failed_naming_the_step(
    ingest, django_capture_on_commit_callbacks
):
    item_file = ingest(ItemFactory(), samples.image_bytes(), "a.jpg")
    received = []

    def on_processed(**kwargs):
        received.append(kwargs)

    signals.file_processed.connect(on_processed, weak=False)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            outcome = runner.process(item_file.pk, StepRegistry([FixityStep(), Explodes()]))
    finally:
        signals.file_processed.disconnect(on_processed)

    assert outcome.status == FileStatus.FAILED
    item_file.refresh_from_db()
    assert item_file.status == FileStatus.FAILED
    assert item_file.error == "Step “explodes” failed: RuntimeError: the tool crashed"
    assert item_file.technical["steps"]["explodes"]["status"] == "failed"
    assert item_file.worker == ""
    assert [(r["item_file_id"], r["status"]) for r in received] == [
        (item_file.pk, FileStatus.FAILED)
    ]


@pytest.mark.django_db
def test_a_finished_file_is_announced_once(media_root, django_capture_on_commit_callbacks):
    received = []

    def on_processed(**kwargs):
        received.append(kwargs)

    signals.file_processed.connect(on_processed, weak=False)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            item_file = ingest_fileobj(ItemFactory(), io.BytesIO(samples.pdf_bytes()), "a.pdf")
    finally:
        signals.file_processed.disconnect(on_processed)

    assert received == [
        {
            "signal": signals.file_processed,
            "sender": ItemFile,
            "item_file_id": item_file.pk,
            "item_id": item_file.item_id,
            "status": FileStatus.DONE,
        }
    ]


@pytest.mark.django_db
def test_an_empty_registry_is_used_as_given_not_replaced_by_the_default(ingest):
    item_file = ingest(ItemFactory(), samples.pdf_bytes(), "a.pdf")
    ItemFile.objects.filter(pk=item_file.pk).update(technical={})
    assert runner.process(item_file.pk, StepRegistry()).status == FileStatus.DONE
    item_file.refresh_from_db()
    assert item_file.technical == {}  # no step ran, so nothing was recorded
