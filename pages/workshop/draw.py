"""Draw cards: a random hand of signals under the current filters, for ideation.

The seed lives in the URL (``draw=<seed>``), so a shared link shows the same
cards; "Draw again" picks a new seed. Each card can go into a workshop deck.
"""

from __future__ import annotations

import streamlit as st

from seedscope.draw import DEFAULT_CARDS, MAX_CARDS, draw_cards, new_seed, parse_seed
from seedscope.filters import SignalRef
from seedscope.fmt import cell_text, count_label, fmt_date
from seedscope.safety import escape_markdown
from ui import context, sidebar, state
from ui.drilldown import relevancy_dots
from ui.widgets import filters_caption
from ui.workshop import corpus_key, store

NEW_DECK = "__new__"
STEPS = (
    ("description", "Today"),
    ("change", "Change"),
    ("ten_year", "In 10 years"),
    ("driving_force", "Driving force"),
)

ctx = context.get()
view, explorer = ctx.view, ctx.explorer

st.title("Draw cards")
filters_caption(ctx)
if view.empty or view.signals.empty:
    sidebar.empty_state(ctx.state, ctx.explorer)
    context.end()

# the seed: from the URL, else a fresh one (which then goes into the URL)
raw = state.page_param("draw", "", None, key="draw_seed")
seed = parse_seed(raw)
if seed is None:
    seed = new_seed()
    st.session_state["draw_seed"] = str(seed)
count = int(
    state.page_param(
        "cards", str(DEFAULT_CARDS), [str(n) for n in range(1, MAX_CARDS + 1)], key="draw_count"
    )
)


def draw_again() -> None:
    st.session_state["draw_seed"] = str(new_seed())


def add_to_deck(doc_id: str, position: int) -> None:
    """A button callback: it runs before the widgets, so it may pick the deck shown."""
    target = st.session_state.get("draw_deck")
    if target == NEW_DECK or db.get_deck(str(target)) is None:
        deck = db.create_deck("Drawn cards", corpus, [(doc_id, position)])
    else:
        deck = db.add_signal(str(target), doc_id, position)
    st.session_state["draw_deck"] = deck.id
    st.session_state["active_deck"] = deck.id
    st.session_state["_draw_added"] = f"Added to “{deck.name}” ({len(deck.signals)} signals)"


db = store()
corpus = corpus_key(ctx.choice.seeds)
added_message = st.session_state.pop("_draw_added", None)
if added_message:
    st.toast(added_message, icon=":material/playlist_add:")
decks = db.list_decks(corpus)
deck_names = {deck.id: deck.name for deck in decks}
options = [deck.id for deck in decks] + [NEW_DECK]
if st.session_state.get("draw_deck") not in options:
    active = st.session_state.get("active_deck")
    st.session_state["draw_deck"] = active if active in deck_names else options[0]

count_cell, again_cell, deck_cell = st.columns([2, 2, 3], vertical_alignment="bottom")
count_cell.selectbox(
    "Cards", [str(n) for n in range(1, MAX_CARDS + 1)], key="draw_count", help="How many to draw"
)
again_cell.button(
    "Draw again",
    on_click=draw_again,
    icon=":material/casino:",
    type="primary",
    key="draw_again",
    width="stretch",
)
target = deck_cell.selectbox(
    "Add cards to",
    options,
    key="draw_deck",
    format_func=lambda deck_id: deck_names.get(deck_id, "a new deck “Drawn cards”"),
)
st.caption(
    f"Draw **{seed}** · {count_label(len(view.signals), 'signal')} under these filters · "
    "copy this page's link to show the same cards to someone else"
)

cards = draw_cards(explorer, view, count, seed)
in_deck = set(db.get_deck(target).signals) if target != NEW_DECK and db.get_deck(target) else set()
per_row = 3
for start in range(0, len(cards), per_row):
    for column, (i, card) in zip(
        st.columns(per_row), list(cards.iloc[start : start + per_row].iterrows()), strict=False
    ):
        ref = (str(card["doc_id"]), int(card["position"]))
        with column.container(border=True, key=f"card_{i}"):
            st.markdown(f"#### {escape_markdown(card['name'])}")
            st.caption(relevancy_dots(card["relevancy"]))
            for field, label in STEPS:
                text = cell_text(card[field])
                shown = "*not stated*" if text is None else escape_markdown(text)
                st.markdown(f"**{label}:** {shown}")
            st.caption(f"{escape_markdown(card['title'])} · {fmt_date(card['page_date'])}")
            left, right = st.columns(2)
            added = ref in in_deck
            left.button(
                "In the deck" if added else "Add to deck",
                key=f"card_add_{i}",
                icon=":material/check:" if added else ":material/playlist_add:",
                disabled=added,
                width="stretch",
                on_click=add_to_deck,
                args=ref,
            )
            if right.button(
                "Open", key=f"card_open_{i}", icon=":material/sensors:", width="stretch"
            ):
                context.open_signal(SignalRef(*ref))
