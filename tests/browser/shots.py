"""Screenshots kept for an issue's closing note, apart from the run's artifacts."""

from __future__ import annotations

import os
import shutil
from pathlib import Path


def keep(env_var: str, path: Path, name: str) -> None:
    """Copy a screenshot as `name` into the folder the environment variable names, when set."""
    folder = os.environ.get(env_var, "")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(folder) / name)
