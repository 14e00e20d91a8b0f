"""A generated corpus with planted trajectories: the Trends page and the briefing rank them.

The corpus comes from ``../shared/tools/make_corpus.py`` with concepts of known
trajectories planted in it (tests/planted.py): rising, new, fading, steady,
plus an emerging and a weak signal. The page is driven through AppTest as an
analyst would use it: read the ranking, click a concept, see every page
filtered, open a weak signal's drill-down.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import html as lxml_html
from streamlit.testing.v1 import AppTest

from loaders import build_cache, read_cache
from loaders.concepts.keys import slug
from seedscope.briefing import build_briefing
from seedscope.explore import Explorer
from seedscope.filters import FilterState
from seedscope.trends import compute_trends
from tests.conftest import ROOT
from tests.planted import EMERGING, FADING, NEW, RISING, STEADY, WEAK, make_planted_corpus


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("planted")
    seeds = make_planted_corpus(folder / "seeds")
    cache = folder / "cache"
    build_cache(seeds, cache)
    return seeds, cache


@pytest.fixture
def app(planted: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> AppTest:
    seeds, cache = planted
    monkeypatch.setenv("SEEDSCOPE_SEEDS", str(seeds))
    monkeypatch.setenv("SEEDSCOPE_CACHE", str(cache))
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    app.run()
    app.switch_page("pages/explore/trends.py").run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def frame(app: AppTest, prefix: str):
    for element in app.dataframe:
        if element.key and element.key.startswith(prefix):
            return element
    raise AssertionError(f"no table {prefix}: {[e.key for e in app.dataframe]}")


def select_row(app: AppTest, prefix: str, column: str, value: str) -> None:
    """Click the row of a selectable table whose ``column`` holds ``value``."""
    table = frame(app, prefix)
    rows = table.value[column].tolist()
    assert value in rows, f"{value!r} not in {rows[:10]}"
    app.session_state[table.key] = {
        "selection": {"rows": [rows.index(value)], "columns": [], "cells": []}
    }
    app.run()


def metric(app: AppTest, label: str) -> str:
    return next(str(m.value) for m in app.metric if m.label == label)


def test_momentum_ranks_the_planted_concepts(planted: tuple[Path, Path]) -> None:
    explorer = Explorer(read_cache(planted[1]))
    trends = compute_trends(explorer, explorer.view(FilterState()))
    assert trends.window is not None and trends.window.quarters == ("2024Q3", "2024Q4")
    table = trends.table.set_index("concept")
    assert table.loc[slug(RISING), "momentum"] == "rising"
    assert table.loc[slug(NEW), "momentum"] == "new"
    assert table.loc[slug(FADING), "momentum"] == "fading"
    assert table.loc[slug(STEADY), "momentum"] == "steady"
    assert set(trends.table["concept"].head(2)) == {slug(RISING), slug(NEW)}
    assert trends.top("rising", 1)["concept"].tolist() == [slug(RISING)]
    assert trends.top("fading", 1)["concept"].tolist() == [slug(FADING)]


def test_the_trends_page_ranks_them_and_a_click_filters_every_page(app: AppTest) -> None:
    table = frame(app, "trends_rows").value
    assert set(table["label"].head(2)) == {RISING, NEW}
    labels = dict(zip(table["label"], table["momentum"], strict=True))
    assert (labels[RISING], labels[NEW], labels[FADING], labels[STEADY]) == (
        "rising",
        "new",
        "fading",
        "steady",
    )
    assert table["momentum"].tolist()[-1] == "fading"
    assert int(metric(app, "New")) >= 1 and int(metric(app, "Fading")) >= 1

    # click "planted rising": the theme filter is set, the URL says so, other pages obey
    select_row(app, "trends_rows", "label", RISING)
    assert app.session_state["f_theme"] == [slug(RISING)]
    assert app.query_params.get("theme") in (slug(RISING), [slug(RISING)])
    context = app.session_state["_run_context"]
    carrying = context.explorer.tags
    expected = carrying[(carrying["list"] == "Themes") & (carrying["value_norm"] == RISING)]
    assert len(context.view.documents) == expected["doc_id"].nunique()
    app.switch_page("pages/explore/overview.py").run()
    assert metric(app, "Documents") == f"{expected['doc_id'].nunique():,}"


def test_the_trends_page_lists_the_planted_signals_and_opens_their_drill_down(
    app: AppTest,
) -> None:
    emerging = frame(app, "emerging_rows").value
    assert EMERGING in set(emerging["name"])
    assert int(emerging.set_index("name").loc[EMERGING, "documents"]) == 3
    weak = frame(app, "weak_rows").value
    assert WEAK in set(weak["name"])
    select_row(app, "weak_rows", "name", WEAK)
    assert not app.exception, [e.value for e in app.exception]
    assert app.title[0].value == "Signals"
    detail = app.session_state["_run_context"].state.signal
    doc_id, position = detail.doc_id, detail.position
    entries = app.session_state["_run_context"].explorer.doc_entries(doc_id)
    names = entries[(entries["section"] == "Signals") & (entries["position"] == int(position))]
    assert names["name"].tolist() == [WEAK]


def test_page_settings_live_in_the_url_and_come_back(planted, monkeypatch) -> None:
    seeds, cache = planted
    monkeypatch.setenv("SEEDSCOPE_SEEDS", str(seeds))
    monkeypatch.setenv("SEEDSCOPE_CACHE", str(cache))
    first = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    first.run()
    first.switch_page("pages/explore/trends.py").run()
    first.segmented_control(key="p_concepts").set_value("keywords").run()
    first.selectbox(key="p_window").set_value("4").run()
    first.segmented_control(key="p_period").set_value("month").run()
    query = {key: first.query_params[key] for key in ("concepts", "window", "period")}
    assert query == {"concepts": "keywords", "window": "4", "period": "month"}
    assert "2024 Q1 – 2024 Q4" in " ".join(c.value for c in first.caption)

    # the link opened in a new session shows the same view
    second = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    for key, value in query.items():
        second.query_params[key] = value
    second.run()
    second.switch_page("pages/explore/trends.py").run()
    assert "Keywords by momentum" in [s.value for s in second.subheader]
    assert "2024 Q1 – 2024 Q4" in " ".join(c.value for c in second.caption)
    assert frame(second, "trends_rows").value["trend"].map(len).max() == 24  # months


def test_the_briefing_ranks_the_planted_concepts(planted: tuple[Path, Path]) -> None:
    explorer = Explorer(read_cache(planted[1]))
    page = lxml_html.fromstring(build_briefing(explorer, FilterState()))
    rising = page.xpath('//table[@data-table="rising-themes"]/tbody/tr/@data-concept')
    assert set(rising[:2]) == {RISING, NEW}
    assert FADING not in rising and STEADY not in rising
    fading = page.xpath('//table[@data-table="fading-themes"]/tbody/tr/@data-concept')
    assert fading[0] == FADING
    badges = {
        tr.get("data-concept"): tr.xpath('.//span[contains(@class, "badge")]/text()')[0]
        for tr in page.xpath('//table[@data-table="rising-themes"]/tbody/tr')
    }
    assert (badges[RISING], badges[NEW]) == ("rising", "new")
    emerging = page.xpath('//table[@data-table="emerging"]/tbody/tr/td[1]/text()')
    weak = page.xpath('//table[@data-table="weak"]/tbody/tr/td[1]/text()')
    assert EMERGING in emerging and WEAK in weak
    legend = page.xpath('//figure[@data-chart="rising-themes"]//button/text()')
    assert set(legend[:2]) == {RISING, NEW}
