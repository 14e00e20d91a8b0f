"""``python -m loaders``: what a person at a terminal sees."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

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
