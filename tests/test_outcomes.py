"""Outcomes: 10-year outcomes by theme, and the driving force → signal → outcome links."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from loaders import load_corpus
from seedscope.explore import Explorer
from seedscope.figures import sankey_figure
from seedscope.filters import FilterState
from seedscope.outcomes import (
    LINK_COLUMNS,
    OUTCOME_COLUMNS,
    node_label,
    node_layer,
    outcomes_by_theme,
    sankey_flows,
    sankey_links,
    wording_groups,
)
from tests.conftest import FIXTURE_DOCS
from tests.factories import doc, entry, make_corpus, tags


def signal(doc_id, position, name, ten_year, force, relevancy):
    return entry(
        doc_id, "Signals", position, relevancy, name, ten_year=ten_year, driving_force=force
    )


@pytest.fixture(scope="module")
def explorer() -> Explorer:
    documents = [doc("d1", "Solar roads"), doc("d2", "Wind farms"), doc("d3")]
    entries = [
        signal("d1", 0, "Solar tiles", "Roads power homes", "Cheap PV", 4),
        signal("d1", 1, "Grid feed", "Decentralised grids", "Energy independence", 5),
        signal("d1", 2, "No outcome", None, "Anything", 5),
        entry("d1", "Concerns", 0, 5, "Cracks", ten_year="a concern is not a signal"),
        signal("d2", 0, "Offshore wind", "Wind dominates", "Cheap  PV ", None),
        signal("d2", 1, "Turbine recycling", "Blades recycled", "Waste rules", 3),
        signal("d3", 0, "Care robots", "Robots in homes", "Ageing", 2),
    ]
    tag_rows = [
        *tags("d1", "Themes", ["energy", "Infrastructure"]),
        *tags("d2", "Themes", ["Energy"]),
        *tags("d3", "Themes", ["health"]),
    ]
    return Explorer(make_corpus(documents, entries, tag_rows))


def everything(explorer: Explorer):
    return explorer.view(FilterState())


# -- outcomes by theme ----------------------------------------------------------------


def test_outcomes_are_grouped_by_theme_most_signals_first(explorer: Explorer) -> None:
    table = outcomes_by_theme(explorer, everything(explorer))
    assert list(table.columns) == OUTCOME_COLUMNS
    # energy: d1's two + d2's two; infrastructure: d1's two; health: d3's one
    themes = list(dict.fromkeys(table["theme_id"]))
    assert themes == ["energy", "infrastructure", "health"]
    assert table.groupby("theme_id", sort=False).size().tolist() == [4, 2, 1]
    # shown as people spell them ("energy" and "Energy" tie: the first alphabetically)
    assert list(dict.fromkeys(table["theme"])) == ["Energy", "Infrastructure", "health"]


def test_within_a_theme_the_most_relevant_come_first_unrated_last(explorer: Explorer) -> None:
    energy = outcomes_by_theme(explorer, everything(explorer)).query("theme_id == 'energy'")
    assert energy["name"].tolist() == [
        "Grid feed",
        "Solar tiles",
        "Turbine recycling",
        "Offshore wind",
    ]
    assert math.isnan(energy["relevancy"].iloc[-1])


def test_only_signals_with_an_outcome_are_listed(explorer: Explorer) -> None:
    table = outcomes_by_theme(explorer, everything(explorer))
    assert "No outcome" not in set(table["name"])  # a signal without ten_year
    assert "Cracks" not in set(table["name"])  # a concern, even with a ten_year
    row = table[table["name"] == "Solar tiles"].iloc[0]
    assert (row["doc_id"], row["position"], row["ten_year"], row["title"]) == (
        "d1",
        0,
        "Roads power homes",
        "Solar roads",
    )
    assert table[table["theme_id"] == "health"]["title"].tolist() == ["d3"]  # untitled: doc_id


def test_top_themes_and_per_theme_cut_the_list(explorer: Explorer) -> None:
    table = outcomes_by_theme(explorer, everything(explorer), top_themes=2, per_theme=2)
    assert list(dict.fromkeys(table["theme_id"])) == ["energy", "infrastructure"]
    energy = table[table["theme_id"] == "energy"]
    assert energy["name"].tolist() == ["Grid feed", "Solar tiles"]
    # two shown of the four it holds: the page says "top 2 of 4"
    assert set(energy["theme_signals"]) == {4}


def test_outcomes_follow_the_filters(explorer: Explorer) -> None:
    table = outcomes_by_theme(explorer, explorer.view(FilterState(min_relevancy=4)))
    assert set(table["name"]) == {"Grid feed", "Solar tiles"}
    assert "health" not in set(table["theme_id"])


def test_no_outcomes_gives_an_empty_table_with_the_columns(explorer: Explorer) -> None:
    table = outcomes_by_theme(explorer, explorer.view(FilterState(q="nothing like this")))
    assert table.empty and list(table.columns) == OUTCOME_COLUMNS


def test_outcomes_on_the_fixture_corpus(tmp_path: Path) -> None:
    explorer = Explorer(load_corpus(FIXTURE_DOCS, tmp_path / "cache"))
    table = outcomes_by_theme(explorer, explorer.view(FilterState()))
    solar = table[table["name"] == "Solar Road Tiles"]
    # grouped by the themes' concepts, shown by their labels
    assert set(solar["theme_id"]) == {"renewable-energy", "infrastructure"}
    assert set(solar["theme"]) == {"renewable energy", "infrastructure"}
    assert solar["ten_year"].iloc[0] == "Roads power nearby homes."


# -- sankey links ------------------------------------------------------------------------


def test_identical_driving_forces_merge_into_one_node(explorer: Explorer) -> None:
    links = sankey_links(everything(explorer).signals)
    assert list(links.columns) == LINK_COLUMNS
    forces = links[links["source"].map(node_layer) == "driving_force"]
    # "Cheap PV" and "Cheap  PV " are the same text: one node sending two signals
    cheap = forces[forces["source"].map(node_label) == "Cheap PV"]
    assert cheap["source"].nunique() == 1
    assert cheap["value"].sum() == 2
    assert set(cheap["target"].map(node_label)) == {"Solar tiles", "Offshore wind"}


def test_links_run_force_to_signal_to_outcome_and_skip_incomplete_signals(
    explorer: Explorer,
) -> None:
    links = sankey_links(everything(explorer).signals)
    layers = set(zip(links["source"].map(node_layer), links["target"].map(node_layer), strict=True))
    assert layers == {("driving_force", "signal"), ("signal", "ten_year")}
    names = set(links["target"].map(node_label))
    assert "No outcome" not in names  # no ten_year: no flow
    assert "Cracks" not in names  # not a signal
    # five complete signals: five links into signals and five out of them
    assert links.loc[links["target"].map(node_layer) == "signal", "value"].sum() == 5
    assert links.loc[links["source"].map(node_layer) == "signal", "value"].sum() == 5


def test_limit_keeps_the_most_relevant_signals(explorer: Explorer) -> None:
    links = sankey_links(everything(explorer).signals, limit=2)
    signals = set(links.loc[links["target"].map(node_layer) == "signal", "target"].map(node_label))
    assert signals == {"Grid feed", "Solar tiles"}


def test_same_text_in_two_layers_stays_two_nodes() -> None:
    frame = pd.DataFrame(
        {
            "name": ["Automation", "Automation"],
            "driving_force": ["Automation", "Labour costs"],
            "ten_year": ["Automation", "Fewer jobs"],
            "relevancy": [4.0, 3.0],
        }
    )
    links = sankey_links(frame)
    nodes = set(links["source"]) | set(links["target"])
    assert [node_label(n) for n in nodes].count("Automation") == 3
    # one signal node "Automation" fed by two forces and leading to two outcomes
    out_of_signal = links[links["source"].map(node_layer) == "signal"]
    assert out_of_signal["source"].nunique() == 1 and len(out_of_signal) == 2


def test_no_complete_signal_gives_an_empty_frame() -> None:
    frame = pd.DataFrame(
        {"name": ["A"], "driving_force": [None], "ten_year": ["Later"], "relevancy": [5.0]}
    )
    links = sankey_links(frame)
    assert links.empty and list(links.columns) == LINK_COLUMNS
    assert sankey_links(frame.iloc[0:0]).empty


# -- grouping by wording ---------------------------------------------------------------


def test_driving_forces_that_share_a_word_meet_in_one_node() -> None:
    frame = pd.DataFrame(
        {
            "name": ["Chips", "Rules", "Models", "Care"],
            "driving_force": [
                "Advances in AI chips",
                "Pressure to regulate AI",
                "Cheap AI models",
                "An ageing population",
            ],
            "ten_year": ["Faster phones", "Audited AI", "AI everywhere", "More care robots"],
            "relevancy": [5.0, 4.0, 3.0, 2.0],
        }
    )
    flows = sankey_flows(frame)
    forces = flows.links[flows.links["source"].map(node_layer) == "driving_force"]
    by_force = forces.groupby(forces["source"].map(node_label))["value"].sum().to_dict()
    # three forces mention AI: one node they all flow from; the fourth keeps its words
    assert by_force == {"AI (3)": 3, "An ageing population": 1}
    ai_node = next(s for s in forces["source"] if node_label(s) == "AI (3)")
    assert flows.members[ai_node] == [
        "Advances in AI chips",
        "Pressure to regulate AI",
        "Cheap AI models",
    ]
    # outcomes group the same way; signals stay one node each
    outcomes = flows.links[flows.links["target"].map(node_layer) == "ten_year"]
    assert set(outcomes["target"].map(node_label)) == {
        "AI (2)",
        "Faster phones",
        "More care robots",
    }
    assert (flows.shown, flows.total) == (4, 4)


def test_wording_groups_ignore_words_that_say_nothing() -> None:
    labels = wording_groups(["Growing demand for housing", "Growing demand for water"])
    # "growing" and "demand" head many texts without saying what about
    assert labels == ["Growing demand for housing", "Growing demand for water"]
    # identical texts are one; they count for as many texts as they are
    assert wording_groups(["Solar panels", "Solar farms", "solar  panels"]) == ["Solar (3)"] * 3
    assert wording_groups(["Wind farms", "wind farms "]) == ["Wind farms", "Wind farms"]


def test_flows_say_how_many_signals_were_left_out(explorer: Explorer) -> None:
    flows = sankey_flows(everything(explorer).signals, limit=2)
    assert (flows.shown, flows.total) == (2, 5)


def test_a_grouped_node_hovers_the_texts_it_stands_for() -> None:
    frame = pd.DataFrame(
        {
            "name": ["A", "B"],
            "driving_force": ["Cheap solar", "Solar subsidies"],
            "ten_year": ["Grids", "Roofs"],
            "relevancy": [5.0, 4.0],
        }
    )
    flows = sankey_flows(frame)
    node = sankey_figure(flows.links, flows.members).data[0].node
    hover = node.customdata[list(node.label).index("Solar (2)")]
    assert "Cheap solar" in hover and "Solar subsidies" in hover


def test_the_flows_download_reads_without_layer_markers(explorer: Explorer) -> None:
    table = sankey_flows(everything(explorer).signals).table()
    assert list(table.columns) == [
        "from_kind",
        "from",
        "from_texts",
        "to_kind",
        "to",
        "to_texts",
        "signals",
    ]
    assert not table.astype(str).apply(lambda c: c.str.contains("\x1f")).any().any()
    into_signals = table[table["to_kind"] == "signal"]
    assert set(into_signals["from_kind"]) == {"driving force"}
    assert into_signals["signals"].sum() == 5
