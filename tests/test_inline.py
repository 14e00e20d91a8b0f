"""Cell text is plain text: checked case by case, and the fast path by property."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it.utils import read_fixture_file

from loaders.inline import to_plain
from tests.conftest import FIXTURES
from tests.support.references import plain_via_parser

CASES = read_fixture_file(FIXTURES / "plain_text.md")


@pytest.mark.parametrize(("line", "title", "raw", "expected"), CASES, ids=[c[1] for c in CASES])
def test_plain_text(line: int, title: str, raw: str, expected: str) -> None:
    raw, expected = raw.rstrip("\n"), expected.rstrip("\n")
    assert to_plain(raw).text == expected
    assert plain_via_parser(raw).text == expected


def test_raw_html_is_flagged() -> None:
    assert to_plain("a <b>b</b>").has_html
    assert not to_plain("a < b").has_html


# Text built from the characters that matter to inline Markdown, plus ordinary ones.
cell_text = st.text(alphabet=st.sampled_from(list("ab _*`\\[]()<>&!#|:;.-é1 ")), max_size=30)


@settings(max_examples=600, deadline=None)
@given(cell_text)
def test_shortcuts_agree_with_markdown_it(raw: str) -> None:
    raw = raw.strip()
    assert to_plain(raw) == plain_via_parser(raw)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("abc XYZ-:'é,.")), min_size=1, max_size=25))
def test_strong_wrapper_shortcut_agrees(inner: str) -> None:
    for raw in (f"__{inner}__", f"**{inner}**"):
        assert to_plain(raw) == plain_via_parser(raw)
