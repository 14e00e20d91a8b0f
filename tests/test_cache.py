"""The Parquet cache: incremental, atomic, safe under concurrency, self-repairing."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from bench.common import generated_corpus
from loaders import build_cache, load_corpus, read_cache, schema
from tests.conftest import FIXTURE_DOCS, ROOT


@pytest.fixture
def seeds(seeds_copy, corpus_dir: Path) -> Path:
    """Twenty real documents in a folder the test may change."""
    folder = seeds_copy(name="seeds")
    for path in sorted(corpus_dir.glob("*.md"))[:20]:
        shutil.copy2(path, folder / path.name)
    return folder


def generate(target: Path, count: int) -> Path:
    """A realistic corpus from ../shared/tools/make_corpus.py (the benchmarks' own)."""
    return generated_corpus(target, count)


def test_stable_paths_read_with_plain_pandas(seeds: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    report = build_cache(seeds, cache)
    documents = pd.read_parquet(cache / "documents.parquet")
    entries = pd.read_parquet(cache / "entries.parquet")
    assert len(documents) == report.documents == 20
    assert len(entries) == sum(report.entries.values())
    assert set(pd.read_parquet(cache / "tags.parquet").columns) >= {
        "doc_id",
        "list",
        "value",
        "value_norm",
    }
    assert set(pd.read_parquet(cache / "problems.parquet").columns) == {
        "path",
        "doc_id",
        "line",
        "severity",
        "message",
    }


def test_refresh_with_nothing_changed_parses_nothing(seeds: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = build_cache(seeds, cache)
    again = build_cache(seeds, cache)
    assert (first.parsed, again.parsed, again.reused, again.changed) == (20, 0, 20, False)
    assert again.summary_line() == first.summary_line()


def test_refresh_after_edit_reparses_only_that_file(seeds: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    build_cache(seeds, cache)
    target = sorted(seeds.glob("*.md"))[3]
    before = read_cache(cache)

    def signals(corpus) -> list[str]:
        rows = corpus.entries[
            (corpus.entries["doc_id"] == target.stem) & (corpus.entries["section"] == "Signals")
        ]
        return rows.sort_values("position")["name"].astype(str).tolist()

    old_names = signals(before)
    text = target.read_text(encoding="utf-8")
    target.write_text(
        text.replace(f"| {old_names[0]}", "| Renamed Signal Xyz", 1), encoding="utf-8"
    )

    report = build_cache(seeds, cache)

    assert (report.parsed, report.reused) == (1, 19)
    after = read_cache(cache)
    assert signals(after) == ["Renamed Signal Xyz", *old_names[1:]]
    others_before = before.entries[before.entries["doc_id"] != target.stem]
    others_after = after.entries[after.entries["doc_id"] != target.stem]
    assert len(others_before) == len(others_after)


def test_refresh_after_add_and_delete(seeds: Path, tmp_path: Path, corpus_dir: Path) -> None:
    cache = tmp_path / "cache"
    build_cache(seeds, cache)
    gone = sorted(seeds.glob("*.md"))[0]
    gone.unlink()
    added = sorted(corpus_dir.glob("*.md"))[-1]
    shutil.copy2(added, seeds / added.name)

    report = build_cache(seeds, cache)

    assert (report.parsed, report.removed, report.documents) == (1, 1, 20)
    corpus = read_cache(cache)
    for frame in (corpus.documents, corpus.entries, corpus.tags):
        assert gone.stem not in set(frame["doc_id"].astype(str))
        assert added.stem in set(frame["doc_id"].astype(str))


def test_touched_but_unchanged_file_is_not_reparsed(seeds: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    build_cache(seeds, cache)
    target = sorted(seeds.glob("*.md"))[5]
    os.utime(target, ns=(time.time_ns(), time.time_ns()))
    report = build_cache(seeds, cache)
    assert (report.parsed, report.reused) == (0, 20)
    assert build_cache(seeds, cache).changed is False


def test_parser_version_bump_rebuilds_everything(
    seeds: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    build_cache(seeds, cache)
    monkeypatch.setattr(schema, "PARSER_VERSION", schema.PARSER_VERSION + 1)
    report = build_cache(seeds, cache)
    assert report.full_rebuild and report.parsed == 20
    assert build_cache(seeds, cache).parsed == 0


def test_corrupt_part_is_repaired_on_load(seeds: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    expected = load_corpus(seeds, cache)
    part = sorted((cache / "current" / "entries.parquet").glob("part-*.parquet"))[0]
    part.unlink()  # parts are hard links shared with older generations: never write through
    part.write_bytes(b"not parquet at all")

    corpus = load_corpus(seeds, cache)

    assert len(corpus.entries) == len(expected.entries)
    assert len(corpus.documents) == 20


@pytest.mark.parametrize("damage", ["manifest", "pointer", "file_lists"])
def test_damaged_cache_is_rebuilt(seeds: Path, tmp_path: Path, damage: str) -> None:
    cache = tmp_path / "cache"
    expected = load_corpus(seeds, cache)
    generation = (cache / "current").resolve()
    if damage == "manifest":
        (generation / "manifest.json").write_text("{ truncated")
    elif damage == "pointer":
        (cache / "current").unlink()
    else:
        shutil.rmtree(generation / "files")
    corpus = load_corpus(seeds, cache)
    assert len(corpus.entries) == len(expected.entries)
    assert sorted(corpus.documents["doc_id"]) == sorted(expected.documents["doc_id"])


def test_duplicates_follow_additions_and_deletions(tmp_path: Path, seeds_copy) -> None:
    seeds = seeds_copy(FIXTURE_DOCS / "duplicate_b.md", FIXTURE_DOCS / "new_layout.md")
    cache = tmp_path / "cache"
    corpus = load_corpus(seeds, cache)
    assert corpus.documents["duplicate_of"].isna().all()

    shutil.copy2(FIXTURE_DOCS / "duplicate_a.md", seeds / "duplicate_a.md")
    corpus = load_corpus(seeds, cache)
    dup = corpus.documents.set_index("doc_id")["duplicate_of"]
    assert dup["duplicate_b"] == "duplicate_a" and pd.isna(dup["duplicate_a"])
    assert corpus.problems["message"].str.contains("duplicate_a").sum() == 1

    (seeds / "duplicate_a.md").unlink()
    corpus = load_corpus(seeds, cache)
    assert corpus.documents["duplicate_of"].isna().all()
    assert not corpus.problems["message"].str.contains("duplicate").any()


def test_same_stem_in_two_folders_gets_two_ids(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    (seeds / "a").mkdir(parents=True)
    (seeds / "b").mkdir()
    shutil.copy2(FIXTURE_DOCS / "new_layout.md", seeds / "a" / "x.md")
    shutil.copy2(FIXTURE_DOCS / "old_layout.md", seeds / "b" / "x.md")
    corpus = load_corpus(seeds, tmp_path / "cache")
    assert sorted(corpus.documents["doc_id"]) == ["b/x", "x"]
    assert corpus.documents["doc_id"].is_unique


def test_broken_link_and_fifo_are_problems_not_hangs(seeds: Path, tmp_path: Path) -> None:
    (seeds / "dangling.md").symlink_to(tmp_path / "nowhere.md")
    os.mkfifo(seeds / "pipe.md")
    corpus = load_corpus(seeds, tmp_path / "cache")
    found = corpus.problems.set_index("path")
    assert "broken symbolic link" in found.loc["dangling.md", "message"]
    assert "not a regular file" in found.loc["pipe.md", "message"]
    assert (found.loc[["dangling.md", "pipe.md"], "severity"] == "error").all()
    assert len(corpus.documents) == 20


def test_unreadable_file_is_reported_and_the_rest_loads(corpus_dir: Path) -> None:
    # pytest's tmp_path is private to root; "nobody" needs a world-readable place.
    tmp_path = Path(tempfile.mkdtemp(prefix="seedscope-unreadable-"))
    tmp_path.chmod(0o755)
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    for path in sorted(corpus_dir.glob("*.md"))[:20]:
        shutil.copy2(path, seeds / path.name)
    locked = seeds / "locked.md"
    shutil.copy2(FIXTURE_DOCS / "new_layout.md", locked)
    locked.chmod(0)
    cache = tmp_path / "cache"
    script = (
        "import os, sys, tempfile\n"
        "from loaders import load_corpus\n"
        "warm = tempfile.mkdtemp()\n"
        "load_corpus(sys.argv[3], warm)  # import everything while still allowed to\n"
        "if os.getuid() == 0:\n"
        "    os.setgid(65534); os.setuid(65534)  # root reads anything: drop to nobody\n"
        "c = load_corpus(sys.argv[1], sys.argv[2])\n"
        "row = c.problems[c.problems.path == 'locked.md'].iloc[0]\n"
        "print(len(c.documents), row.severity, row.message)\n"
    )
    for path in (tmp_path, seeds):
        path.chmod(0o755)
    cache.mkdir(mode=0o777)
    cache.chmod(0o777)
    data = tmp_path / "data"
    data.mkdir(mode=0o777)
    data.chmod(0o777)
    env = {**os.environ, "SEEDSCOPE_DATA": str(data), "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-c", script, str(seeds), str(cache), str(FIXTURE_DOCS / "nested")],
        cwd="/",
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    count, severity, *message = result.stdout.split()
    assert (int(count), severity) == (20, "error")
    assert "cannot be read" in " ".join(message)
    shutil.rmtree(tmp_path, ignore_errors=True)


def test_fifty_megabyte_file_loads(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    head = (FIXTURE_DOCS / "new_layout.md").read_text(encoding="utf-8")
    row = "| Row {i:07d} | " + "x" * 160 + " | change | outcome | force | 3 |\n"
    body = "".join(row.format(i=i) for i in range(270_000))
    big = (
        head
        + "\n## Extra\n\n| name | description | change | 10-year | driving-force | relevancy |\n"
        + "|---|---|---|---|---|---|\n"
        + body
    )
    (seeds / "big.md").write_text(big, encoding="utf-8")
    assert (seeds / "big.md").stat().st_size > 50_000_000
    corpus = load_corpus(seeds, tmp_path / "cache")
    extra = corpus.entries[corpus.entries["section"] == "Extra"]
    assert len(extra) == 270_000
    assert extra["relevancy"].sum() == 810_000


def test_parquet_parts_are_real_parquet(seeds: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    build_cache(seeds, cache)
    for table in ("documents", "entries", "tags", "problems"):
        parts = sorted((cache / f"{table}.parquet").glob("part-*.parquet"))
        assert parts
        assert pq.read_table(parts[0]).schema.names == schema.TABLES[table].names
