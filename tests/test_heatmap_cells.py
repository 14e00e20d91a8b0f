""" "Filter everything to this cell" shows exactly the cell's entries, in every sidebar mode.

A concept's row counts that concept alone, a broadest concept's row counts it
with everything below it, and the raw view counts spellings: the filter a
click applies must select the same entries whatever the "Include narrower
concepts" switch said before the click.
"""

from __future__ import annotations

import pytest

from seedscope.explore import Explorer
from seedscope.filters import FilterState
from seedscope.heatmap import build_heatmap
from seedscope.heatmap_cells import cell_filters

MODES = {
    "concepts with narrower": {},
    "concepts alone": {"narrower": False},
    "as written": {"raw": True},
}


@pytest.fixture(scope="module")
def explorer(real_corpus) -> Explorer:
    return Explorer(real_corpus)


@pytest.mark.parametrize("rows", ["theme", "theme_top", "keyword", "keyword_top"])
@pytest.mark.parametrize("mode", MODES)
def test_a_cells_filter_selects_the_entries_it_counts(
    explorer: Explorer, rows: str, mode: str
) -> None:
    state = FilterState().with_changes(**MODES[mode])
    heatmap = build_heatmap(explorer, explorer.view(state), rows, "section", "count")
    counts = heatmap.count.to_numpy()
    assert counts.sum() > 0
    wrong = {}
    for i, row_key in enumerate(heatmap.rows[:12]):
        for j, section in enumerate(heatmap.cols):
            filtered = explorer.view(cell_filters(state, rows, row_key, "section", section))
            if len(filtered.entries) != counts[i, j]:
                wrong[(row_key, section)] = (int(counts[i, j]), len(filtered.entries))
    assert not wrong, f"(cell count, entries after the filter): {wrong}"
