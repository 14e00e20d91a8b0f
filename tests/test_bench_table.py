"""``python -m bench``: one table across all benchmarks, a failing exit on a missed target.

The benchmarks themselves take minutes and are run by hand; these tests drive
the runner with small stand-in benchmarks that report through the same
``bench.common.report`` the real ones use.
"""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

from bench import __main__ as runner
from bench import common
from bench.common import verdict


@pytest.fixture(autouse=True)
def _results_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(common, "RESULTS", tmp_path / "results")


def fast_bench(docs: int, keep: bool) -> None:
    common.report(
        "fast",
        [
            ("cold build", "1,100 doc/s", "", "(1.5 s for 10,000 documents)"),
            ("cold build vs naive", "27.0x", ">= 25x", verdict(27.0 >= 25)),
            ("refresh, nothing changed", "900x faster", ">= 50x", f"{verdict(True)} (journal)"),
        ],
        {"docs": docs},
    )


def slow_bench(docs: int, keep: bool) -> None:
    common.report(
        "slow",
        [("peak RSS", "812 MB", "<= 600 MB", verdict(812 <= 600))],
        {"peak_rss_mb": 812},
    )


def crashing_bench(docs: int, keep: bool) -> None:
    raise RuntimeError("chromium went away")


def table_lines(output: str) -> list[list[str]]:
    """Rows of the printed Markdown table, as lists of stripped cells."""
    return [
        [cell.strip() for cell in line.strip().strip("|").split("|")]
        for line in output.splitlines()
        if line.startswith("| ")
    ]


def test_all_benchmarks_share_one_table_and_a_missed_target_fails_the_run(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status = runner.main([], benches={"fast": fast_bench, "slow": slow_bench})
    output = capsys.readouterr().out

    assert status == 1
    rows = table_lines(output)
    assert rows[0] == ["benchmark", "measure", "target", "result", "pass/fail", "note"]
    assert rows[1:] == [
        ["fast", "cold build", "-", "1,100 doc/s", "-", "(1.5 s for 10,000 documents)"],
        ["fast", "cold build vs naive", ">= 25x", "27.0x", "pass", ""],
        ["fast", "refresh, nothing changed", ">= 50x", "900x faster", "pass", "(journal)"],
        ["slow", "peak RSS", "<= 600 MB", "812 MB", "FAIL", ""],
    ]
    assert "1 of 3 targets missed." in output
    # the raw figures of each benchmark are still saved
    assert sorted(p.name.split("-")[0] for p in common.RESULTS.glob("*.json")) == ["fast", "slow"]


def test_a_run_whose_targets_are_all_met_exits_zero_and_says_so(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status = runner.main(["fast"], benches={"fast": fast_bench, "slow": slow_bench})
    output = capsys.readouterr().out

    assert status == 0
    assert {row[0] for row in table_lines(output)[1:]} == {"fast"}
    assert "All 2 targets met." in output


def test_a_crashing_benchmark_is_a_failed_row_and_the_others_still_run(
    capsys: pytest.CaptureFixture[str],
) -> None:
    benches = {"broken": crashing_bench, "fast": fast_bench}
    status = runner.main(["broken", "fast"], benches=benches)
    captured = capsys.readouterr()

    assert status == 1
    rows = table_lines(captured.out)
    assert rows[1] == [
        "broken",
        "benchmark ran",
        "runs",
        "crashed",
        "FAIL",
        "RuntimeError: chromium went away",
    ]
    assert [row[0] for row in rows[2:]] == ["fast", "fast", "fast"]
    assert "chromium went away" in captured.err  # the traceback, for whoever runs it


@pytest.mark.parametrize(
    ("said", "passed", "note"),
    [
        (True, True, ""),
        (False, False, ""),
        ("ok", True, ""),
        ("MISSED (dashboard, change journal)", False, "(dashboard, change journal)"),
        # a target with something that is not a verdict counts as missed
        ("fine", False, "no verdict for this target (got 'fine')"),
        ("", False, "no verdict for this target (got '')"),
        ("okay", False, "no verdict for this target (got 'okay')"),
    ],
)
def test_a_verdict_is_read_exactly(said: str | bool, passed: bool, note: str) -> None:
    result = common.judge("b", ("measure", "1x", ">= 2x", said))
    assert (result.passed, result.note) == (passed, note)


def test_a_row_without_a_target_is_shown_for_reference_only() -> None:
    result = common.judge("b", ("naive baseline", "45 doc/s", "", ""))
    assert result.passed is None


def test_an_unknown_benchmark_name_is_refused_with_the_ones_there_are(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as stop:
        runner.main(["fastt"], benches={"fast": fast_bench})
    assert stop.value.code == 2
    assert "no benchmark named fastt (there are: fast)" in capsys.readouterr().err


def test_benchmarks_are_found_by_file_name_without_being_run(tmp_path: Path) -> None:
    for name in ("loaders_bench.py", "trends_bench.py", "common.py", "server.py"):
        (tmp_path / name).write_text("")
    assert runner.discover(tmp_path) == ["loaders", "trends"]
    # the project's own benchmarks are all found, and each has its run(docs, keep)
    names = runner.discover()
    assert {"loaders", "explorer"} <= set(names)
    for name in names:
        run = runner.load(name)
        assert list(inspect.signature(run).parameters)[:2] == ["docs", "keep"], name
