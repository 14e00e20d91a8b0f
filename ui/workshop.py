"""Workshop glue: the store, the participant link, and slides for a projector.

Slides are built as HTML *here*, from our own markup, with every piece of
document text passed through :func:`html.escape`; nothing from a document is
ever interpreted as markup.
"""

from __future__ import annotations

import html
import math
import secrets
import urllib.parse
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from loaders import data_dir
from seedscope.explore import Explorer
from seedscope.fmt import fmt_date
from seedscope.workshop import Workshop, WorkshopStore

ROOM_PAGES = ("present", "participate")
DB_NAME = "workshop.sqlite3"


@st.cache_resource(show_spinner=False)
def _store(path: str) -> WorkshopStore:
    return WorkshopStore(path)


def store() -> WorkshopStore:
    """The decks and ratings database, next to the caches in Seedscope's data folder."""
    return _store(str(data_dir() / DB_NAME))


def corpus_key(seeds: object) -> str:
    """Decks belong to a corpus: the seeds folder they were made from."""
    return str(seeds)


def base_url() -> str:
    """The app's address as the browser sees it (for links and the QR code)."""
    url = st.context.url or "http://localhost:8501/"
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def participant_link(workshop: Workshop) -> str:
    return f"{base_url()}/participate?w={workshop.join_code}"


def presenter_link(workshop: Workshop, key: str) -> str:
    return f"{base_url()}/present?w={urllib.parse.quote(workshop.id)}&key={urllib.parse.quote(key)}"


def new_participant_token() -> str:
    return secrets.token_urlsafe(18)


# -- chrome ---------------------------------------------------------------------

HIDE_CHROME = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stExpandSidebarButton"], [data-testid="stHeader"], [data-testid="stToolbar"],
[data-testid="stDecoration"], [data-testid="stStatusWidget"], footer {display: none !important;}
[data-testid="stMainBlockContainer"] {padding-top: 1.2rem; padding-bottom: 1rem;}
</style>
"""

PHONE_WIDTH = """
<style>
[data-testid="stMainBlockContainer"] {max-width: 640px; padding-left: 1rem; padding-right: 1rem;}
</style>
"""


def hide_chrome(phone: bool = False) -> None:
    """Sidebar, header and toolbar out of the way: a projector or a phone needs the space."""
    st.html(HIDE_CHROME + (PHONE_WIDTH if phone else ""))


# -- slides ---------------------------------------------------------------------

THEMES = {
    "light": {
        "bg": "#ffffff",
        "fg": "#111111",
        "muted": "#4a4a4a",
        "panel": "#f1f4f6",
        "accent": "#0b5d7a",
        "pip_off": "#c9d3d9",
    },
    "dark": {
        "bg": "#0d1117",
        "fg": "#f5f5f5",
        "muted": "#c4c8cc",
        "panel": "#1b232c",
        "accent": "#5cc8f0",
        "pip_off": "#3a4550",
    },
}


def slide_css(theme: str) -> str:
    c = THEMES.get(theme, THEMES["light"])
    return f"""
<style>
.slide {{background:{c["bg"]}; color:{c["fg"]}; border-radius:14px; padding:28px 36px;
  font-family: "Source Sans Pro", "Source Sans 3", system-ui, sans-serif;}}
.slide .kicker {{font-size:22px; color:{c["muted"]}; letter-spacing:0.04em; margin:0 0 6px;}}
.slide h1 {{font-size:58px; line-height:1.1; margin:0 0 14px; color:{c["fg"]}; font-weight:700;}}
.slide .pips {{font-size:34px; letter-spacing:6px; color:{c["accent"]}; margin:0 0 18px;}}
.slide .pips .off {{color:{c["pip_off"]};}}
.slide .pips .label {{font-size:24px; letter-spacing:0; color:{c["muted"]}; margin-left:10px;}}
.slide .grid {{display:grid; grid-template-columns:1fr 1fr; gap:18px;}}
.slide .block {{background:{c["panel"]}; border-radius:12px; padding:16px 22px;}}
.slide .block .label {{font-size:22px; font-weight:700; text-transform:uppercase;
  letter-spacing:0.06em; color:{c["accent"]}; margin-bottom:6px;}}
.slide .block .text {{font-size:30px; line-height:1.25;}}
.slide .source {{font-size:20px; color:{c["muted"]}; margin-top:18px;}}
.slide .big {{font-size:64px; font-weight:700; line-height:1.1;}}
.slide .code {{font-size:72px; font-weight:800; letter-spacing:0.12em; color:{c["accent"]};}}
.slide .url {{font-size:24px; color:{c["fg"]};}}
.slide .progress {{font-size:26px; color:{c["muted"]}; text-align:right;}}
</style>
"""


def _text(value: object, missing: str = "not stated") -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value == "":
        return f"<em>{missing}</em>"
    return html.escape(str(value))


def _pips(relevancy: object) -> str:
    if relevancy is None or (isinstance(relevancy, float) and math.isnan(relevancy)):
        return '<div class="pips"><span class="label">relevancy not rated</span></div>'
    filled = round(float(relevancy))  # type: ignore[arg-type]
    dots = "●" * filled + f'<span class="off">{"●" * (5 - filled)}</span>'
    label = f"{float(relevancy):g} / 5"  # type: ignore[arg-type]
    return (
        f'<div class="pips" role="img" aria-label="relevancy {label}">{dots}'
        f'<span class="label">relevancy {label}</span></div>'
    )


@dataclass(frozen=True)
class SignalContent:
    name: str
    description: object
    change: object
    ten_year: object
    driving_force: object
    relevancy: object
    title: str
    page_date: object


def signal_content(explorer: Explorer, doc_id: str, position: int) -> SignalContent | None:
    entries = explorer.doc_entries(doc_id)
    match = entries[(entries["section"] == "Signals") & (entries["position"] == position)]
    document = explorer.document(doc_id)
    if match.empty or document is None:
        return None
    row = match.iloc[0]
    name = row["name"] if isinstance(row["name"], str) else "(no name)"
    return SignalContent(
        name,
        row["description"],
        row["change"],
        row["ten_year"],
        row["driving_force"],
        row["relevancy"],
        str(document["title_text"]),
        document["page_date"],
    )


def signal_slide(content: SignalContent, progress: str) -> str:
    blocks = (
        ("Today", content.description),
        ("Change", content.change),
        ("In 10 years", content.ten_year),
        ("Driving force", content.driving_force),
    )
    grid = "".join(
        f'<div class="block"><div class="label">{label}</div><div class="text">{_text(value)}</div>'
        "</div>"
        for label, value in blocks
    )
    return (
        '<div class="slide" data-slide="signal">'
        f'<div class="progress">{html.escape(progress)}</div>'
        f"<h1>{html.escape(content.name)}</h1>{_pips(content.relevancy)}"
        f'<div class="grid">{grid}</div>'
        f'<div class="source">{html.escape(content.title)} · '
        f"{html.escape(fmt_date(content.page_date))}</div></div>"
    )


def join_panel(workshop: Workshop) -> str:
    """Join code and address (the QR code sits above): large enough for the back row."""
    return (
        '<div class="slide" data-slide="join">'
        '<div class="kicker">Join: scan the code, or open</div>'
        # <wbr>: if the address must wrap, it wraps before /participate
        f'<div class="url">{html.escape(base_url())}<wbr>/participate</div>'
        '<div class="kicker">and type</div>'
        f'<div class="code">{html.escape(workshop.join_code)}</div>'
        "</div>"
    )


def tally_panel(count: int) -> str:
    word = "person has" if count == 1 else "people have"
    return (
        f'<div class="slide" data-slide="tally"><div class="big">{count}</div>'
        f'<div class="kicker">{word} rated this signal</div></div>'
    )


def page_css(theme: str) -> str:
    """The whole page in the projector theme, not only the slide boxes."""
    c = THEMES.get(theme, THEMES["light"])
    return f"""
<style>
[data-testid="stApp"], [data-testid="stMain"], [data-testid="stMainBlockContainer"] {{
  background:{c["bg"]} !important; color:{c["fg"]};}}
[data-testid="stApp"] [data-testid="stCaptionContainer"],
[data-testid="stApp"] [data-testid="stMarkdownContainer"],
[data-testid="stApp"] [data-testid="stWidgetLabel"] {{color:{c["fg"]} !important;}}
[data-testid="stApp"] [data-testid^="stBaseButton-secondary"] {{
  background:{c["panel"]} !important; border-color:{c["pip_off"]} !important;}}
[data-testid="stApp"] [data-testid^="stBaseButton-secondary"] * {{color:{c["fg"]} !important;}}
</style>
"""


def summary_with_labels(explorer: Explorer, summary: pd.DataFrame) -> pd.DataFrame:
    """The store's per-signal summary with each signal's name as ``label``."""
    labels = []
    for row in summary.itertuples():
        content = signal_content(explorer, str(row.doc_id), int(row.position))
        labels.append(content.name if content else f"{row.doc_id}:{row.position}")
    return summary.assign(label=labels)


def star_button(container, corpus: str, doc_id: str, position: int, key: str) -> None:
    """Add a signal to the deck being prepared (a new "Starred signals" deck if none)."""
    db = store()
    deck = db.get_deck(st.session_state.get("active_deck") or "")
    if deck is None or deck.corpus != corpus:
        decks = db.list_decks(corpus)
        deck = decks[0] if decks else None
    starred = deck is not None and (doc_id, position) in deck.signals
    label = (
        f"In deck “{deck.name}”"
        if starred and deck
        else (f"Add to deck “{deck.name}”" if deck else "Star: start a deck")
    )
    clicked = container.button(
        label,
        icon=":material/star:" if starred else ":material/star_border:",
        key=key,
        width="stretch",
        disabled=starred,
        help="Decks are on the Workshop › Decks page",
    )
    if clicked:
        if deck is None:
            deck = db.create_deck("Starred signals", corpus)
        deck = db.add_signal(deck.id, doc_id, position)
        st.session_state["active_deck"] = deck.id
        st.toast(f"Added to “{deck.name}” ({len(deck.signals)} signals)", icon=":material/star:")
        st.rerun()
