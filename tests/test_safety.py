"""Untrusted document text renders literally, and only http(s) links are clickable.

Rendering goes through markdown-it-py (CommonMark, raw HTML disabled, GFM
tables on), the closest pure-Python stand-in for Streamlit's ``st.markdown``.
"""

from __future__ import annotations

import html
import math
import re
import subprocess
import sys

import pandas as pd
import pytest
from markdown_it import MarkdownIt

from seedscope.safety import MAX_URL_LENGTH, escape_markdown, link_markdown, safe_url
from seedscope.search_highlight import highlighted_markdown

MD = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])


def render(source: str) -> str:
    return MD.render(source)


def visible_text(rendered: str) -> str:
    """The text a reader sees: tags removed, entities decoded, line breaks as newlines."""
    text = re.sub(r"<br\s*/?>\n?", "\n", rendered)
    text = re.sub(r"<[^>]+>", "", text)
    return html.unescape(text).strip()


# -- safe_url ------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " javascript:alert(1)",
        "java\nscript:alert(1)",
        "java\tscript:alert(1)",
        "\x00javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "data:text/html;base64,PHNjcmlwdD4=",
        "vbscript:msgbox(1)",
        "file:///etc/passwd",
        "//evil.com",
        "ftp://x",
        "http:/x",
        "http:x",
        "https://",
        "http:///path",
        "/relative/path",
        "www.example.com",
        'https://ok.example/"onmouseover="alert(1)',
        "https://ok.example/<script>",
        "https://ok.example/a b",
        "https://ok.example\\@evil.com",
        "https://ok.example/\u202egnp.exe",
        "https://[::1",
        "",
        None,
        42,
        float("nan"),
    ],
)
def test_unsafe_urls_are_refused(url: object) -> None:
    assert safe_url(url) is None


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://ok.example/a?b=c", "http://ok.example/a?b=c"),
        ("https://x", "https://x"),
        ("HTTPS://Example.com/Path", "HTTPS://Example.com/Path"),
        ("  https://x/y\n", "https://x/y"),
        ("https://en.wikipedia.org/wiki/Foo_(bar)", "https://en.wikipedia.org/wiki/Foo_(bar)"),
        ("https://例え.jp/パス", "https://例え.jp/パス"),
    ],
)
def test_absolute_http_urls_are_accepted(url: str, expected: str) -> None:
    assert safe_url(url) == expected


# -- escape_markdown -----------------------------------------------------------

NASTY = [
    "<script>alert(1)</script>",
    "[x](javascript:alert(1))",
    "**bold** and __bold__ and *it* and _it_",
    "$x$ and $$y$$",
    "# heading",
    "> quote",
    "- item",
    "1. item",
    "2) item",
    "| a | b |\n|---|---|\n| c | d |",
    "`code` and ```fence```",
    "~~strike~~",
    "<https://autolink.example>",
    "&lt;b&gt; &amp; &#x3C;",
    "![img](https://x/y.png)",
    "[ref]: https://x",
    ":red[colour] :smile:",
    "Title\n===",
    "    indented code",
    "a\\*b",
    "<img src=x onerror=alert(1)>",
]


@pytest.mark.parametrize("text", NASTY)
def test_escaped_text_renders_literally(text: str) -> None:
    rendered = render(escape_markdown(text, multiline=True))
    for tag in ("<script", "<a", "<strong", "<em", "<img", "<h1", "<h2", "<code", "<pre"):
        assert tag not in rendered
    for tag in ("<blockquote", "<ul", "<ol", "<li", "<table", "<s>", "<hr"):
        assert tag not in rendered
    assert rendered.startswith("<p>")
    assert visible_text(rendered).replace("\u00a0", " ") == text.strip()


@pytest.mark.parametrize("text", NASTY)
def test_single_line_escaping_keeps_everything_on_one_line(text: str) -> None:
    escaped = escape_markdown(text)
    assert "\n" not in escaped
    rendered = render(escaped)
    assert "<a" not in rendered and "<strong" not in rendered and "<script" not in rendered
    expected = text.replace("\n", " ").strip()
    assert visible_text(rendered).replace("\u00a0", " ") == expected


def test_escaped_text_survives_inside_a_table_cell() -> None:
    cell = escape_markdown("a | b **c**")
    rendered = render(f"| head |\n|---|\n| {cell} |\n")
    assert rendered.count("<td>") == 1
    assert "<strong" not in rendered
    assert "a | b **c**" in html.unescape(rendered)


def test_multiline_keeps_line_breaks_and_paragraphs() -> None:
    rendered = render(escape_markdown("first line\nsecond line\n\nnew paragraph", multiline=True))
    assert rendered.count("<br") == 1
    assert rendered.count("<p>") == 2
    assert "first line" in rendered and "new paragraph" in rendered


@pytest.mark.parametrize("missing", [None, float("nan"), math.nan, pd.NA, pd.NaT])
def test_missing_text_is_empty(missing: object) -> None:
    assert escape_markdown(missing) == ""


def test_plain_words_and_non_ascii_are_left_alone() -> None:
    assert escape_markdown("Énergie renouvelable 2030") == "Énergie renouvelable 2030"
    assert escape_markdown(4.5) == "4\\.5"
    assert escape_markdown("a\x00b\x1bc") == "abc"


# -- link_markdown -------------------------------------------------------------


def test_safe_links_are_clickable_with_an_escaped_label() -> None:
    rendered = render(link_markdown("**Report** [2025]", "https://ok.example/a?b=c&d=(e)"))
    assert rendered.count("<a ") == 1
    assert 'href="https://ok.example/a?b=c&amp;d=(e)"' in rendered
    assert "<strong" not in rendered
    assert "**Report** [2025]" in visible_text(rendered)


def test_an_entity_in_a_safe_url_stays_literal() -> None:
    rendered = render(link_markdown("x", "https://ok.example/?a=1&amp;b=2"))
    assert 'href="https://ok.example/?a=1&amp;amp;b=2"' in rendered


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,<b>x</b>", "//evil.com"],
)
def test_unsafe_links_are_shown_but_never_clickable(url: str) -> None:
    rendered = render(link_markdown("Click me", url))
    assert "<a" not in rendered
    assert "<b>" not in rendered
    assert visible_text(rendered) == f"Click me ({url})"


def test_a_url_longer_than_any_real_link_is_never_clickable() -> None:
    base = "https://ok.example/"
    longest = base + "a" * (MAX_URL_LENGTH - len(base))
    assert safe_url(longest) == longest
    assert safe_url(longest + "a") is None
    assert "<a" not in render(link_markdown("Report", longest + "a"))


def test_link_without_label_or_url() -> None:
    assert visible_text(render(link_markdown(None, "https://x/y"))) == "https://x/y"
    assert "<a " in render(link_markdown(None, "https://x/y"))
    assert link_markdown("Label", None) == "Label"
    assert link_markdown("Label", "  ") == "Label"


def test_the_module_never_imports_streamlit() -> None:
    """Pure logic stays importable (and testable) without the UI framework."""
    code = "import sys, seedscope.safety; assert 'streamlit' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_search_highlights_keep_document_text_inert() -> None:
    """Matched words are wrapped in markup; everything around and inside stays text."""
    marked = (
        '<script>alert("x")</script> \x02[click](javascript:alert(1))\x03 and '
        "\x02**energy**\x03 :red[x]"
    )
    source = highlighted_markdown(marked)
    rendered = render(source)
    assert "<script" not in rendered and "<a" not in rendered and "<strong>energy" not in rendered
    assert source.count(":orange-background[**") == 2
    # what the reader sees is the text itself, matched words inside Streamlit's
    # highlight directive (which markdown-it leaves as text)
    expected = marked.replace("\x02", ":orange-background[").replace("\x03", "]")
    assert visible_text(rendered).replace("\u00a0", " ") == expected
