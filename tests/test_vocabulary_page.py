"""The Vocabulary page through AppTest: read the concepts, accept a suggestion, undo it."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT

PAGE = "pages/explore/vocabulary.py"


def make_app(monkeypatch: pytest.MonkeyPatch, seeds: Path, cache: Path) -> AppTest:
    monkeypatch.setenv("SEEDSCOPE_SEEDS", str(seeds))
    monkeypatch.setenv("SEEDSCOPE_CACHE", str(cache))
    return AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)


def buttons(app: AppTest, prefix: str) -> list:
    return [b for b in app.button if b.key and b.key.startswith(prefix)]


def test_accepting_a_suggestion_merges_and_undo_puts_it_back(
    monkeypatch: pytest.MonkeyPatch, corpus_dir: Path, seeds_copy, tmp_path: Path
) -> None:
    seeds = seeds_copy(corpus_dir)
    app = make_app(monkeypatch, seeds, tmp_path / "cache").run()
    app.switch_page(PAGE).run()
    assert not app.exception, [e.value for e in app.exception]
    table = app.dataframe(key="vocabulary_table").value
    ai = table[table["concept"] == "artificial-intelligence"].iloc[0]
    assert {"ai", "ia", "intelligence artificielle"} <= set(ai["spellings"].split(" · "))
    concepts_before = len(table)

    app.segmented_control(key="p_vtab").set_value("suggestions").run()
    cards = [c for c in app.markdown if "satellite imagery" in str(c.value).casefold()]
    assert cards, "near spellings are suggested"
    same = [b for b in buttons(app, "same_spelling_") if "satellite" in b.key]
    same[0].click().run()
    assert not app.exception
    assert any("Merged" in str(s.value) for s in app.success)
    assert (seeds / "vocabulary.csv").is_file()
    assert not [b for b in buttons(app, "same_spelling_") if "satellite" in b.key]

    app.segmented_control(key="p_vtab").set_value("concepts").run()
    assert len(app.dataframe(key="vocabulary_table").value) == concepts_before - 1
    app.button(key="vocabulary_undo").click().run()
    assert any("undone" in str(s.value) for s in app.success)
    assert len(app.dataframe(key="vocabulary_table").value) == concepts_before
