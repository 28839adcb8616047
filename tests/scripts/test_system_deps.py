"""scripts/system-deps.sh waits for another package install's lock instead of failing at once.

apt and dpkg hold fcntl locks on their lock files; the script finds the holder in /proc/locks, so
these tests hold such a lock on a file of their own (APT_LOCK_FILES) and need no root.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "system-deps.sh"
HOLDER = """
import fcntl, sys
lock = open(sys.argv[1], "a")
fcntl.lockf(lock, fcntl.LOCK_EX)
print("locked", flush=True)
sys.stdin.readline()
"""

pytestmark = pytest.mark.skipif(
    not Path("/proc/locks").exists(), reason="the script reads held locks from Linux /proc/locks"
)


@pytest.fixture
def held_lock(tmp_path):
    """A lock file and the process holding it, as another apt run would (released on exit)."""
    path = tmp_path / "lock-frontend"
    path.touch()
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "locked"
    yield path, holder
    if holder.poll() is None:
        holder.communicate("\n", timeout=10)


def _wait_for_lock(path: Path, timeout: int, stderr) -> subprocess.Popen:
    env = {**os.environ, "APT_LOCK_FILES": str(path), "APT_LOCK_TIMEOUT": str(timeout)}
    return subprocess.Popen(
        ["bash", str(SCRIPT), "--wait-for-lock"], env=env, stderr=stderr, text=True
    )


def test_waits_while_the_lock_is_held_naming_the_holder_then_proceeds(held_lock, tmp_path):
    path, holder = held_lock
    messages = tmp_path / "stderr.txt"
    with messages.open("w") as stderr:
        waiting = _wait_for_lock(path, 120, stderr)
        time.sleep(3)
        assert waiting.poll() is None, messages.read_text()  # still waiting, not failed
        said = messages.read_text()
        assert f"process {holder.pid} (python" in said and str(path) in said
        assert "waiting for another package install" in said

        holder.communicate("\n", timeout=10)
        assert waiting.wait(timeout=30) == 0


def test_gives_up_after_the_timeout_with_the_reason(held_lock):
    path, holder = held_lock
    waiting = _wait_for_lock(path, 2, subprocess.PIPE)
    _out, err = waiting.communicate(timeout=60)
    assert waiting.returncode != 0
    assert f"gave up after 2s waiting for another package install: process {holder.pid}" in err


def test_a_free_lock_is_not_waited_for(tmp_path):
    path = tmp_path / "lock-frontend"
    path.touch()
    started = time.monotonic()
    waiting = _wait_for_lock(path, 120, subprocess.PIPE)
    _out, err = waiting.communicate(timeout=60)
    assert (waiting.returncode, err) == (0, "")
    assert time.monotonic() - started < 10


def test_every_apt_get_call_goes_through_the_waiting_wrapper():
    calls = [
        line.strip()
        for line in SCRIPT.read_text().splitlines()
        if re.search(r"\bapt-get\b", line) and not line.lstrip().startswith("#")
    ]
    direct = [c for c in calls if "DPkg::Lock::Timeout" not in c and not c.startswith("echo")]
    assert calls and not direct, direct
    assert re.findall(r"^\s*apt_get (install|update)", SCRIPT.read_text(), re.M)
