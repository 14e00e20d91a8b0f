"""The cache under stress: concurrent builds and readers, killed builds, a full disk.

What a user must be able to rely on: a reader never sees two generations
mixed (with :func:`loaders.read_cache` or with plain pandas on the stable
paths), a build killed at any point leaves the previous cache usable and its
leftovers are cleaned by the next build, and a disk that fills up leaves the
old cache intact with a clear message.
"""

from __future__ import annotations

import errno
import multiprocessing
import os
import resource
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.fs as pafs
import pyarrow.parquet as pq
import pytest
from streamlit.testing.v1 import AppTest

import loaders.parts
from bench.common import generated_corpus
from loaders import build_cache, read_cache
from tests.conftest import ROOT


@pytest.fixture
def seeds(seeds_copy, corpus_dir: Path) -> Path:
    """Twenty real documents in a folder the test may change."""
    return seeds_copy(*sorted(corpus_dir.glob("*.md"))[:20])


def generate(target: Path, count: int) -> Path:
    """A realistic corpus from ../shared/tools/make_corpus.py (the benchmarks' own)."""
    return generated_corpus(target, count)


def _build(args: tuple[str, str]) -> int:
    report = build_cache(args[0], args[1], workers=1)
    return report.documents


def test_two_builds_at_once_leave_one_valid_cache(tmp_path: Path) -> None:
    seeds = generate(tmp_path / "big", 600)
    cache = tmp_path / "cache"
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        counts = pool.map(_build, [(str(seeds), str(cache))] * 2)
    assert counts == [600, 600]
    corpus = read_cache(cache)
    assert len(corpus.documents) == 600
    assert not corpus.entries[["doc_id", "section", "position"]].duplicated().any()
    assert len(list((cache / "generations").iterdir())) <= 2


#: A writer that gives every title the round number, then rebuilds, round after round.
RETITLE_AND_BUILD = (
    "import re, sys, pathlib\n"
    "from loaders import build_cache\n"
    "seeds = pathlib.Path(sys.argv[1])\n"
    "for round in range(int(sys.argv[3])):\n"
    "    for f in sorted(seeds.glob('*.md')):\n"
    "        first, rest = f.read_text().split('\\n', 1)\n"
    "        first = re.sub(r'^# (__)?(Round \\d+ )?', rf'# \\1Round {round} ', first)\n"
    "        f.write_text(first + '\\n' + rest)\n"
    "    build_cache(seeds, sys.argv[2], workers=1)\n"
)


def rounds_of(titles: pd.Series) -> set[str]:
    """Which writer rounds a set of titles comes from ("" for the first build)."""
    return {t.split()[1] if t.startswith("Round ") else "" for t in titles.astype(str)}


def test_readers_never_see_two_generations_mixed(tmp_path: Path) -> None:
    """read_cache and plain pandas on the stable paths, while titles change and builds flip."""
    seeds = generate(tmp_path / "big", 400)  # two shards: two part files per table
    cache = tmp_path / "cache"
    build_cache(seeds, cache)
    writer = subprocess.Popen(
        [sys.executable, "-c", RETITLE_AND_BUILD, str(seeds), str(cache), "4"], cwd=ROOT
    )
    whole_reads = refused = 0
    while writer.poll() is None:
        corpus = read_cache(cache)
        assert len(corpus.documents) == 400
        assert len(rounds_of(corpus.documents["title"])) == 1
        assert set(corpus.entries["doc_id"].astype(str)) <= set(corpus.documents["doc_id"])
        try:
            titles = pd.read_parquet(cache / "documents.parquet", columns=["title"])["title"]
        except FileNotFoundError:
            refused += 1  # a flip between pandas' listing and its reads: never a mix
            continue
        assert len(titles) == 400
        assert len(rounds_of(titles)) == 1, rounds_of(titles)
        whole_reads += 1
    assert writer.wait() == 0
    assert whole_reads > 0
    assert rounds_of(pd.read_parquet(cache / "documents.parquet")["title"]) == {"3"}


class RebuildAfterListing(pafs.FileSystemHandler):
    """The local file system, but a build runs right after pyarrow lists a folder.

    That is the moment a plain reader of a stable path is most exposed: it
    has the file names of one generation and has not opened them yet.
    """

    def __init__(self, rebuild: Callable[[], None]) -> None:
        self.local = pafs.LocalFileSystem()
        self.rebuild = rebuild

    def get_file_info_selector(self, selector: pafs.FileSelector) -> list[pafs.FileInfo]:
        infos = self.local.get_file_info(selector)
        self.rebuild()
        return infos

    def get_type_name(self) -> str:
        return "rebuild-after-listing"

    def normalize_path(self, path: str) -> str:
        return self.local.normalize_path(path)

    def equals(self, other: object) -> bool:
        return other is self

    def get_file_info(self, paths: list[str]) -> list[pafs.FileInfo]:
        return self.local.get_file_info(paths)

    def open_input_file(self, path: str) -> pa.NativeFile:
        return self.local.open_input_file(path)

    def open_input_stream(self, path: str) -> pa.NativeFile:
        return self.local.open_input_stream(path)

    def _read_only(self, *args: object) -> None:
        raise OSError("read-only in this test")

    create_dir = delete_dir = delete_dir_contents = delete_root_dir_contents = _read_only
    delete_file = move = copy_file = open_output_stream = open_append_stream = _read_only


def test_a_build_between_listing_and_reading_fails_the_read_instead_of_mixing(
    tmp_path: Path,
) -> None:
    seeds = generate(tmp_path / "big", 400)
    cache = tmp_path / "cache"
    build_cache(seeds, cache)

    def rebuild() -> None:
        subprocess.run(
            [sys.executable, "-c", RETITLE_AND_BUILD, str(seeds), str(cache), "1"],
            cwd=ROOT,
            check=True,
        )

    filesystem = pafs.PyFileSystem(RebuildAfterListing(rebuild))
    with pytest.raises(FileNotFoundError):
        pq.read_table(str(cache / "documents.parquet"), filesystem=filesystem)
    assert rounds_of(pd.read_parquet(cache / "documents.parquet")["title"]) == {"0"}


#: A build that kills itself as soon as its first shard is written: a known
#: point, after parts went into a temporary generation and before any flip.
KILL_AFTER_FIRST_SHARD = (
    "import os, signal, sys\n"
    "from loaders import build_cache\n"
    "def progress(done, total):\n"
    "    if done:\n"
    "        os.kill(os.getpid(), signal.SIGKILL)\n"
    "build_cache(sys.argv[1], sys.argv[2], workers=1, force=sys.argv[3] == 'force',\n"
    "            progress=progress)\n"
)


def kill_build_midway(seeds: Path, cache: Path, force: bool = False) -> int:
    """Run a build in a child that SIGKILLs itself after its first shard."""
    args = [str(seeds), str(cache), "force" if force else "refresh"]
    return subprocess.run(
        [sys.executable, "-c", KILL_AFTER_FIRST_SHARD, *args], cwd=ROOT, check=False
    ).returncode


def test_killed_build_leaves_a_cache_the_next_build_uses(tmp_path: Path) -> None:
    seeds = generate(tmp_path / "big", 600)
    cache = tmp_path / "cache"
    assert kill_build_midway(seeds, cache) == -signal.SIGKILL
    assert not (cache / "current").exists(), "the build was killed before it could publish"
    assert list((cache / "generations").glob("tmp-*"))

    report = build_cache(seeds, cache)

    assert report.documents == 600
    assert not list((cache / "generations").glob("tmp-*"))
    assert len(read_cache(cache).documents) == 600


def test_killed_refresh_keeps_the_previous_generation(tmp_path: Path) -> None:
    seeds = generate(tmp_path / "big", 600)
    cache = tmp_path / "cache"
    build_cache(seeds, cache)
    before = read_cache(cache)
    for path in seeds.glob("*.md"):
        path.write_text(
            path.read_text(encoding="utf-8").replace("## Summary", "## Summary\n\nEdited.", 1)
        )
    assert kill_build_midway(seeds, cache) == -signal.SIGKILL

    during = read_cache(cache)
    assert len(during.entries) == len(before.entries)
    assert not during.documents["summary"].str.startswith("Edited.").any()

    build_cache(seeds, cache)
    after = read_cache(cache)
    assert after.documents["summary"].str.startswith("Edited.").all()


def test_a_build_with_nothing_to_do_removes_a_dead_builds_leftovers(tmp_path: Path) -> None:
    seeds = generate(tmp_path / "big", 600)
    cache = tmp_path / "cache"
    build_cache(seeds, cache)
    assert kill_build_midway(seeds, cache, force=True) == -signal.SIGKILL
    assert list((cache / "generations").glob("tmp-*"))

    report = build_cache(seeds, cache)

    assert (report.changed, report.parsed) == (False, 0)
    assert not list((cache / "generations").glob("tmp-*"))


def test_a_full_disk_keeps_the_old_cache_and_says_so(seeds: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    build_cache(seeds, cache)
    before = read_cache(cache).documents
    for path in seeds.glob("*.md"):
        path.write_text(path.read_text(encoding="utf-8") + "\n* one more\n", encoding="utf-8")

    def small_files_only() -> None:  # writes past 2 KB fail, as on a full disk
        resource.setrlimit(resource.RLIMIT_FSIZE, (2048, 2048))

    result = subprocess.run(
        [sys.executable, "-m", "loaders", str(seeds), "--cache", str(cache)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        preexec_fn=small_files_only,
        check=False,
    )

    assert result.returncode == 2
    assert result.stderr == (
        f"error: cannot write the cache in {cache}: File too large; the previous cache is "
        "unchanged. Free some space or choose another cache folder with --cache DIR\n"
    )
    assert not list((cache / "generations").glob("tmp-*"))
    pd.testing.assert_frame_equal(read_cache(cache).documents, before)


def test_the_dashboard_says_the_disk_is_full(
    seeds: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_space(*args: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(loaders.parts, "write_part", no_space)
    monkeypatch.setenv("SEEDSCOPE_SEEDS", str(seeds))
    monkeypatch.setenv("SEEDSCOPE_CACHE", str(tmp_path / "cache"))
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120).run()
    assert [e.value for e in app.error] == [
        f"Seedscope cannot update its cache in {tmp_path / 'cache'}: No space left on device"
    ]
    assert any("Free some space" in caption.value for caption in app.caption)
    assert not list((tmp_path / "cache" / "generations").glob("tmp-*"))
