"""Every page through Streamlit's AppTest: renders, obeys filters, restores URLs.

These run dashboard.py (the router) in-process, on the bundled seed and on the
real corpus; the browser tests in tests/browser prove what a person sees.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from loaders import Corpus, build_cache, load_corpus
from seedscope.filters import SignalRef
from tests.conftest import ROOT

PAGES = sorted(str(path.relative_to(ROOT)) for path in (ROOT / "pages" / "explore").glob("*.py"))
SEED_DIR = ROOT / "seeds"


def make_app(
    monkeypatch: pytest.MonkeyPatch,
    seeds: Path,
    cache: Path,
    query: dict[str, str | list[str]] | None = None,
) -> AppTest:
    monkeypatch.setenv("SEEDSCOPE_SEEDS", str(seeds))
    monkeypatch.setenv("SEEDSCOPE_CACHE", str(cache))
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    for key, value in (query or {}).items():
        app.query_params[key] = value
    return app


@pytest.fixture(scope="module")
def corpus_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pages-cache")


def param(app: AppTest, name: str) -> list[str]:
    """A query parameter as a list, however AppTest stores it."""
    value = app.query_params.get(name)
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def open_expander(app: AppTest, key: str) -> AppTest:
    """Open a sidebar panel whose contents are only sent while it is open."""
    app.session_state[key] = True
    return app.run()


def metric(app: AppTest, label: str) -> str:
    for item in app.metric:
        if item.label == label:
            return str(item.value)
    raise AssertionError(f"no metric {label!r}: {[m.label for m in app.metric]}")


def texts(app: AppTest) -> str:
    parts = [m.value for m in app.markdown] + [c.value for c in app.caption]
    parts += [i.value for i in app.info] + [w.value for w in app.warning]
    parts += [s.value for s in app.subheader]
    parts += [t.value for t in app.title] + [h.value for h in app.header]
    return "\n".join(str(p) for p in parts)


def test_the_sidebar_links_to_every_page_but_the_projector(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A page missing from the menu can only be reached by typing its address."""
    app = make_app(monkeypatch, SEED_DIR, tmp_path / "cache").run()
    menu = app.sidebar.get("page_link")
    linked = {link.proto.page_script_hash for link in menu}
    files = {
        str(path.relative_to(ROOT))
        for path in (ROOT / "pages").rglob("*.py")
        if path.name != "present.py"  # reached by its secret link only
    }
    assert {link.proto.label for link in menu} >= {"Trends", "Coverage", "Vocabulary"}
    assert len(linked) == len(files), sorted(link.proto.label for link in menu)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_on_the_bundled_seed(
    page: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    app = make_app(monkeypatch, SEED_DIR, tmp_path / "cache").run()
    app.switch_page(page).run()
    assert not app.exception, [e.value for e in app.exception]
    assert not app.error, [e.value for e in app.error]


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_on_the_real_corpus(
    page: str, monkeypatch: pytest.MonkeyPatch, corpus_dir: Path, corpus_cache: Path
) -> None:
    app = make_app(monkeypatch, corpus_dir, corpus_cache).run()
    app.switch_page(page).run()
    assert not app.exception, [e.value for e in app.exception]
    assert not app.error, [e.value for e in app.error]
    # and again after filter changes, as an analyst would go on
    app.slider(key="f_min_relevancy").set_value(4.0).run()
    app.multiselect(key="f_theme").set_value(["ai"]).run()
    assert not app.exception, [e.value for e in app.exception]
    assert not app.error, [e.value for e in app.error]


def test_overview_counts_the_whole_corpus(monkeypatch, corpus_dir: Path, corpus_cache) -> None:
    app = make_app(monkeypatch, corpus_dir, corpus_cache).run()
    assert metric(app, "Documents") == "177"
    assert metric(app, "Signals") == "979"


@pytest.fixture(scope="module")
def corpus(corpus_dir: Path, corpus_cache: Path) -> Corpus:
    """The real corpus as the tests' independent reference (plain pandas on its tables)."""
    return load_corpus(corpus_dir, corpus_cache)


def documents_tagged(corpus: Corpus, list_name: str, value_norm: str) -> int:
    tags = corpus.tags
    hit = (tags["list"] == list_name) & (tags["value_norm"].astype(str) == value_norm)
    return tags.loc[hit, "doc_id"].nunique()


def documents_of_concept(corpus: Corpus, list_name: str, concept: str) -> int:
    """Documents carrying any spelling of ``concept`` or of a concept below it, worked out
    from the ``concepts`` table and its ``broader`` column alone."""
    concepts = corpus.concepts
    wanted, grew = {concept}, True
    while grew:
        below = set(concepts.loc[concepts["broader"].isin(wanted), "concept"])
        grew = not below <= wanted
        wanted |= below
    spellings = concepts.loc[
        (concepts["list"] == list_name) & concepts["concept"].isin(wanted), "value_norm"
    ]
    tags = corpus.tags
    hit = (tags["list"] == list_name) & tags["value_norm"].astype(str).isin(set(spellings))
    return tags.loc[hit, "doc_id"].nunique()


AI = "artificial-intelligence"


def test_theme_filter_narrows_the_view(
    monkeypatch, corpus_dir: Path, corpus_cache: Path, corpus: Corpus
) -> None:
    app = make_app(monkeypatch, corpus_dir, corpus_cache).run()
    themes = app.multiselect(key="f_theme")
    # people read the concept's label, its acronym (typing "ai" finds it) and its
    # documents (narrower concepts included); the value is the concept's id
    expected = documents_of_concept(corpus, "Themes", AI)
    assert expected > documents_tagged(corpus, "Themes", "ai")  # every spelling counts
    assert f"artificial intelligence · AI ({expected})" in themes.options
    themes.set_value([AI]).run()
    assert metric(app, "Documents") == str(expected)
    assert param(app, "theme") == [AI]
    # without narrower concepts: only the spellings of the concept itself
    app.toggle(key="f_narrower").set_value(False).run()
    spelled = corpus.concepts[corpus.concepts["concept"] == AI]["value_norm"]
    tags = corpus.tags
    own = tags[(tags["list"] == "Themes") & tags["value_norm"].astype(str).isin(set(spelled))]
    assert metric(app, "Documents") == str(own["doc_id"].nunique())
    assert param(app, "narrower") == ["0"]


@pytest.mark.parametrize(
    ("widget", "value", "documents"),
    [
        ("f_keyword", ["france"], lambda c: documents_tagged(c, "Keywords", "france")),
        ("f_category", ["science"], lambda c: int((c.documents["category"] == "science").sum())),
        ("f_type", ["news"], lambda c: int((c.documents["doc_type"] == "news").sum())),
        (
            "f_section",
            ["Concerns"],
            lambda c: c.entries.loc[c.entries["section"] == "Concerns", "doc_id"].nunique(),
        ),
    ],
)
def test_each_filter_shows_the_documents_it_selects(
    widget: str, value: list[str], documents, monkeypatch, corpus_dir, corpus_cache, corpus
) -> None:
    app = make_app(monkeypatch, corpus_dir, corpus_cache).run()
    app.multiselect(key=widget).set_value(value).run()
    assert metric(app, "Documents") == f"{documents(corpus):,}"


def test_a_chosen_theme_survives_other_filter_changes(
    monkeypatch, corpus_dir: Path, corpus_cache: Path, corpus: Corpus
) -> None:
    """Option labels carry counts that change with the other filters; the value must not."""
    app = make_app(monkeypatch, corpus_dir, corpus_cache, {"theme": "ai"}).run()
    app.switch_page("pages/explore/signals.py").run()
    open_expander(app, "dates_box")
    app.date_input(key="f_from").set_value(dt.date(2025, 1, 1)).run()
    app.slider(key="f_min_relevancy").set_value(1.5).run()
    app.text_input(key="f_q").set_value("agents").run()
    app.multiselect(key="f_section").set_value(["Signals"]).run()
    assert not app.exception, [e.value for e in app.exception]
    # the old link's spelling became the concept, and stays so
    assert param(app, "theme") == [AI]
    assert app.multiselect(key="f_theme").value == [AI]
    assert "No documents match" not in texts(app)


def test_old_links_with_a_spelling_find_the_theme(
    monkeypatch, corpus_dir: Path, corpus_cache: Path, corpus: Corpus
) -> None:
    for spelling in ("Artificial Intelligence", "ai", "intelligence artificielle", AI):
        app = make_app(monkeypatch, corpus_dir, corpus_cache, {"theme": spelling}).run()
        # a link made before concepts opens the concept's documents, and says so in its URL
        assert app.multiselect(key="f_theme").value == [AI], spelling
        assert metric(app, "Documents") == str(documents_of_concept(corpus, "Themes", AI))
        assert param(app, "theme") == [AI]


def test_search_relevancy_and_dates_filter(monkeypatch, corpus_dir: Path, corpus_cache) -> None:
    app = make_app(monkeypatch, corpus_dir, corpus_cache).run()
    app.text_input(key="f_q").set_value("quantum").run()
    searched = int(metric(app, "Documents"))
    assert 0 < searched < 20
    app.text_input(key="f_q").set_value("").run()
    app.slider(key="f_min_relevancy").set_value(5.0).run()
    assert int(metric(app, "Signals").replace(",", "")) < 979
    assert param(app, "min_relevancy") == ["5"]
    app.slider(key="f_min_relevancy").set_value(1.0).run()
    open_expander(app, "dates_box")
    app.date_input(key="f_from").set_value(dt.date(2025, 1, 1)).run()
    app.date_input(key="f_to").set_value(dt.date(2025, 12, 31)).run()
    in_2025 = int(metric(app, "Documents"))
    assert 0 < in_2025 < 177
    assert metric(app, "Date span") == "2025"
    assert (param(app, "from"), param(app, "to")) == (["2025-01-01"], ["2025-12-31"])


def test_query_parameters_restore_filters_and_open_signal(
    monkeypatch, corpus_dir: Path, corpus_cache: Path
) -> None:
    doc_id = "00344fccd0922ea64c011f2e3e163153"
    app = make_app(
        monkeypatch,
        corpus_dir,
        corpus_cache,
        {"theme": ["ai"], "min_relevancy": "4", "signal": f"{doc_id}:0"},
    ).run()
    assert app.multiselect(key="f_theme").value == [AI]
    assert app.slider(key="f_min_relevancy").value == 4.0
    app.switch_page("pages/explore/signals.py").run()
    assert not app.exception
    assert "In 10 years" in texts(app)
    assert param(app, "signal") == [f"{doc_id}:0"]


def test_filters_that_match_nothing_show_an_empty_state(
    monkeypatch, corpus_dir: Path, corpus_cache: Path
) -> None:
    app = make_app(monkeypatch, corpus_dir, corpus_cache, {"q": "zzzz-no-such-words"}).run()
    assert "No documents match" in texts(app)
    assert app.text_input(key="f_q").value == "zzzz-no-such-words", "the filters stay on screen"
    assert not app.error, [e.value for e in app.error]
    app.button(key="clear_filters_empty").click().run()
    assert metric(app, "Documents") == "177"
    assert "q" not in app.query_params


def test_documents_page_opens_a_document_from_the_url(
    monkeypatch, corpus_dir: Path, corpus_cache: Path
) -> None:
    app = make_app(
        monkeypatch, corpus_dir, corpus_cache, {"doc": "78cbf4c846d2549699dc09df3ae30ad4"}
    ).run()
    app.switch_page("pages/explore/documents.py").run()
    assert not app.exception
    assert "PoC||GTFO" in texts(app).replace("\\", "")


def test_unknown_uploaded_corpus_name_falls_back_to_the_default(
    monkeypatch, tmp_path: Path
) -> None:
    app = make_app(monkeypatch, SEED_DIR, tmp_path / "cache", {"corpus": "../../etc"}).run()
    assert not app.exception
    assert metric(app, "Documents") == "1"


def test_uploaded_zip_becomes_a_new_corpus_and_evil_entries_are_refused(
    monkeypatch, tmp_path: Path
) -> None:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "digests/new_layout.md", (ROOT / "tests/fixtures/docs/new_layout.md").read_text()
        )
        archive.writestr("../escape.md", "# __Should never be written__")
    app = make_app(monkeypatch, SEED_DIR, tmp_path / "cache").run()
    open_expander(app, "own_corpus")
    upload = [("mine.zip", buffer.getvalue(), "application/zip")]
    app.file_uploader(key="corpus_upload").set_value(upload).run()
    app.text_input(key="corpus_upload_name").set_value("field notes").run()
    app.button(key="corpus_upload_go").click().run()
    assert not app.exception, [e.value for e in app.exception]
    opened = app.session_state["_corpus_param"]
    assert opened.startswith("field-notes")
    assert metric(app, "Documents") == "1"
    seeds = Path(app.session_state["_run_context"].choice.seeds)
    assert [p.relative_to(seeds).as_posix() for p in seeds.rglob("*.md")] == [
        "digests/new_layout.md"
    ]
    data = Path(os.environ["SEEDSCOPE_DATA"])
    assert not list(data.rglob("escape.md")) and not list(tmp_path.rglob("escape.md"))
    assert param(app, "corpus") == [opened]
    refusals = [w.value.replace("\\", "") for w in app.warning]
    assert any("../escape.md" in text and "goes up a folder" in text for text in refusals)


def test_an_edited_seed_file_shows_on_the_next_rerun(
    monkeypatch: pytest.MonkeyPatch, corpus_dir: Path, tmp_path: Path, seeds_copy
) -> None:
    """No Refresh button needed: the change journal reports the edit."""
    seeds = seeds_copy(*sorted(corpus_dir.glob("*.md"))[:3])
    app = make_app(monkeypatch, seeds, tmp_path / "cache").run()
    assert metric(app, "Documents") == "3"
    (seeds / "added-while-open.md").write_bytes(sorted(corpus_dir.glob("*.md"))[5].read_bytes())
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    assert metric(app, "Documents") == "4"


def test_a_damaged_cache_is_repaired_not_shown_as_a_crash(
    monkeypatch: pytest.MonkeyPatch, corpus_dir: Path, tmp_path: Path, seeds_copy
) -> None:
    seeds = seeds_copy(*sorted(corpus_dir.glob("*.md"))[:4])
    cache = tmp_path / "cache"
    build_cache(seeds, cache)
    part = sorted((cache / "current" / "entries.parquet").glob("part-*.parquet"))[0]
    part.unlink()  # a hard link shared with no one else now; never write through it
    part.write_bytes(b"not parquet at all")
    app = make_app(monkeypatch, seeds, cache).run()
    assert not app.exception, [e.value for e in app.exception]
    assert metric(app, "Documents") == "4"


def test_a_second_upload_opens_the_new_corpus(monkeypatch, tmp_path: Path) -> None:
    """Each new corpus opens right after its creation, also when others exist already."""
    docs = ROOT / "tests/fixtures/docs"
    app = make_app(monkeypatch, SEED_DIR, tmp_path / "cache").run()
    open_expander(app, "own_corpus")
    opened = []
    for label, files in (
        ("first batch", ["new_layout.md"]),
        ("second batch", ["french.md", "duplicate_a.md", "duplicate_b.md"]),
    ):
        upload = [(name, (docs / name).read_bytes(), "text/markdown") for name in files]
        app.file_uploader(key="corpus_upload").set_value(upload).run()
        app.text_input(key="corpus_upload_name").set_value(label).run()
        app.button(key="corpus_upload_go").click().run()
        assert not app.exception, [e.value for e in app.exception]
        opened.append(app.session_state["_corpus_param"])
        assert opened[-1].startswith(label.replace(" ", "-"))
        assert metric(app, "Documents") == str(len(files))
        assert app.selectbox(key="corpus_picker").value == opened[-1]
        assert param(app, "corpus") == [opened[-1]]
    # and the picker still switches between them
    app.selectbox(key="corpus_picker").set_value(opened[0]).run()
    assert metric(app, "Documents") == "1"
    app.selectbox(key="corpus_picker").set_value(None).run()
    assert metric(app, "Documents") == "1" and "corpus" not in app.query_params


def test_the_documents_title_search_is_in_the_url_and_survives_reading_one(
    monkeypatch, corpus_dir: Path, corpus_cache: Path, corpus: Corpus
) -> None:
    app = make_app(monkeypatch, corpus_dir, corpus_cache).run()
    app.switch_page("pages/explore/documents.py").run()
    app.text_input(key="doc_title_filter").set_value("quantum").run()
    assert param(app, "title") == ["quantum"]
    titles = corpus.documents["title"].astype(str)
    expected = int(titles.str.contains("quantum", case=False, regex=False).sum())
    assert f"{expected} document" in texts(app)
    # read one, then go back: the list is the one that was searched
    app.session_state["_filters"] = app.session_state["_filters"].with_changes(
        doc="78cbf4c846d2549699dc09df3ae30ad4"
    )
    app.run()
    assert "PoC||GTFO" in texts(app).replace("\\", "")
    assert param(app, "title") == ["quantum"]  # a link to the document keeps the search
    app.button(key="doc_back").click().run()
    assert app.text_input(key="doc_title_filter").value == "quantum"
    assert f"{expected} document" in texts(app)
    assert "doc" not in app.query_params and param(app, "title") == ["quantum"]


def test_a_link_with_a_title_search_reopens_it(monkeypatch, corpus_dir, corpus_cache) -> None:
    app = make_app(monkeypatch, corpus_dir, corpus_cache, {"title": "quantum"}).run()
    app.switch_page("pages/explore/documents.py").run()
    assert app.text_input(key="doc_title_filter").value == "quantum"


def dataframe(app: AppTest, key: str) -> pd.DataFrame:
    """The rows a keyed table shows."""
    return next(d for d in app.dataframe if d.key == key or d.key.startswith(f"{key}_")).value


def test_a_search_lists_best_matches_and_marks_the_words(
    monkeypatch, corpus_dir: Path, corpus_cache: Path
) -> None:
    app = make_app(monkeypatch, corpus_dir, corpus_cache, {"q": '"weak signals" OR hopepunk'})
    app.run()
    app.switch_page("pages/explore/signals.py").run()
    assert not app.exception, [e.value for e in app.exception]
    table = dataframe(app, "signals_table")
    assert len(table) > 0
    assert table["match"].str.contains("«weak» «signals»|«hopepunk»", case=False).all()
    assert "best match first" in texts(app)
    # the drill-down of a match shows where it matched, the words highlighted
    first = table.iloc[0]
    app.session_state["_filters"] = app.session_state["_filters"].with_changes(
        signal=SignalRef(str(first["doc_id"]), int(first["position"]))
    )
    app.run()
    assert "matched in:" in texts(app)
    assert ":orange-background[" in texts(app)
    app.switch_page("pages/explore/documents.py").run()
    docs = dataframe(app, "documents_table")
    assert docs["matched_in"].str.len().gt(0).all()


def test_help_of_the_search_box_explains_the_syntax(monkeypatch, tmp_path: Path) -> None:
    app = make_app(monkeypatch, SEED_DIR, tmp_path / "cache").run()
    help_text = app.text_input(key="f_q").help
    for example in ('"energy storage"', "solar OR wind", "-coal", "clim*"):
        assert example in help_text


def test_closed_sidebar_panels_send_nothing_until_opened(
    monkeypatch, corpus_dir: Path, corpus_cache: Path
) -> None:
    """Date fields and the upload widget are heavy for a browser: they come when asked."""
    app = make_app(monkeypatch, corpus_dir, corpus_cache).run()
    assert len(app.date_input) == 0 and len(app.file_uploader) == 0
    open_expander(app, "dates_box")
    assert [d.key for d in app.date_input] == ["f_from", "f_to"]
    # a link with a date opens the Dates panel and says what is set
    dated = make_app(monkeypatch, corpus_dir, corpus_cache, {"from": "2025-01-01"}).run()
    assert dated.date_input(key="f_from").value == dt.date(2025, 1, 1)
    assert dated.expander(key="dates_box").label == "Dates: from 2025-01-01"
