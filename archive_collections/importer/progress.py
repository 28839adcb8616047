"""Progress reporting for the importer's two long passes (validating, writing).

The importer asks a `Progress` factory for one bar per pass; the default shows nothing, and the
management commands pass `tqdm_progress` for a terminal bar on standard error.
"""

from __future__ import annotations

import sys
from typing import Protocol

from django.utils.translation import gettext as _
from tqdm import tqdm


class Bar(Protocol):
    def update(self, n: int = 1) -> object: ...

    def close(self) -> None: ...


class Progress(Protocol):
    def __call__(self, total: int, description: str) -> Bar: ...


class _NoBar:
    def update(self, n: int = 1) -> None:
        pass

    def close(self) -> None:
        pass


def no_progress(total: int, description: str) -> Bar:
    return _NoBar()


def tqdm_progress(total: int, description: str) -> Bar:
    bar: Bar = tqdm(
        total=total,
        desc=description,
        unit=_("rows"),
        file=sys.stderr,
        dynamic_ncols=True,
        leave=False,
    )
    return bar
