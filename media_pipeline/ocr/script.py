"""One script per page: simplified or traditional, decided from the recognised text.

The recognition model reads both scripts, and on some glyphs (楷书 above all) it reads a
simplified page partly traditional (时→時, 统→統, 来→來, 会→會). A page or block of a document
is written in one script, so the characters that one script alone writes are counted, the
majority decides, and the stray characters of the other script are folded to it, character by
character — never by phrase, which would rewrite words — and only where the character has one
form in the page's script (時 is 时; 髮 and 發 are both 发, but 发 is 發 or 髮, so a stray 发 on a
traditional page stays as read). The tables are OpenCC's (the project's pinned `opencc`,
already used by search). The reading before folding stays on the line (`raw`) for audit.
"""

from __future__ import annotations

import subprocess
import tempfile
from functools import lru_cache
from pathlib import Path

SIMPLIFIED = "simplified"
TRADITIONAL = "traditional"
# A block decides for itself only with at least this many characters of one script alone; with
# fewer, the page's majority holds for it.
MIN_EVIDENCE = 4


@lru_cache(maxsize=1)
def _folds() -> dict[str, tuple[str, str]]:
    """Each character one script alone writes -> (that script, its only form in the other, or
    "" when it has several).

    Read from OpenCC's own character tables (STCharacters: simplified -> traditional forms,
    TSCharacters: the reverse), exported to text once per process with the `opencc_dict` tool
    its wheel ships."""
    import opencc

    clib = Path(opencc.__file__).parent / "clib"
    folds: dict[str, tuple[str, str]] = {}
    with tempfile.TemporaryDirectory(prefix="opencc-") as scratch:
        for name, script in (("STCharacters", SIMPLIFIED), ("TSCharacters", TRADITIONAL)):
            out = Path(scratch) / f"{name}.txt"
            subprocess.run(
                [
                    str(clib / "bin" / "opencc_dict"),
                    *("-i", str(clib / "share" / "opencc" / f"{name}.ocd2")),
                    *("-o", str(out), "-f", "ocd2", "-t", "text"),
                ],
                check=True,
                capture_output=True,
            )
            for line in out.read_text("utf-8").splitlines():
                char, _, forms_text = line.partition("\t")
                forms = forms_text.split()
                if len(char) != 1 or not forms or char in forms:
                    continue  # a character both scripts write (后 is also 后 in traditional)
                only = forms[0] if len(forms) == 1 and len(forms[0]) == 1 else ""
                folds[char] = (script, only)
    return folds


def counterpart(char: str) -> tuple[str, str] | None:
    """(the script the character belongs to alone, its only form in the other script or ""),
    None for a character both scripts write."""
    return _folds().get(char)


def census(texts) -> dict[str, int]:
    """How many characters of each script alone the texts hold."""
    counts = {SIMPLIFIED: 0, TRADITIONAL: 0}
    for text in texts:
        for char in text:
            found = counterpart(char)
            if found:
                counts[found[0]] += 1
    return counts


def majority(counts: dict[str, int], fallback: str | None = None) -> str | None:
    """The script with more characters of its own; `fallback` when too few or even."""
    simplified, traditional = counts[SIMPLIFIED], counts[TRADITIONAL]
    if max(simplified, traditional) < MIN_EVIDENCE or simplified == traditional:
        return fallback
    return SIMPLIFIED if simplified > traditional else TRADITIONAL


def fold(text: str, script: str) -> str:
    """The text with each character of the other script that has an only form in `script`
    turned to that form."""
    out = []
    for char in text:
        found = counterpart(char)
        out.append(found[1] if found and found[0] != script and found[1] else char)
    return "".join(out)
