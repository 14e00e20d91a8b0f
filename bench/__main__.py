"""``python -m bench [NAME ...]``: run benchmarks, print one table, fail on a missed target.

A benchmark is a module ``bench/<name>_bench.py`` with a ``run(docs, keep)``
function that calls :func:`bench.common.report`; it is found by its file name,
so a new one needs no registration here. With no name, every benchmark runs.
The exit status is 1 when any target was missed (or a benchmark crashed),
so ``make bench`` fails the same way a test would.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import traceback
from collections.abc import Callable, Mapping
from pathlib import Path

from bench import common

SUFFIX = "_bench"

Runner = Callable[..., object]


def discover(folder: Path = Path(__file__).parent) -> list[str]:
    """Names of the benchmarks in ``folder``: ``loaders`` for ``loaders_bench.py``."""
    return sorted(path.stem.removesuffix(SUFFIX) for path in folder.glob(f"*{SUFFIX}.py"))


def load(name: str) -> Runner:
    """The ``run`` function of ``bench/<name>_bench.py`` (imported only when it runs)."""
    module = importlib.import_module(f"bench.{name}{SUFFIX}")
    run = getattr(module, "run", None)
    if not callable(run):
        raise TypeError(f"bench/{name}{SUFFIX}.py has no run(docs, keep) function")
    return run


def run_all(names: list[str], benches: Mapping[str, Runner] | None, docs: int, keep: bool) -> None:
    """Run each benchmark in turn; a crash becomes a failed row, the others still run."""
    for name in names:
        before = len(common.results())
        try:
            run = benches[name] if benches is not None else load(name)
            run(docs=docs, keep=keep)
        except Exception as error:
            traceback.print_exc()
            common.record(
                common.Result(name, "benchmark ran", "crashed", "runs", False, _one_line(error))
            )
            continue
        if len(common.results()) == before:
            common.record(
                common.Result(name, "benchmark ran", "no rows", "reports", False, "no report()")
            )


def main(argv: list[str] | None = None, benches: Mapping[str, Runner] | None = None) -> int:
    names = sorted(benches) if benches is not None else discover()
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "which", nargs="*", metavar="NAME", help=f"benchmarks to run (default all: {names})"
    )
    parser.add_argument("--docs", type=int, default=10_000, help="size of the generated corpus")
    parser.add_argument("--keep", action="store_true", help="keep the generated corpus and caches")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and stop")
    args = parser.parse_args(argv)
    if args.list:
        print("\n".join(names))
        return 0
    unknown = [name for name in args.which if name not in names and name != "all"]
    if unknown:
        parser.error(f"no benchmark named {', '.join(unknown)} (there are: {', '.join(names)})")
    chosen = names if not args.which or "all" in args.which else list(dict.fromkeys(args.which))

    common.reset()
    run_all(chosen, benches, args.docs, args.keep)
    rows = common.results()
    print()
    print(common.table(rows))
    missed = [row for row in rows if row.passed is False]
    met = sum(row.passed is True for row in rows)
    if missed:
        print(f"\n{len(missed)} of {len(missed) + met} targets missed.")
        return 1
    print(f"\nAll {met} targets met.")
    return 0


def _one_line(error: BaseException) -> str:
    text = f"{type(error).__name__}: {error}"
    return text.splitlines()[0] if text else type(error).__name__


if __name__ == "__main__":
    sys.exit(main())
