"""The failures a processing step can report: the bottom of the pipeline, importing nothing of it.

- `StepError`: an expected failure (a damaged scan, a missing master); the message is shown to
  curators and the file is marked FAILED naming the step.
- `TransientStepError`: a failure that may go away by itself (storage or network down, the
  database busy); the file is retried with backoff instead (media_pipeline/retry.py).
- `StepRegistrationError`: a pipeline assembled wrongly (a step twice, a missing version); raised
  when the registry is built, so the site refuses to start rather than skip or rerun a step.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured


class StepError(Exception):
    """An expected failure of a processing step; the message is shown to curators."""


class TransientStepError(Exception):
    """A step stopped for a reason worth retrying; carries the step name for the message."""

    def __init__(self, step: str, cause: BaseException):
        super().__init__(describe(cause))
        self.step = step


class StepRegistrationError(ImproperlyConfigured):
    """The step registry was given an invalid step; the message names it."""


def describe(exc: BaseException) -> str:
    """`ClassName: message`, or the class name alone when the exception has no message."""
    return f"{exc.__class__.__name__}: {exc}" if str(exc) else exc.__class__.__name__
