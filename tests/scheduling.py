"""How pytest-xdist hands out tests here: one at a time, except named groups.

A group's tests run on one worker, so a session fixture they share (the demo's generated media)
is built once per run rather than once per worker; groups are handed out first, largest first,
so the long one does not end the run alone. (pytest-xdist's own ``--dist loadgroup`` renames
node ids in a way pytest 9 ignores, so the groups are given by path here instead of by marker.)
"""

from __future__ import annotations

import pytest
from xdist.scheduler import LoadScopeScheduling  # type: ignore[import-untyped]


def under(nodeid: str, key: str) -> bool:
    """Whether `nodeid` (relative to tests/) is `key` or inside it: a folder, module or test."""
    return nodeid == key or any(nodeid.startswith(key + tail) for tail in ("/", "::", "["))


class GroupScheduling(LoadScopeScheduling):
    def __init__(self, config: pytest.Config, log: object, groups: dict[str, str]) -> None:
        super().__init__(config, log)
        self.groups = groups

    def _split_scope(self, nodeid: str) -> str:
        relative = nodeid.removeprefix("tests/")
        for key, group in self.groups.items():
            if under(relative, key):
                return group
        return nodeid
