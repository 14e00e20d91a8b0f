"""Presenter view: one signal per slide on a projector, the room's ratings live.

``/present?w=<workshop id>&key=<presenter key>``. Without the right key the
page shows how to join as a participant and nothing else.
"""

from __future__ import annotations

import html

import streamlit as st

from seedscope.explore import View
from seedscope.figures import heatmap_figure
from seedscope.filters import FilterState
from seedscope.fmt import count_label
from seedscope.heatmap import build_heatmap
from seedscope.qr import qr_png
from seedscope.safety import escape_markdown
from seedscope.workshop_figures import distribution_figure, matrix_figure, room_style
from ui import context
from ui.workshop import (
    hide_chrome,
    join_panel,
    page_css,
    participant_link,
    signal_content,
    signal_slide,
    slide_css,
    store,
    summary_with_labels,
    tally_panel,
)

ctx = context.get()
explorer = ctx.explorer
db = store()
hide_chrome()

workshop_id = st.query_params.get("w", "")
key = st.query_params.get("key", "")
workshop = db.get_workshop(workshop_id) if workshop_id else None
if workshop is None:
    st.title("Workshop not found")
    st.write("This presenter link does not match a workshop. Start one from the Decks page.")
    st.stop()
if not db.is_presenter(workshop.id, key):
    st.title("Presenter view")
    st.warning(
        "This page needs the presenter link with its key. To take part, use the "
        "participant link instead.",
        icon=":material/lock:",
    )
    st.page_link(
        ctx.pages["participate"],
        label="Join as a participant",
        query_params={"w": workshop.join_code},
        icon=":material/smartphone:",
    )
    st.stop()

theme = st.session_state.setdefault("projector_theme", st.query_params.get("theme", "light"))
if theme not in ("light", "dark"):
    theme = "light"
st.html(slide_css(theme) + page_css(theme))
signals = workshop.deck.signals
total = len(signals)


def go_to(index: int) -> None:
    db.set_current(workshop.id, key, index)


def deck_view() -> View:
    """The deck's documents and entries, for the opening heatmap."""
    doc_ids = {doc_id for doc_id, _ in signals}
    rows = explorer.documents["doc_id"].isin(doc_ids).to_numpy()
    docs = explorer.documents[rows]
    entries = explorer.entries[explorer.entries["doc_id"].isin(doc_ids).to_numpy()]
    tags = explorer.tags[explorer.tags["doc_id"].isin(doc_ids).to_numpy()]
    return View(FilterState(), docs, entries, tags, {})


@st.fragment(run_every="2s")
def live_tally(doc_id: str, position: int) -> None:
    """How many have rated the current signal, refreshed every two seconds."""
    tally = db.tally(workshop.id, doc_id, position)
    st.html(tally_panel(int(tally["count"])))
    st.plotly_chart(
        room_style(distribution_figure(tally, height=260), theme),
        key="live_distribution",
        theme=None,
        config={"displayModeBar": False},
    )


@st.fragment(run_every="2s")
def live_results() -> None:
    summary = summary_with_labels(explorer, db.summary(workshop.id))
    rated = summary[summary["ratings"] > 0]
    total_ratings = count_label(int(summary["ratings"].sum()), "rating")
    st.html(
        f'<div class="slide"><div class="kicker">{total_ratings} of '
        f"{count_label(len(rated), 'signal')} · select a point for its comments</div></div>"
    )
    event = st.plotly_chart(
        room_style(matrix_figure(summary, height=620), theme),
        key="results_matrix",
        on_select="rerun",
        selection_mode="points",
        theme=None,
        config={"displayModeBar": False},
    )
    points = event.selection.points if event and event.selection else []
    if points:
        doc_id, position = points[0]["customdata"][0], int(points[0]["customdata"][1])
        ratings = db.ratings_frame(workshop.id)
        mine = ratings[(ratings["doc_id"] == doc_id) & (ratings["position"] == position)]
        comments = [c for c in mine["comment"].dropna().tolist() if c]
        st.markdown(f"**Comments ({len(comments)})**")
        for comment in comments:
            st.markdown(f"> {escape_markdown(comment)}")


# -- the slide ------------------------------------------------------------------
slide, side = st.columns([3, 1], gap="large")
with slide:
    if workshop.on_opening:
        st.html(
            f'<div class="slide" data-slide="opening"><div class="kicker">Workshop</div>'
            f'<div class="big">{html.escape(workshop.deck.name)}</div>'
            f'<div class="kicker">{total} signals to rate for impact and likelihood</div></div>'
        )
        heatmap = build_heatmap(explorer, deck_view(), "theme", "section", "mean", top=10)
        if heatmap.rows:
            st.plotly_chart(
                room_style(heatmap_figure(heatmap), theme, font_size=18),
                key="opening_heatmap",
                theme=None,
                config={"displaylogo": False},
            )
    elif workshop.on_closing:
        st.html(
            '<div class="slide" data-slide="closing"><div class="big">The room\'s results</div>'
            '<div class="kicker">impact × likelihood of every rated signal</div></div>'
        )
        live_results()
    else:
        doc_id, position = signals[workshop.current]
        content = signal_content(explorer, doc_id, position)
        progress = f"{workshop.current + 1} / {total}"
        if content is None:
            st.warning(f"Signal {doc_id}:{position} is not in this corpus.")
        else:
            st.html(signal_slide(content, progress))
with side:
    st.image(
        qr_png(participant_link(workshop), scale=10),
        width=320 if workshop.on_opening else 200,
        caption="Scan to rate the signals",
    )
    st.html(join_panel(workshop))
    if workshop.current_signal is not None:
        live_tally(*workshop.current_signal)


# -- controls -------------------------------------------------------------------
def slide_label(index: int) -> str:
    if index < 0:
        return "Opening"
    if index >= total:
        return "Results"
    content = signal_content(explorer, *signals[index])
    return f"{index + 1}. {content.name if content else signals[index][0]}"


bar = st.container(horizontal=True, vertical_alignment="center", key="presenter_controls")
bar.button(
    "Previous",
    icon=":material/arrow_back:",
    shortcut="Left",
    key="prev",
    disabled=workshop.current <= -1,
    on_click=go_to,
    args=(workshop.current - 1,),
)
bar.button(
    "Next",
    icon=":material/arrow_forward:",
    shortcut="Right",
    key="next",
    type="primary",
    disabled=workshop.current >= total,
    on_click=go_to,
    args=(workshop.current + 1,),
)
# The store is the truth (another device may have moved the slide): the jump
# list shows it, and choosing a slide goes there through the callback.
st.session_state["jump"] = workshop.current
bar.selectbox(
    "Jump to",
    list(range(-1, total + 1)),
    format_func=slide_label,
    key="jump",
    label_visibility="collapsed",
    on_change=lambda: go_to(int(st.session_state["jump"])),
)
dark = bar.toggle("Dark projector theme", value=theme == "dark", key="dark_theme")
if dark != (theme == "dark"):
    st.session_state["projector_theme"] = "dark" if dark else "light"
    st.rerun()
if workshop.is_open and bar.button("End workshop", icon=":material/stop_circle:", key="end"):
    db.close_workshop(workshop.id, key)
    go_to(total)
    st.rerun()
