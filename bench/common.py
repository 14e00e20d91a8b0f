"""Helpers shared by the benchmarks: corpora, timing, reporting."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
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


def report(name: str, rows: list[tuple[str, str, str, str]], data: dict) -> None:
    """Print a table of (measure, value, target, verdict) and save the raw figures."""
    width = max(len(r[0]) for r in rows)
    print(f"\n== {name} ==")
    for measure, value, target, verdict in rows:
        print(f"{measure:<{width}}  {value:>14}  target {target:<12} {verdict}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    path = RESULTS / f"{name}-{stamp}.json"
    path.write_text(json.dumps(data, indent=2, default=str))
    print(f"(figures saved to {path.relative_to(ROOT)})")


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"
