"""``python -m loaders``: what a person at a terminal sees."""

from __future__ import annotations

import io
import subprocess
import sys
import threading
from pathlib import Path

import pandas as pd

from loaders.progress import ProgressBar
from tests.conftest import FIXTURE_DOCS, ROOT


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "loaders", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def test_build_prints_one_summary_line_and_exits_zero(tmp_path: Path) -> None:
    result = run(str(FIXTURE_DOCS), "--cache", str(tmp_path / "cache"))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("23 documents; entries: Signals ")
    assert "errors" in lines[0] and "rebuilt" in lines[0]
    again = run(str(FIXTURE_DOCS), "--cache", str(tmp_path / "cache"))
    assert "up to date" in again.stdout and "0 parsed" in again.stdout


def test_missing_folder_exits_two_with_a_clear_message(tmp_path: Path) -> None:
    result = run(str(tmp_path / "nope"), "--cache", str(tmp_path / "cache"))
    assert result.returncode == 2
    assert "does not exist" in result.stderr
    assert "Traceback" not in result.stderr


def test_file_instead_of_folder_exits_two(tmp_path: Path) -> None:
    result = run(str(FIXTURE_DOCS / "new_layout.md"), "--cache", str(tmp_path / "cache"))
    assert result.returncode == 2
    assert "is not a folder" in result.stderr


def test_unwritable_cache_exits_two(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = run(str(FIXTURE_DOCS), "--cache", str(blocker / "cache"))
    assert result.returncode == 2
    assert "cache" in result.stderr and "Traceback" not in result.stderr


def test_environment_variable_chooses_the_cache(tmp_path: Path) -> None:
    env_cache = tmp_path / "from-env"
    result = subprocess.run(
        [sys.executable, "-m", "loaders", str(FIXTURE_DOCS)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"SEEDSCOPE_CACHE": str(env_cache), "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert (env_cache / "documents.parquet").exists()


def test_watch_keeps_the_cache_fresh_until_stopped(
    tmp_path: Path, corpus_dir: Path, seeds_copy
) -> None:
    documents = sorted(corpus_dir.glob("*.md"))
    seeds = seeds_copy(*documents[:3])
    cache = tmp_path / "cache"
    process = subprocess.Popen(
        [sys.executable, "-m", "loaders", str(seeds), "--cache", str(cache), "--watch"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    watchdog = threading.Timer(60, process.kill)  # never let a stuck read hang the suite
    watchdog.start()
    try:
        assert process.stdout is not None
        assert process.stdout.readline().startswith("3 documents;")
        assert "change journal" in process.stdout.readline()
        (seeds / documents[3].name).write_bytes(documents[3].read_bytes())
        line = process.stdout.readline()  # blocks until the watcher reports
        assert line.startswith("4 documents;") and "1 parsed" in line, line
        assert len(pd.read_parquet(cache / "documents.parquet")) == 4
    finally:
        process.terminate()
        out, err = process.communicate(timeout=30)
        watchdog.cancel()
    assert process.returncode == 0, err
    assert "stopped watching" in out


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_shows_on_a_terminal_and_nowhere_else() -> None:
    terminal, log = Terminal(), io.StringIO()
    for stream in (terminal, log):
        bar = ProgressBar(stream, delay=0)
        bar(0, 250)
        bar(250, 250)
        bar.close()
    assert "0/250" in terminal.getvalue()
    assert log.getvalue() == ""
