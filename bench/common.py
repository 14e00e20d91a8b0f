"""Helpers shared by the benchmarks: corpora, timing, reporting."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"


def shared_dir() -> Path:
    """``$SEEDSCOPE_SHARED``, else ``../shared`` next to the checkout, else /work/shared."""
    if os.environ.get("SEEDSCOPE_SHARED"):
        return Path(os.environ["SEEDSCOPE_SHARED"])
    sibling = ROOT.parent / "shared"
    return sibling if sibling.is_dir() else Path("/work/shared")


def generated_corpus(folder: Path, count: int) -> Path:
    """A realistic corpus from ../shared/tools/make_corpus.py (deterministic)."""
    if folder.is_dir() and len(list(folder.glob("*.md"))) == count:
        return folder
    tool = shared_dir() / "tools" / "make_corpus.py"
    subprocess.run(
        [
            sys.executable,
            str(tool),
            "--out",
            str(folder),
            "--count",
            str(count),
            str(shared_dir() / "corpus"),
        ],
        check=True,
        capture_output=True,
    )
    return folder


def median_seconds(action: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


#: A row as benchmarks write it: (measure, value, target, verdict). The verdict is
#: ``verdict(ok)`` (optionally followed by a note: ``f"{verdict(ok)} (journal)"``)
#: or a bool; on a row without a target it is a free note, shown for reference.
Row = tuple[str, str, str, str | bool]

PASS, FAIL = "ok", "MISSED"


@dataclass(frozen=True)
class Result:
    """One line of the final table: a measure, its target and whether it was met."""

    bench: str
    measure: str
    value: str
    target: str
    passed: bool | None  # None: no target, shown for reference
    note: str = ""


#: Every row reported since the last :func:`reset`, in order: ``python -m bench``
#: prints them as one table at the end and fails when one missed its target.
_RESULTS: list[Result] = []


def judge(bench: str, row: Row) -> Result:
    """A reported row as a :class:`Result`: the verdict read, never guessed.

    A row with a target must carry ``verdict(ok)`` or a bool; anything else
    counts as missed, so a typo cannot turn into a silent pass.
    """
    measure, value, target, said = row
    if isinstance(said, bool):
        return Result(bench, measure, value, target, said)
    text = said.strip()
    for word, passed in ((PASS, True), (FAIL, False)):
        if text == word or text.startswith(word + " "):
            return Result(bench, measure, value, target, passed, text[len(word) :].strip())
    if not target:
        return Result(bench, measure, value, target, None, text)
    note = f"no verdict for this target (got {text!r})"
    return Result(bench, measure, value, target, False, note)


def report(name: str, rows: list[Row], data: dict) -> None:
    """Record (measure, value, target, verdict) rows and save the raw figures.

    The rows join the one table ``python -m bench`` prints when every benchmark
    has run; the figures go to ``bench/results/<name>-<time>.json``.
    """
    _RESULTS.extend(judge(name, row) for row in rows)
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    path = RESULTS / f"{name}-{stamp}.json"
    path.write_text(json.dumps(data, indent=2, default=str))
    print(f"{name}: {len(rows)} measures (figures saved to {_shown(path)})", flush=True)


def record(result: Result) -> None:
    """Add a row that no benchmark reported (e.g. one that crashed)."""
    _RESULTS.append(result)


def results() -> list[Result]:
    return list(_RESULTS)


def reset() -> None:
    _RESULTS.clear()


def verdict(ok: bool) -> str:
    return PASS if ok else FAIL


def table(rows: list[Result]) -> str:
    """The results as one Markdown table: readable in a terminal, pastable in a note."""
    header = ("benchmark", "measure", "target", "result", "pass/fail", "note")
    shown = {True: "pass", False: "FAIL", None: "-"}
    lines = [header] + [
        (r.bench, r.measure, r.target or "-", r.value, shown[r.passed], r.note) for r in rows
    ]
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]

    def fmt(cells: tuple[str, ...]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([fmt(lines[0]), rule, *(fmt(line) for line in lines[1:])])


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)
