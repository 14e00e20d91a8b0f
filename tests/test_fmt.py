"""Numbers as people read them: one way of saying "missing", whatever pandas hands over."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from seedscope.fmt import MISSING, cell_text, fmt_mean, fmt_relevancy, fmt_share, is_missing

MISSING_VALUES = [None, float("nan"), np.nan, np.float32("nan"), pd.NA, pd.NaT]


@pytest.mark.parametrize("value", MISSING_VALUES, ids=repr)
@pytest.mark.parametrize("formatter", [fmt_relevancy, fmt_mean, fmt_share])
def test_every_kind_of_missing_reads_as_the_one_dash(formatter, value: object) -> None:
    assert formatter(value) == MISSING


def test_numbers_from_any_column_type_read_the_same() -> None:
    for four in (4, 4.0, np.int64(4), np.float64(4.0), np.float32(4.0), "4"):
        assert fmt_relevancy(four) == "4"
        assert fmt_mean(four) == "4.0"
    assert fmt_relevancy(np.float64(3.25)) == "3.2"  # one decimal, half to even
    assert fmt_share(np.float64(2 / 3)) == "67 %"
    assert fmt_share(0) == "0 %"


def test_a_value_that_is_not_a_number_is_an_error_not_a_guess() -> None:
    with pytest.raises(TypeError, match="not a number"):
        fmt_mean([4.0])


def test_a_list_is_a_value_even_when_it_holds_missing_ones() -> None:
    assert not is_missing([float("nan")]) and not is_missing(np.array([np.nan]))
    assert not is_missing([]) and not is_missing(("a", "b"))


def test_a_cell_is_its_stripped_text_or_none() -> None:
    assert [cell_text(v) for v in MISSING_VALUES] == [None] * len(MISSING_VALUES)
    assert cell_text("  \n ") is None
    assert cell_text("  Solar roofs ") == "Solar roofs"
    assert cell_text(4.5) == "4.5"
