"""Workshop glue: the store, the room's addresses, and the presenter's chrome.

The slides' HTML is built in :mod:`seedscope.workshop.projector` (Jinja2
templates with autoescape); this module only knows Streamlit and where
things are: the database in Seedscope's data folder, the room server that
phones reach, and the dashboard's own address for the presenter link.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from enum import Enum

import streamlit as st

from loaders import data_dir
from seedscope.explore import Explorer
from seedscope.workshop import DB_NAME, Workshop, WorkshopStore
from seedscope.workshop.content import slide_texts
from seedscope.workshop.room.address import internal_url, is_loopback, public_url, valid_url
from seedscope.workshop.room.server import store_tag

ROOM_PAGES = ("present",)
ROOM_URL_SETTING = "room_url"


@st.cache_resource(show_spinner=False)
def _store(path: str) -> WorkshopStore:
    return WorkshopStore(path)


def store() -> WorkshopStore:
    """The decks and ratings database, next to the caches in Seedscope's data folder."""
    return _store(str(data_dir() / DB_NAME))


def corpus_key(seeds: object) -> str:
    """Decks belong to a corpus: the seeds folder they were made from."""
    return str(seeds)


# -- addresses --------------------------------------------------------------------


def base_url() -> str:
    """The dashboard's address as the browser sees it (for the presenter link)."""
    url = st.context.url or "http://localhost:8501/"
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def room_url(db: WorkshopStore) -> str:
    """The room server's address for phones: the facilitator's setting, else the detected one."""
    chosen = db.setting(ROOM_URL_SETTING)
    return chosen.rstrip("/") if chosen and valid_url(chosen) else public_url()


def set_room_url(db: WorkshopStore, url: str) -> str | None:
    """Keep the facilitator's address for phones; returns an error message if unusable."""
    text = url.strip()
    if not text:
        db.set_setting(ROOM_URL_SETTING, None)
        return None
    if not valid_url(text):
        return "Type a full address such as http://192.168.1.20:8502 (no ?query)."
    db.set_setting(ROOM_URL_SETTING, text.rstrip("/"))
    return None


def participant_link(db: WorkshopStore, workshop: Workshop) -> str:
    return f"{room_url(db)}/?w={workshop.join_code}"


def presenter_link(workshop: Workshop, key: str) -> str:
    return f"{base_url()}/present?w={urllib.parse.quote(workshop.id)}&key={urllib.parse.quote(key)}"


class RoomHealth(Enum):
    RUNNING = "running"
    DOWN = "down"
    OTHER_STORE = "other"


@st.cache_data(ttl=3, show_spinner=False)
def _health(url: str, tag: str) -> RoomHealth:
    try:
        with urllib.request.urlopen(f"{url}/healthz", timeout=0.5) as response:
            answer = json.loads(response.read())
    except (OSError, ValueError, urllib.error.URLError):
        return RoomHealth.DOWN
    return RoomHealth.RUNNING if answer.get("store") == tag else RoomHealth.OTHER_STORE


def room_health(db: WorkshopStore) -> RoomHealth:
    """Whether the room server answers on this computer, on this same database."""
    return _health(internal_url(), store_tag(db.path))


def room_warning(db: WorkshopStore) -> str | None:
    """What stops phones from joining, in words for the facilitator; None when all is well."""
    health = room_health(db)
    if health is RoomHealth.DOWN:
        return (
            "The room server is not running, so phones cannot join: start Seedscope with "
            "`make run`, or run `python -m seedscope.workshop.room`."
        )
    if health is RoomHealth.OTHER_STORE:
        return (
            "The room server on this port serves another data folder: phones would not "
            "see this workshop. Stop it, or start Seedscope with its own SEEDSCOPE_ROOM_PORT."
        )
    if is_loopback(room_url(db)):
        return (
            "Phones cannot open this address (it means the phone itself): connect to the "
            "room's network, or set the address on the Decks page."
        )
    return None


# -- the presenter's page ------------------------------------------------------------

HIDE_CHROME = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stExpandSidebarButton"], [data-testid="stHeader"], [data-testid="stToolbar"],
[data-testid="stDecoration"], [data-testid="stStatusWidget"], footer {display: none !important;}
</style>
"""


def hide_chrome() -> None:
    """Sidebar, header and toolbar out of the way: a projector needs the space."""
    st.html(HIDE_CHROME)


def publish_missing(db: WorkshopStore, explorer: Explorer, workshop: Workshop, key: str) -> None:
    """Give the room the words of deck signals it does not have yet (new or edited deck)."""
    missing = db.unpublished_signals(workshop.id)
    if missing:
        db.publish_slides(workshop.id, key, slide_texts(explorer, missing))


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
