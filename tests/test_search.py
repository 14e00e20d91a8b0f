"""Search analysts can trust: whole words, accents and case ignored, phrases, OR,
exclusion, prefixes, best match first, and where it matched.

The corpus is stated row by row, so every expected hit is worked out by hand;
the index is real SQLite FTS5, in memory or in a file next to a real cache.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loaders import build_cache, load_corpus, read_cache
from seedscope.explore import Explorer
from seedscope.filters import FilterState
from seedscope.search import SearchIndex, index_path
from seedscope.search_highlight import snippet, split_marked
from seedscope.search_query import parse_query
from seedscope.tables import documents_table, signals_table
from tests.conftest import FIXTURE_DOCS
from tests.factories import doc, entry, make_corpus


def signal(doc_id: str, position: int, name: str, description: str | None = None, **more):
    return entry(doc_id, "Signals", position, more.pop("relevancy", 3), name, **more) | {
        "description": description
    }


@pytest.fixture(scope="module")
def explorer() -> Explorer:
    documents = [
        doc("said", "Notes from the field"),
        doc("ai", "The AI issue"),
        doc("fr", "Économie circulaire"),
        doc("storage", "Grid batteries"),
    ]
    documents[0]["summary"] = "He said the plan would maintain the old grid."
    entries = [
        signal("said", 0, "Maintenance crews", "Crews maintain rail lines"),
        signal("ai", 0, "AI copilots", "Assistants that write code", relevancy=5),
        signal("ai", 1, "Cheap sensors", "Sensors everywhere"),
        signal("fr", 0, "Économie du partage", "Les Français partagent leurs outils"),
        signal("storage", 0, "Energy storage", "Batteries store energy for the grid"),
        signal("storage", 1, "Storage of energy", "Energy kept in salt caverns"),
        signal("storage", 2, "Thermal stores", "Energy stored as heat", relevancy=5),
        entry("storage", "Concerns", 0, 2, "Lithium supply", description="Energy storage needs"),
    ]
    return Explorer(make_corpus(documents, entries, []))


def names(explorer: Explorer, q: str, **filters) -> list[str]:
    view = explorer.view(FilterState(q=q, **filters))
    return signals_table(explorer, view)["name"].tolist()


# -- what a query means ------------------------------------------------------------


def test_words_are_whole_words_not_substrings(explorer: Explorer) -> None:
    # "AI" must not match "said", "maintain" or "Maintenance"
    assert names(explorer, "AI") == ["AI copilots"]
    assert names(explorer, "ai") == ["AI copilots"]  # case does not matter


def test_accents_and_case_are_ignored(explorer: Explorer) -> None:
    assert names(explorer, "economie") == ["Économie du partage"]
    assert names(explorer, "FRANCAIS") == ["Économie du partage"]


def test_a_quoted_phrase_matches_those_words_in_that_order(explorer: Explorer) -> None:
    assert names(explorer, '"energy storage"') == ["Energy storage"]
    # both words, any order, anywhere in the signal
    assert set(names(explorer, "energy storage")) == {"Energy storage", "Storage of energy"}


def test_or_matches_either_word(explorer: Explorer) -> None:
    assert set(names(explorer, "copilots OR sensors")) == {"AI copilots", "Cheap sensors"}
    # OR binds the words next to it; the rest must match too
    assert names(explorer, "copilots OR sensors everywhere") == ["Cheap sensors"]


def test_a_minus_or_not_leaves_a_word_out(explorer: Explorer) -> None:
    assert set(names(explorer, "energy -salt")) == {"Energy storage", "Thermal stores"}
    assert set(names(explorer, "energy NOT salt")) == {"Energy storage", "Thermal stores"}
    # only an exclusion: everything but
    assert "AI copilots" not in names(explorer, "-copilots")
    assert len(names(explorer, "-copilots")) == 6


def test_a_star_matches_words_starting_so(explorer: Explorer) -> None:
    found = set(names(explorer, "stor*"))
    assert found == {"Energy storage", "Storage of energy", "Thermal stores"}


def test_best_matches_come_first(explorer: Explorer) -> None:
    # the word in the signal's name and twice in its text beats a single mention
    assert names(explorer, "storage")[0] == "Energy storage"
    table = signals_table(explorer, explorer.view(FilterState(q="energy")))
    assert table["name"].iloc[-1] == "Thermal stores"  # once, in its description only


def test_odd_input_never_breaks_the_search(explorer: Explorer) -> None:
    for text in ['"unclosed', "NEAR(", "a:b", "^x", "(", "***", "OR", "- -", "col:energy"]:
        view = explorer.view(FilterState(q=text))  # no exception
        assert view.search is not None or view.search_problem


def test_a_search_without_words_is_ignored_and_says_so(explorer: Explorer) -> None:
    view = explorer.view(FilterState(q="- * OR"))
    assert view.search is None and "no words" in (view.search_problem or "")
    assert len(view.documents) == 4


@given(st.text(max_size=30))
@settings(max_examples=150, deadline=None)
def test_any_typed_text_gives_a_query_that_runs(text: str) -> None:
    index = _tiny_index()
    query = parse_query(text)
    if not query.empty:
        index.search(query)  # raises on an FTS5 syntax error


_TINY: list[SearchIndex] = []


def _tiny_index() -> SearchIndex:
    if not _TINY:
        corpus = make_corpus([doc("a", "Alpha beta")], [signal("a", 0, "Gamma delta")], [])
        index = SearchIndex(None)
        index.sync(corpus.documents, corpus.entries)
        _TINY.append(index)
    return _TINY[0]


# -- where it matched ------------------------------------------------------------------


def test_a_title_hit_finds_the_document_not_all_its_entries(explorer: Explorer) -> None:
    view = explorer.view(FilterState(q="batteries"))
    assert set(view.documents["doc_id"]) == {"storage"}  # its title says "batteries"
    # of its four entries only the one that says "batteries" is in the view
    assert signals_table(explorer, view)["name"].tolist() == ["Energy storage"]
    docs = documents_table(explorer, view)
    assert docs.loc[0, "matched_in"] == "title, its entries"
    assert docs.loc[0, "match"] == "title, its entries: Grid «batteries»"


def test_tables_say_which_field_matched_with_the_words_marked(explorer: Explorer) -> None:
    table = signals_table(explorer, explorer.view(FilterState(q="salt")))
    assert table.loc[0, "matched_in"] == "description"
    assert table.loc[0, "match"] == "description: Energy kept in «salt» caverns"
    table = signals_table(explorer, explorer.view(FilterState(q="economie")))
    assert table.loc[0, "matched_in"] == "name"
    assert "«Économie»" in table.loc[0, "match"]


def test_the_summary_is_searched_as_the_documents_text(explorer: Explorer) -> None:
    view = explorer.view(FilterState(q="maintain"))
    assert set(view.documents["doc_id"]) == {"said"}
    docs = documents_table(explorer, view)
    assert docs.loc[0, "matched_in"] == "summary, its entries"


def test_search_combines_with_the_other_filters(explorer: Explorer) -> None:
    assert names(explorer, "energy", min_relevancy=5) == ["Thermal stores"]
    view = explorer.view(FilterState(q="energy", sections=("Concerns",)))
    assert view.entries["name"].tolist() == ["Lithium supply"]


def test_snippets_cut_around_the_first_match() -> None:
    marked = " ".join(f"w{i}" for i in range(30)) + " \x02hit\x03 " + "tail " * 20
    text = snippet(marked, words=8)
    assert text.startswith("…") and text.endswith("…") and "\x02hit\x03" in text
    assert len(text.split()) == 8
    assert split_marked("a \x02b\x03 c") == [("a ", False), ("b", True), (" c", False)]


# -- the index follows the cache ---------------------------------------------------------


def test_the_index_lives_next_to_the_cache_and_follows_edits(tmp_path: Path, seeds_copy) -> None:
    seeds = seeds_copy(FIXTURE_DOCS / "new_layout.md", FIXTURE_DOCS / "french.md")
    cache = tmp_path / "cache"
    build_cache(seeds, cache)
    index = SearchIndex(index_path(cache))
    first = Explorer(read_cache(cache), search_index=index)
    report = first.prepare_search()
    assert report is not None and (report.indexed, report.kept) == (2, 0)
    assert index_path(cache).is_file() and not index.in_memory
    assert len(first.view(FilterState(q="solar")).documents) == 1

    # an edit: only the edited document is indexed again, and the search sees it
    text = (seeds / "new_layout.md").read_text().replace("Solar", "Photovoltaic")
    (seeds / "new_layout.md").write_text(text)
    build_cache(seeds, cache)
    second = Explorer(read_cache(cache), search_index=index)
    report = second.prepare_search()
    assert report is not None and (report.indexed, report.removed, report.kept) == (1, 0, 1)
    assert len(second.view(FilterState(q="photovoltaic")).documents) == 1

    # a deleted file leaves the index; a new process reuses the file as it is
    (seeds / "french.md").unlink()
    build_cache(seeds, cache)
    third = Explorer(read_cache(cache), search_index=SearchIndex(index_path(cache)))
    report = third.prepare_search()
    assert report is not None and (report.indexed, report.removed, report.kept) == (0, 1, 1)


def test_an_index_from_another_format_is_rebuilt(tmp_path: Path) -> None:
    corpus = load_corpus(FIXTURE_DOCS, tmp_path / "cache")
    path = tmp_path / "search.sqlite3"
    SearchIndex(path).sync(corpus.documents, corpus.entries)
    import sqlite3

    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE meta SET value = 'an older format' WHERE key = 'format'")
    report = SearchIndex(path).sync(corpus.documents, corpus.entries)
    assert report.rebuilt and report.indexed == len(corpus.documents)


def test_an_unusable_place_keeps_the_index_in_memory(tmp_path: Path) -> None:
    (tmp_path / "cache").write_text("a file where the cache folder should be")
    index = SearchIndex(index_path(tmp_path / "cache"))
    corpus = make_corpus([doc("a", "Alpha")], [signal("a", 0, "Beta")], [])
    index.sync(corpus.documents, corpus.entries)
    assert index.in_memory
    rowids, _scores = index.search(parse_query("alpha"))
    assert len(rowids) == 1


def test_hits_of_documents_an_index_has_moved_on_from_are_dropped(tmp_path: Path) -> None:
    """An Explorer of an older cache generation shares the index with the newer one:
    a document whose entries changed must not pin hits to the wrong rows."""
    old = make_corpus(
        [doc("a", "Alpha"), doc("b", "Beta")],
        [signal("a", 0, "Solar one"), signal("b", 0, "Solar two")],
        [],
    )
    new = make_corpus(
        [doc("a", "Alpha"), doc("b", "Beta")],
        [signal("a", 0, "Solar one"), signal("b", 0, "Solar two"), signal("b", 1, "Solar 3")],
        [],
    )
    new.documents.loc[1, "sha256"] = "1" * 64
    index = SearchIndex(tmp_path / "search.sqlite3")
    older = Explorer(old, search_index=index)
    older.prepare_search()
    Explorer(new, search_index=index).prepare_search()
    view = older.view(FilterState(q="solar"))
    assert view.signals["name"].tolist() == ["Solar one"]  # b's rows moved on
    assert np.isnan(view.search.entry_score).sum() == 1  # type: ignore[union-attr]
