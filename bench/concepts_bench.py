"""Concepts and signal clusters on 10,000 documents, from one run.

* cold: the ``concepts`` and ``signal_clusters`` tables computed from a freshly
  read cache (target < 5 s together);
* one document changed: the same after an analyst reworded a keyword and a
  signal of one document and the cache was refreshed (target < 0.5 s);
* the real digests of ../shared/corpus, for reference;
* a stress corpus where every signal name is unique (each of the 10,000
  documents' signals gets its document's own word), since generated corpora
  reuse real rows and so repeat signal texts.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

from bench.common import generated_corpus, report, shared_dir, verdict
from loaders import build_cache, read_cache
from loaders.concepts.derive import derive_clusters, derive_concepts, vocabulary_files

COLD_TARGET_S = 5.0
ONE_CHANGED_TARGET_S = 0.5


def _derive(seeds: Path, cache: Path) -> tuple[float, float, int, int]:
    corpus = read_cache(cache)
    files = vocabulary_files(seeds, read_only=True)
    started = time.perf_counter()
    concepts, _ = derive_concepts(corpus.tags, files)
    middle = time.perf_counter()
    clusters = derive_clusters(corpus.entries, corpus.documents)
    done = time.perf_counter()
    return (
        middle - started,
        done - middle,
        concepts["concept"].nunique(),
        int((clusters["cluster_size"] > 1).sum()),
    )


def _reword_one(seeds: Path) -> None:
    path = sorted(seeds.glob("*.md"))[0]
    lines = path.read_text(encoding="utf-8").split("\n")
    for at, line in enumerate(lines):
        if line.startswith(("* ", "- ")):
            lines[at] = line[:2] + "revised " + line[2:]
            break
    for at, line in enumerate(lines):
        if line.startswith("| ") and at > 2 and lines[at - 1].startswith("|:"):
            lines[at] = "| Revised " + line[2:]
            break
    path.write_text("\n".join(lines), encoding="utf-8")


def _unique_names(source: Path, target: Path) -> Path:
    """A copy of ``source`` where every signal name also carries its document's own word."""
    target.mkdir(parents=True, exist_ok=True)
    for number, path in enumerate(sorted(source.glob("*.md"))):
        word = f"zq{number:05d}"
        lines = path.read_text(encoding="utf-8").split("\n")
        section = None
        for at, line in enumerate(lines):
            if line.startswith("## "):
                section = line[3:].strip()
            elif (
                section == "Signals"
                and line.startswith("| ")
                and not line.startswith("| name")
                and at > 0
                and lines[at - 1].startswith("|")
            ):
                lines[at] = f"| {word} " + line[2:]
        (target / path.name).write_text("\n".join(lines), encoding="utf-8")
    return target


def run(docs: int = 10_000, keep: bool = False) -> list[tuple[str, str, str, str]]:
    work = Path(tempfile.mkdtemp(prefix="seedscope-concepts-bench-"))
    rows: list[tuple[str, str, str, str]] = []
    figures: dict[str, object] = {"docs": docs}
    try:
        seeds = work / "seeds"
        shutil.copytree(generated_corpus(work / "generated", docs), seeds)
        cache = work / "cache"
        build_cache(seeds, cache)
        concepts_s, clusters_s, n_concepts, repeated = _derive(seeds, cache)
        cold = concepts_s + clusters_s
        figures.update(
            cold_concepts_s=concepts_s,
            cold_clusters_s=clusters_s,
            concepts=n_concepts,
            signals_in_clusters=repeated,
        )
        rows.append(
            (
                f"concepts + clusters, cold ({docs:,} docs)",
                f"{cold:.2f} s",
                f"< {COLD_TARGET_S:g} s",
                verdict(cold < COLD_TARGET_S),
            )
        )
        _reword_one(seeds)
        build_cache(seeds, cache)
        concepts_s, clusters_s, _, _ = _derive(seeds, cache)
        changed = concepts_s + clusters_s
        figures.update(changed_concepts_s=concepts_s, changed_clusters_s=clusters_s)
        rows.append(
            (
                "concepts + clusters, one document changed",
                f"{changed:.2f} s",
                f"< {ONE_CHANGED_TARGET_S:g} s",
                verdict(changed < ONE_CHANGED_TARGET_S),
            )
        )
        real_cache = work / "real-cache"
        real = shared_dir() / "corpus"
        build_cache(real, real_cache)
        concepts_s, clusters_s, n_concepts, _ = _derive(real, real_cache)
        figures.update(real_s=concepts_s + clusters_s, real_concepts=n_concepts)
        rows.append(
            (
                "concepts + clusters, real digests (177)",
                f"{concepts_s + clusters_s:.3f} s",
                "",
                "for reference",
            )
        )
        stress = _unique_names(seeds, work / "unique")
        stress_cache = work / "unique-cache"
        build_cache(stress, stress_cache)
        concepts_s, clusters_s, _, _ = _derive(stress, stress_cache)
        figures.update(unique_names_clusters_s=clusters_s)
        rows.append(
            ("clusters, every signal name unique", f"{clusters_s:.2f} s", "", "for reference")
        )
    finally:
        if not keep:
            shutil.rmtree(work, ignore_errors=True)
    report("concepts", rows, figures)
    return rows
