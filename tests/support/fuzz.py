"""``make fuzz``: thousands of mutated real digests, checked and timed.

    python -m tests.support.fuzz [--mutants 20000] [--seed 1]

Each mutant (see :mod:`tests.support.mutations`) must keep every invariant
and parse within the bound of issue 10: one second per MB, with a floor of
:data:`FLOOR_SECONDS` for small files (markdown-it-py alone takes 5 to 30 ms
for a 5 KB digest that needs it, which is 1 to 6 s per MB at that size).
Prints the slowest inputs and writes them to ``bench/results/fuzz/`` to
replay; exits 1 if any mutant broke a promise or the bound.
"""

from __future__ import annotations

import argparse
import random
import sys
import time

from loaders import parse_bytes
from tests.conftest import ROOT, shared_dir
from tests.support.mutations import mutate, violations

SECONDS_PER_MB = 1.0
FLOOR_SECONDS = 0.1
SLOWEST = 10


def parse_seconds(data: bytes) -> float:
    begin = time.perf_counter()
    parse_bytes(data, doc_id="m", path="m.md")
    return time.perf_counter() - begin


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.support.fuzz", description=__doc__)
    parser.add_argument("--mutants", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    digests = sorted((shared_dir() / "corpus").glob("*.md"))
    texts = [path.read_text(encoding="utf-8") for path in digests]

    timings: list[tuple[float, int, int, bytes]] = []  # seconds, mutant number, size, bytes
    broken: list[tuple[int, str, list[str]]] = []
    started = time.perf_counter()
    for number in range(args.mutants):
        rng = random.Random(args.seed * 1_000_003 + number)
        which = rng.randrange(len(texts))
        data = mutate(rng, texts[which])
        seconds = parse_seconds(data)
        bound = max(FLOOR_SECONDS, SECONDS_PER_MB * len(data) / 1e6)
        if seconds > bound:  # the parse, or the machine? the fastest of three says
            seconds = min(seconds, parse_seconds(data), parse_seconds(data))
        timings.append((seconds, number, len(data), data))
        timings = sorted(timings, reverse=True)[:SLOWEST]
        try:
            found = violations(data)
        except Exception as exc:  # the first promise: nothing raises
            found = [f"raised {type(exc).__name__}: {exc}"]
        if seconds > bound:
            found.append(f"parsed in {seconds:.3f} s, over the bound")
        if found:
            broken.append((number, digests[which].name, found))
        if (number + 1) % 1000 == 0:
            print(f"{number + 1:,} mutants, {len(broken)} broken", file=sys.stderr, flush=True)
    elapsed = time.perf_counter() - started
    keep = ROOT / "bench" / "results" / "fuzz"
    keep.mkdir(parents=True, exist_ok=True)
    print(f"\n{args.mutants:,} mutants in {elapsed:.0f} s; slowest parses:")
    print(f"{'mutant':>8}  {'size':>9}  {'seconds':>8}  {'s/MB':>6}  file")
    for seconds, number, size, data in timings:
        path = keep / f"mutant-{args.seed}-{number}.md"
        path.write_bytes(data)
        print(
            f"{number:>8}  {size:>9,}  {seconds:>8.4f}  {seconds / (size / 1e6):>6.2f}  "
            f"{path.relative_to(ROOT)}"
        )
    for number, name, found in broken[:20]:
        print(f"mutant {number} of {name}: {'; '.join(found)}")
    print(f"{len(broken)} of {args.mutants:,} mutants broke a promise")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
