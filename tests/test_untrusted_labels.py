"""Document text and link parameters never become Markdown in labels and headings.

Streamlit renders Markdown in button labels, expander headings, subheaders,
warnings and toasts, images included: a signal named ``![](https://tracker/x.png)``
would make every reader's browser fetch that image, and a crafted link could
put a clickable phishing link inside one of Seedscope's own messages.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT

TRACKER = "![seen](https://tracker.example/x.png)"
PHISH = "[Verify your account](https://evil.example/login)"
#: As a digest writes them so that the parsed text holds the Markdown itself
#: (escaped in the source, or in a code span).
TRACKER_IN_SOURCE = r"\!\[seen\](https://tracker.example/x.png)"
PHISH_IN_SOURCE = "`[Verify your account](https://evil.example/login)`"

HOSTILE = f"""# __Hostile digest__, (from page [20250101](https://example.org/p).)

## Themes

* {PHISH_IN_SOURCE}

## Signals

| name | description | change | 10-year | driving-force | relevancy |
|---|---|---|---|---|---|
| First {TRACKER_IN_SOURCE} | d | c | t | f | 5 |
| Second {PHISH_IN_SOURCE} | d | c | t | f | 4 |
"""


def app_on(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, **query: str) -> AppTest:
    seeds = tmp_path / "seeds"
    seeds.mkdir(exist_ok=True)
    (seeds / "hostile.md").write_text(HOSTILE, encoding="utf-8")
    monkeypatch.setenv("SEEDSCOPE_SEEDS", str(seeds))
    monkeypatch.setenv("SEEDSCOPE_CACHE", str(tmp_path / "cache"))
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    for key, value in query.items():
        app.query_params[key] = value
    app.run()
    app.switch_page("pages/explore/signals.py")
    return app.run()


def rendered_as_markdown(text: str) -> bool:
    """True when ``text`` still holds an unescaped image or link."""
    return "](" in text.replace("\\]\\(", "").replace("\\](", "")


def test_signal_names_in_buttons_are_text(monkeypatch, tmp_path: Path) -> None:
    app = app_on(monkeypatch, tmp_path, signal="hostile:1")
    assert not app.exception, [e.value for e in app.exception]
    labels = [b.label for b in app.button if "tracker" in b.label or "evil" in b.label]
    assert labels, [button.label for button in app.button]
    assert not [label for label in labels if rendered_as_markdown(label)], labels


def test_a_crafted_signal_link_is_named_as_text(monkeypatch, tmp_path: Path) -> None:
    app = app_on(monkeypatch, tmp_path, signal=f"{PHISH}:1")
    warnings = [w.value for w in app.warning if "not in this corpus" in w.value]
    assert warnings, [w.value for w in app.warning]
    assert not rendered_as_markdown(warnings[0]), warnings[0]
