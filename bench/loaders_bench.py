"""Loader speed and memory, each against a fixed reference, on generated corpora.

Corpora are made from ../shared/corpus by ../shared/tools/make_corpus.py at
5,000 and 10,000 documents. The rows:

* cold build vs the naive baseline (per document: markdown-it-py render, then
  ``pandas.read_html``), both on ONE core (``workers=1``), in documents per
  second: target >= 25x, at each size (median of three builds);
* the gain from a second worker, on its own line (target >= 1.5x), with what
  explains it: the CPU time spent outside the workers, how busy the workers
  were, the CPU time the hypervisor took from this VM (steal) and the load
  average (other processes competing for the two CPUs: with an idle second
  CPU two workers build 10,000 documents in about half the time of one);
* refresh through the dashboard's change journal, nothing changed and one
  file changed, vs the one-core cold build: target >= 50x each;
* the one-shot command line, ``python -m loaders`` as a person runs it
  (interpreter start included), nothing changed and one file changed: each
  within 1 s at 10,000 documents;
* peak RSS of a cold build (the build process and its workers): <= 600 MB;
* the loaded Corpus in memory vs the seed files' bytes: <= 1x;
* pathological documents (a megabyte of ``[`` in a cell, 200 KB of ``![``,
  a 5 MB line of pipes, 20 MB that need the full parser): each under 1 s per MB.
"""

from __future__ import annotations

import contextlib
import io
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import pandas as pd
from markdown_it import MarkdownIt

from bench.common import ROOT, generated_corpus, median_seconds, report, shared_dir, verdict
from loaders import BuildReport, build_cache, parse_bytes, read_cache
from loaders.live import LiveCache

SIZES = (5_000, 10_000)
#: A real digest the pathological documents are made from.
DIGEST = "0063cd88c0d4ecadd54d7e5413f95ac0.md"


def naive_docs_per_second(files: list[Path]) -> float:
    md = MarkdownIt("commonmark").enable("table")
    started = time.perf_counter()
    for path in files:
        html = md.render(path.read_text(encoding="utf-8"))
        with warnings.catch_warnings(), contextlib.suppress(ValueError):  # ValueError: no table
            warnings.simplefilter("ignore")
            pd.read_html(io.StringIO(html))
    return len(files) / (time.perf_counter() - started)


def revised(text: str) -> str:
    """An analyst's edit: a bullet and a table row reworded, so every table of the
    document's shard changes (no refresh can get away with rewriting less)."""
    lines = text.split("\n")
    for at, line in enumerate(lines):
        if line.startswith(("* ", "- ")):
            lines[at] = line[:2] + "revised " + line[2:]
            break
    for at, line in enumerate(lines[2:], start=2):
        above = lines[at - 1]  # the delimiter row: this is the first data row
        if line.startswith("|") and "-" in above and set(above) <= set("|-: "):
            lines[at] = line.replace("| ", "| revised ", 1)
            break
    return "\n".join(lines)


def steal_ticks() -> int:
    """CPU time the hypervisor gave to other guests (all CPUs, in clock ticks)."""
    with open("/proc/stat", encoding="ascii") as fh:
        fields = fh.readline().split()
    return int(fields[8]) if len(fields) > 8 else 0


def cold_builds(seeds: Path, cache: Path, workers: int, repeat: int = 3) -> dict:
    """Median wall time of cold builds, and where the time went in the last one."""
    walls, outside, child_cpu, steal = [], 0.0, 0.0, 0
    for _ in range(repeat):
        shutil.rmtree(cache, ignore_errors=True)
        ticks, children = steal_ticks(), os.times()
        started = time.perf_counter()
        build_cache(seeds, cache, workers=workers)
        walls.append(time.perf_counter() - started)
        after = os.times()
        steal = steal_ticks() - ticks
        child_cpu = (after.children_user - children.children_user) + (
            after.children_system - children.children_system
        )
        outside = (after.user - children.user) + (after.system - children.system)
    wall = statistics.median(walls)
    return {
        "load": os.getloadavg()[0],  # other work on this machine competes for the CPUs
        "wall": wall,
        "walls": walls,
        "workers_cpu": child_cpu,  # 0 with one worker: it all runs in this process
        "main_cpu": outside,
        "steal_s": steal / os.sysconf("SC_CLK_TCK"),
    }


def cli_seconds(seeds: Path, cache: Path, before: Callable[[], None], repeat: int = 5) -> float:
    """Median wall time of ``python -m loaders`` as a person runs it."""
    times = []
    for _ in range(repeat):
        before()
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "loaders", str(seeds), "--cache", str(cache)],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        times.append(time.perf_counter() - started)
    return statistics.median(times)


#: Runs a command and prints the largest RSS (KiB) of its process tree: this
#: process's own children only, so nothing run earlier by the benchmark counts.
_PEAK_OF = (
    "import resource, subprocess, sys; "
    "subprocess.run(sys.argv[1:], check=True, capture_output=True); "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)


def build_peak_rss_mb(seeds: Path, cache: Path) -> float:
    """Max RSS of a cold build run as its own process (workers included).

    Measured in a fresh parent: ``RUSAGE_CHILDREN`` of the benchmark itself
    would also hold whatever it ran before (a Streamlit server, Chromium).
    """
    shutil.rmtree(cache, ignore_errors=True)
    build = [sys.executable, "-m", "loaders", str(seeds), "--cache", str(cache)]
    done = subprocess.run(
        [sys.executable, "-c", _PEAK_OF, *build],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return int(done.stdout.split()[-1]) / 1024


def pathological_documents(digest: str) -> dict[str, str]:
    """The inputs of issue 10 that once stalled a build, made from a real digest."""
    lines = digest.split("\n")
    row = next(i for i, line in enumerate(lines) if line.startswith("| ") and "-" in lines[i - 1])

    def with_row(text: str) -> str:
        return "\n".join([*lines[:row], text, *lines[row + 1 :]])

    body = "".join(
        f"| Row {i:07d} | {'x' * 160} | change | outcome | force | 3 |\n" for i in range(100_000)
    )
    table = (
        "| name | description | change | 10-year | driving-force | relevancy |\n"
        "|---|---|---|---|---|---|\n"
    )
    return {
        "1 MB of '[' in a cell": with_row("| a | " + "[" * 1_000_000 + " | b | c | d | 3 |"),
        "200 KB of '![' in a cell": with_row("| a | " + "![" * 100_000 + " | b | c | d | 3 |"),
        "a 5 MB line of pipes": with_row(lines[row] + "|" * 5_000_000),
        # the quote sits in the table's own section: only chunking keeps it cheap
        "20 MB with a quote by its big table": digest
        + "\n## Extra\n\n> a quote\n\n"
        + table
        + body,
    }


def worst_seconds_per_mb(text: str) -> float:
    data = text.encode("utf-8")
    started = time.perf_counter()
    parse_bytes(data, doc_id="p", path="p.md")
    return (time.perf_counter() - started) / (len(data) / 1e6)


def run(docs: int = 10_000, keep: bool = False, naive_sample: int = 1000) -> dict:
    work = Path(
        os.environ.get("SEEDSCOPE_BENCH_DIR") or tempfile.mkdtemp(prefix="seedscope-bench-")
    )
    sizes = sorted({*SIZES, docs})
    corpora = {n: generated_corpus(work / f"corpus-{n}", n) for n in sizes}
    seeds = corpora[docs]
    cache = work / "cache"
    files = sorted(seeds.glob("*.md"))
    sample = random.Random(1).sample(files, min(naive_sample, len(files)))
    naive = naive_docs_per_second(sample)
    data: dict = {
        "naive_docs_per_s": naive,
        "naive_sample": len(sample),
        "cpu_count": os.cpu_count(),
    }
    rows = [("naive baseline (1 core)", f"{naive:,.0f} doc/s", "", "")]

    for n, folder in corpora.items():
        one = cold_builds(folder, work / f"cold-{n}", workers=1)
        rate = n / one["wall"]
        data[f"cold_1_core_{n}"] = one
        rows.append(
            (
                f"cold build vs naive, 1 core, {n:,} docs",
                f"{rate / naive:.1f}x",
                ">= 25x",
                f"{verdict(rate / naive >= 25)} ({rate:,.0f} doc/s, {one['wall']:.2f} s)",
            )
        )
    one = data[f"cold_1_core_{docs}"]
    two = cold_builds(seeds, cache, workers=2)
    data["cold_2_workers"] = two
    gain = one["wall"] / two["wall"]
    busy = two["workers_cpu"] / (2 * two["wall"])
    rows.append(
        (
            f"gain from a 2nd worker, {docs:,} docs",
            f"{gain:.2f}x",
            ">= 1.5x",
            f"{verdict(gain >= 1.5)} (workers busy {busy:.0%}; main process "
            f"{two['main_cpu']:.1f} s CPU; steal {two['steal_s']:.1f} s; "
            f"load {two['load']:.1f} on {os.cpu_count()} CPUs)",
        )
    )
    cold = one["wall"]

    live = LiveCache(seeds, cache)
    live.refresh()
    assert live.watching, "no change journal on this machine (inotify unavailable?)"
    edits = iter(random.Random(2).sample(files, 60))

    def edit() -> None:
        path = next(edits)
        path.write_text(revised(path.read_text(encoding="utf-8")), encoding="utf-8")

    def one_change(refresh: Callable[[], BuildReport]) -> Callable[[], None]:
        def action() -> None:
            edit()
            assert refresh().parsed == 1

        return action

    live_nothing = median_seconds(live.refresh, repeat=15)
    live_one = median_seconds(one_change(live.refresh), repeat=15)
    live.close()
    for label, seconds in (("nothing changed", live_nothing), ("one file changed", live_one)):
        rows.append(
            (
                f"dashboard refresh, {label}",
                f"{cold / seconds:,.0f}x faster",
                ">= 50x",
                f"{verdict(cold / seconds >= 50)} ({seconds * 1000:.1f} ms, change journal)",
            )
        )
    cli_nothing = cli_seconds(seeds, cache, lambda: None)
    cli_one = cli_seconds(seeds, cache, edit)
    for label, seconds in (("nothing changed", cli_nothing), ("one file changed", cli_one)):
        rows.append(
            (
                f"python -m loaders, {label}",
                f"{seconds:.2f} s",
                "<= 1 s",
                f"{verdict(seconds <= 1)} (whole command, {docs:,} docs)",
            )
        )

    peak = build_peak_rss_mb(seeds, work / "cache-rss")
    rows.append(("peak RSS of a cold build", f"{peak:,.0f} MB", "<= 600 MB", verdict(peak <= 600)))
    memory = read_cache(cache).memory_bytes()
    seed_bytes = sum(path.stat().st_size for path in files)
    rows.append(
        (
            "corpus in memory / seed files",
            f"{memory / seed_bytes:.2f}x",
            "<= 1x",
            f"{verdict(memory <= seed_bytes)} ({memory / 1e6:,.0f} MB for "
            f"{seed_bytes / 1e6:,.0f} MB of seeds)",
        )
    )

    digest = shared_dir() / "corpus" / DIGEST
    for label, text in pathological_documents(digest.read_text(encoding="utf-8")).items():
        per_mb = worst_seconds_per_mb(text)
        data[f"pathological: {label}"] = per_mb
        rows.append((f"parse {label}", f"{per_mb:.2f} s/MB", "< 1 s/MB", verdict(per_mb < 1)))

    data.update(
        {
            "documents": docs,
            "refresh_live_nothing_s": live_nothing,
            "refresh_live_one_s": live_one,
            "cli_nothing_s": cli_nothing,
            "cli_one_s": cli_one,
            "peak_rss_mb": peak,
            "corpus_memory_bytes": memory,
            "seed_bytes": seed_bytes,
        }
    )
    report("loaders", rows, data)
    if not keep:
        shutil.rmtree(work, ignore_errors=True)
    return data
