"""Document text is untrusted: make it inert before Streamlit renders it.

Seed documents are third-party Markdown, and the loader hands their cells out
as plain text (raw HTML kept as literal characters). Pages that put that text
into ``st.markdown`` would otherwise *re-interpret* it: ``**x**`` turns bold,
``[x](javascript:...)`` becomes a link, ``$x$`` becomes maths, ``:red[x]``
colours text. These helpers turn text back into something that renders as
exactly the characters it holds, and let only absolute http(s) links be
clickable (``javascript:``, ``data:`` and friends run code in the browser).
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

from .fmt import is_missing

#: Longer than any real page link; keeps pathological cells out of hrefs.
MAX_URL_LENGTH = 4096

# C0, DEL and C1 controls: browsers drop tab/newline inside URLs and strip
# the rest at the ends, so "java\nscript:" must be judged as "javascript:".
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# What a URL written in a cell must never contain once cleaned: these either
# break out of a Markdown link or an HTML attribute, or hide the real target.
_FORBIDDEN = re.compile(r"[\s\"'`<>\\]")
_HTTP = re.compile(r"https?://[^/]", re.IGNORECASE)
# Every ASCII punctuation character: CommonMark allows a backslash before any
# of them and renders the character literally, so escaping them all is both
# safe and exact (it covers the Markdown, GFM, maths and directive syntaxes).
_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")
# Control characters other than newline, to drop from displayed text.
_TEXT_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_LEADING_SPACE = re.compile(r"^[ \t]+", re.MULTILINE)
# Characters that make a URL display as something other than what it is.
_INVISIBLE = frozenset({"Cf", "Co", "Cs", "Cn", "Zl", "Zp"})


def safe_url(url: object) -> str | None:
    """The URL if it is an absolute http(s) link safe to make clickable, else None.

    Control characters are removed and whitespace stripped first, as a
    browser would, so ``" java\\nscript:..."`` is recognised for what it is.
    Anything still holding whitespace, quotes, angle brackets or backslashes
    is refused rather than repaired: a real page link never needs them.
    """
    if not isinstance(url, str):
        return None
    text = _CONTROL.sub("", url).strip()
    if not text or len(text) > MAX_URL_LENGTH:
        return None
    if _FORBIDDEN.search(text) or not _HTTP.match(text):
        return None
    if any(unicodedata.category(ch) in _INVISIBLE for ch in text):
        return None
    try:
        parts = urlsplit(text)
        host = parts.hostname
    except ValueError:  # e.g. an unclosed IPv6 bracket
        return None
    if parts.scheme.lower() not in ("http", "https") or not host:
        return None
    return text


def escape_markdown(text: object, multiline: bool = False) -> str:
    """Markdown source that renders as exactly ``text``, as plain text.

    Every ASCII punctuation character gets a backslash, so no emphasis, link,
    heading, list, table, HTML tag, entity, ``$`` maths or ``:directive[]``
    can form. Leading spaces become no-break spaces so indentation cannot turn
    a line into a code block. Newlines become spaces, or hard line breaks
    when ``multiline`` is set (for summaries). None and NaN give "".
    """
    if is_missing(text):
        return ""
    value = str(text).replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    value = _TEXT_CONTROL.sub("", value)
    if not multiline:
        value = value.replace("\n", " ")
    value = _PUNCTUATION.sub(r"\\\1", value)
    value = _LEADING_SPACE.sub(lambda m: "\u00a0" * len(m.group()), value)
    if multiline:
        value = "  \n".join(value.split("\n"))
    return value


def _link_destination(url: str) -> str:
    """``url`` as a Markdown link destination that means exactly ``url``.

    Parentheses would end the destination early and ``&`` would start an
    entity reference; a backslash before each keeps them literal.
    """
    return re.sub(r"([()&])", r"\\\1", url)


def link_markdown(label: object, url: object) -> str:
    """A clickable ``[label](url)`` when the URL is safe; otherwise inert text.

    An unsafe URL is still shown (escaped, after the label) so an analyst
    can see what the document pointed at, but it is never a link.
    """
    safe = safe_url(url)
    shown = escape_markdown(label)
    if safe is not None:
        return f"[{shown or escape_markdown(safe)}]({_link_destination(safe)})"
    if is_missing(url) or not str(url).strip():
        return shown
    raw = escape_markdown(url)
    return f"{shown} \\({raw}\\)" if shown else raw


__all__ = ["MAX_URL_LENGTH", "escape_markdown", "link_markdown", "safe_url"]
