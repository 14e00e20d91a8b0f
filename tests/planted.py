"""A realistic corpus with concepts of known trajectories planted in it.

``../shared/tools/make_corpus.py`` writes realistic digests (real skeletons,
real table rows). This module then gives them page dates spread evenly over
2023–2024 (eight quarters, all over by the time the tests run, so the window
is 2024 Q3 – 2024 Q4 by definition) and plants theme bullets:

* ``planted rising``  — on 3 % of the documents before the window, 25 % inside it;
* ``planted new``     — on none before, 15 % inside;
* ``planted fading``  — on 25 % before, 2 % inside;
* ``planted steady``  — on 30 % throughout;

plus a signal named ``Planted emerging signal`` in three documents of the
window, and ``Planted weak signal`` (relevancy 5) in one.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import subprocess
import sys
from pathlib import Path

from tests.conftest import shared_dir

WINDOW_START = dt.date(2024, 7, 1)
FIRST_DAY = dt.date(2023, 1, 1)
DAYS = 731  # 2023-01-01 .. 2024-12-31
RISING, NEW, FADING, STEADY = "planted rising", "planted new", "planted fading", "planted steady"
#: theme -> (share before the window, share inside it)
PLANTED = {
    RISING: (0.03, 0.25),
    NEW: (0.0, 0.15),
    FADING: (0.25, 0.02),
    STEADY: (0.30, 0.30),
}
EMERGING = "Planted emerging signal"
WEAK = "Planted weak signal"
_DATE = re.compile(r"(\[)(\d{8})([^\]]*\]\(https?://[^)]*/p/)(\d{8})")


def _add_themes(text: str, themes: list[str]) -> str:
    bullets = "".join(f"* {theme}\n" for theme in themes)
    if "\n## Themes\n" in text:
        return text.replace("\n## Themes\n", f"\n## Themes\n\n{bullets}", 1)
    return text.rstrip("\n") + f"\n\n## Themes\n\n{bullets}"


def _rename_first_signal(text: str, name: str, relevancy: str | None = None) -> str | None:
    """Give the first row of the Signals table another name (and relevancy); None if no table."""
    lines = text.split("\n")
    try:
        start = lines.index("## Signals")
    except ValueError:
        return None
    rows = [i for i in range(start, len(lines)) if lines[i].lstrip().startswith("|")]
    if len(rows) < 3 or rows[2] != rows[0] + 2:
        return None
    header = [c.strip().casefold() for c in lines[rows[0]].strip().strip("|").split("|")]
    cells = lines[rows[2]].strip().strip("|").split("|")
    if len(cells) != len(header):
        return None
    cells[0] = f" {name} "
    if relevancy is not None:
        if header[-1] not in ("relevancy", "relevance"):
            return None
        cells[-1] = f" {relevancy} "
    lines[rows[2]] = "|" + "|".join(cells) + "|"
    return "\n".join(lines)


def make_planted_corpus(folder: Path, count: int = 800, seed: int = 11) -> Path:
    """Write ``count`` generated digests with the planted concepts into ``folder``."""
    tool = shared_dir() / "tools" / "make_corpus.py"
    subprocess.run(
        [
            sys.executable,
            str(tool),
            "--out",
            str(folder),
            "--count",
            str(count),
            "--seed",
            str(seed),
            str(shared_dir() / "corpus"),
        ],
        check=True,
        capture_output=True,
    )
    rng = random.Random(seed)
    emerging_left, weak_left = 3, 1
    for i, path in enumerate(sorted(folder.glob("*.md"))):
        text = path.read_text(encoding="utf-8")
        day = FIRST_DAY + dt.timedelta(days=i * DAYS // count)
        stamp = day.strftime("%Y%m%d")
        text, dated = _DATE.subn(rf"\g<1>{stamp}\g<3>{stamp}", text, count=1)
        inside = day >= WINDOW_START
        themes = [
            theme
            for theme, (before, after) in PLANTED.items()
            if rng.random() < (after if inside else before)
        ]
        if dated and themes:
            text = _add_themes(text, themes)
        if dated and inside and (emerging_left or weak_left):
            planted = None
            if emerging_left:
                planted = _rename_first_signal(text, EMERGING)
                emerging_left -= planted is not None
            elif weak_left:
                planted = _rename_first_signal(text, WEAK, "5")
                weak_left -= planted is not None
            text = planted or text
        path.write_text(text, encoding="utf-8")
    if emerging_left or weak_left:
        raise RuntimeError("could not plant the signals: too few documents with a Signals table")
    return folder
