"""The briefing as one self-contained HTML file (Jinja2, autoescaping on).

The file holds everything it shows: styles and script are inlined, charts
are SVG, there are no fonts, images or external references. Its Content
Security Policy says the same to the browser (``default-src 'none'``; the
one script is allowed by its hash), so even a link or tag that slipped into
a document could not make the file fetch anything or run anything else.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from ..explore import Explorer
from ..filters import FilterState
from ..trends import WINDOW_QUARTERS
from .data import collect

HERE = Path(__file__).resolve().parent


@cache
def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(enabled_extensions=("html", "j2"), default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


@cache
def _asset(name: str) -> str:
    return (HERE / "static" / name).read_text(encoding="utf-8")


def _csp(script: str) -> str:
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
    return (
        "default-src 'none'; "
        f"script-src 'sha256-{digest}'; "
        "style-src 'unsafe-inline'; "
        "img-src data:; base-uri 'none'; form-action 'none'"
    )


def build_briefing(
    explorer: Explorer,
    state: FilterState,
    *,
    window_quarters: int = WINDOW_QUARTERS,
    today: dt.date | None = None,
    corpus_label: str = "",
    title: str | None = None,
) -> str:
    """The briefing of the view under ``state``, as the text of an HTML file."""
    briefing = collect(
        explorer,
        state,
        window_quarters=window_quarters,
        today=today,
        corpus_label=corpus_label,
        title=title,
    )
    script = _asset("briefing.js")
    return (
        _environment()
        .get_template("briefing.html.j2")
        .render(
            b=briefing,
            css=Markup(_asset("briefing.css")),
            script=Markup(script),
            csp=_csp(script),
        )
    )
