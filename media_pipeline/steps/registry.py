"""The ordered list of processing steps, checked when it is built.

A step registered twice, or without a usable version, would silently be skipped or rerun for
every file; the registry refuses it at construction (the app's `ready()` builds it), with a
message naming the step.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from ..errors import StepRegistrationError
from .base import Step


class StepRegistry:
    """Steps in the order they run; look one up by name with `registry["ocr"]`."""

    def __init__(self, steps: Iterable[Step] = ()) -> None:
        self._steps: dict[str, Step] = {}
        for step in steps:
            self.register(step)

    def register(self, step: Step) -> Step:
        """Append `step` after the ones already registered."""
        name = _checked_name(step)
        if name in self._steps:
            raise StepRegistrationError(
                f"Processing step “{name}” is registered twice "
                f"({self._steps[name]!r} and {step!r}); step names must be unique."
            )
        _check_version(name, step)
        self._steps[name] = step
        return step

    def __iter__(self) -> Iterator[Step]:
        return iter(list(self._steps.values()))

    def __len__(self) -> int:
        return len(self._steps)

    def __contains__(self, name: object) -> bool:
        return name in self._steps

    def __getitem__(self, name: str) -> Step:
        return self._steps[name]

    def names(self) -> list[str]:
        return list(self._steps)

    def version(self, name: str) -> int:
        """The current version of step `name`, 0 for a step that is not registered."""
        step = self._steps.get(name)
        return step.version if step else 0


def _checked_name(step: object) -> str:
    if not isinstance(step, Step):
        raise StepRegistrationError(
            f"{step!r} is not a processing step: subclass media_pipeline.steps.base.Step."
        )
    name = getattr(step, "name", None)
    if not isinstance(name, str) or not name.isidentifier():
        raise StepRegistrationError(
            f"Processing step {step.__class__.__name__} has no valid name ({name!r}); "
            "set `name` to a short identifier such as “ocr”."
        )
    return name


def _check_version(name: str, step: Step) -> None:
    version = getattr(step, "version", None)
    if version is None:
        raise StepRegistrationError(
            f"Processing step “{name}” declares no version; set `version = 1` on "
            f"{step.__class__.__name__} and bump it whenever its output changes."
        )
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise StepRegistrationError(
            f"Processing step “{name}” has an invalid version {version!r}; "
            "versions are whole numbers from 1."
        )
