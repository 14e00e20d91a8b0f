"""Presenter view: one signal per slide on a projector, the room's ratings when revealed.

``/present?w=<workshop id>&key=<presenter key>[&theme=dark]``. Without the
right key the page says so and shows nothing of the workshop. Presentation
clickers work (PageDown/PageUp/Space and the arrows, wherever the focus is);
results stay hidden while the room votes until the facilitator reveals them.
"""

from __future__ import annotations

import streamlit as st

from seedscope.heatmap import build_heatmap
from seedscope.heatmap_figures import heatmap_figure
from seedscope.qr import qr_png
from seedscope.safety import escape_markdown
from seedscope.workshop import SPLIT_SD, Slide, SlideText, ranking
from seedscope.workshop import projector as slides
from seedscope.workshop.content import deck_view
from seedscope.workshop_figures import distribution_figure, matrix_figure, room_style
from ui import context
from ui.workshop import (
    hide_chrome,
    participant_link,
    publish_missing,
    room_url,
    room_warning,
    store,
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
        "This page needs the presenter link with its key. Lost it? Open the workshop from "
        "the Decks page: it makes a fresh presenter link (the old one stops working).",
        icon=":material/lock:",
    )
    st.stop()

theme = slides.theme_name(st.query_params.get("theme", "light"))
st.html(slides.css(theme, qr_vh=38 if workshop.on_opening else 20))
st.html(slides.presenter_script(), unsafe_allow_javascript=True)
publish_missing(db, explorer, workshop, key)
room = db.room(workshop.id)
assert room is not None
total = len(room.slides)
slide: Slide | None = room.current_slide
progress = f"{workshop.current + 1} / {total}"


def go_to(index: int) -> None:
    db.set_current(workshop.id, key, index)


def step(steps: int) -> None:
    """Previous/Next count from the stored slide, not from the slide this page drew."""
    db.step_current(workshop.id, key, steps)


def jump_to(list_key: str, drawn_for: int) -> None:
    """The slide picked from a jump list, if the room is still where the list was drawn."""
    db.set_current(workshop.id, key, int(st.session_state[list_key]), if_on=drawn_for)


# -- live parts: refreshed every two seconds without redrawing the page -----------------


@st.fragment(run_every="2s")
def live_room() -> None:
    """Devices joined, ratings of this signal, voting and timer."""
    now = db.room(workshop.id)
    current = now.current_slide if now else None
    rated = db.tally(workshop.id, *current.signal)["count"] if current else None
    st.html(slides.room_panel(now.devices if now else 0, rated, current))


@st.fragment(run_every="2s")
def live_results(shown: Slide) -> None:
    """A revealed signal: the distribution, the means with their spread, the comments."""
    tally = db.tally(workshop.id, *shown.signal)
    split = tally["count"] > 0 and max(tally["impact_sd"], tally["likelihood_sd"]) >= SPLIT_SD
    st.html(slides.results_slide(shown.text or SlideText(shown.name), progress, tally, split))
    chart, words = st.columns([1, 1], gap="medium")
    with chart:
        st.plotly_chart(
            room_style(distribution_figure(tally, height=300), theme),
            key="live_distribution",
            theme=None,
            config={"displayModeBar": False, "staticPlot": True},
        )
    with words:
        comments = db.comments(workshop.id, *shown.signal, hidden=True)
        visible = [c.comment for c in comments if not c.comment_hidden and c.comment]
        st.html(slides.comments_panel(visible[-6:], len(comments) - len(visible)))


@st.fragment(run_every="2s")
def live_matrix() -> None:
    summary = db.summary(workshop.id)
    rated = summary[summary["ratings"] > 0]
    st.html(slides.closing_slide(int(summary["ratings"].sum()), len(rated)))
    chart, names = st.columns([3, 2], gap="medium")
    with chart:
        event = st.plotly_chart(
            room_style(matrix_figure(summary, height=440), theme),
            key="results_matrix",
            on_select="rerun",
            selection_mode="points",
            theme=None,
            config={"displayModeBar": False},
        )
    with names:
        st.html(slides.ranking_panel(ranking(summary), shown=12))
        points = event.selection.points if event and event.selection else []
        if points:
            doc_id, position = points[0]["customdata"][0], int(points[0]["customdata"][1])
            comments = [c.comment for c in db.comments(workshop.id, doc_id, position) if c.comment]
            st.html(slides.comments_panel(comments[-5:]))


# -- the slide --------------------------------------------------------------------------
left, side = st.columns([3, 1], gap="medium")
with left:
    if workshop.on_opening:
        st.html(slides.opening_slide(workshop.deck.name, total))
        heatmap = build_heatmap(explorer, deck_view(explorer, workshop.deck.signals), "theme",
                                "section", "mean", top=8)  # fmt: skip
        if heatmap.rows:
            st.plotly_chart(
                room_style(heatmap_figure(heatmap, height=360), theme, font_size=16),
                key="opening_heatmap",
                theme=None,
                config={"displayModeBar": False},
            )
    elif workshop.on_closing:
        live_matrix()
    elif slide is not None and slide.revealed:
        live_results(slide)
    elif slide is not None:
        st.html(slides.signal_slide(slide.text or SlideText(slide.name), progress))
with side:
    with st.container(key="qr"):
        link = participant_link(db, workshop)
        # PNG, not the default JPEG: a QR code must keep its sharp edges
        st.image(qr_png(link, scale=10), caption="Scan to join", output_format="PNG")
    st.html(slides.join_panel(room_url(db), workshop.join_code, room_warning(db)))
    if not workshop.is_open:
        st.html('<div class="slide"><div class="badge closed">Workshop ended</div></div>')
    live_room()


# -- controls ---------------------------------------------------------------------------
def slide_label(index: int) -> str:
    if index < 0:
        return "Opening"
    if index >= total:
        return "Results"
    return f"{index + 1}. {room.slides[index].name}"


def set_theme() -> None:
    st.query_params["theme"] = "dark" if st.session_state["dark_theme"] else "light"


@st.dialog("End the workshop?")
def confirm_end() -> None:
    st.write(
        "Phones will thank the room and stop taking ratings; the results stay. "
        "You can reopen the workshop afterwards."
    )
    yes, no = st.columns(2)
    if yes.button(
        "End workshop", type="primary", key="end_confirmed", icon=":material/stop_circle:"
    ):
        db.close_workshop(workshop.id, key)
        go_to(total)
        st.rerun()
    if no.button("Keep going", key="end_cancelled"):
        st.rerun()


bar = st.container(horizontal=True, vertical_alignment="center", key="presenter_controls")
bar.button(
    "Previous",
    icon=":material/arrow_back:",
    key="prev",
    disabled=workshop.current <= -1,
    on_click=step,
    args=(-1,),
)
bar.button(
    "Next",
    icon=":material/arrow_forward:",
    key="next",
    help="Keyboard and clickers: → PageDown Space; back: ← PageUp",
    type="primary",
    disabled=workshop.current >= total,
    on_click=step,
    args=(1,),
)
# The store is the truth (another device may have moved the slide): the jump
# list shows it. A list is drawn for one slide (its key says which) and moves
# the room only while the room is still there: a browser that has not redrawn
# after a clicker's quick press sends the old list's value with the next press,
# and that must not pull the room back.
jump = f"jump_{workshop.current + 1}"
bar.container(key="jump", width=170).selectbox(
    "Jump to",
    list(range(-1, total + 1)),
    index=workshop.current + 1,
    format_func=slide_label,
    key=jump,
    label_visibility="collapsed",
    on_change=jump_to,
    args=(jump, workshop.current),
)
if slide is not None:
    signal = slide.signal
    bar.button(
        "Hide" if slide.revealed else "Reveal",
        icon=":material/visibility_off:" if slide.revealed else ":material/visibility:",
        key="reveal",
        help="Show the room's ratings of this signal on the screen (or hide them again)",
        on_click=lambda: db.reveal(workshop.id, key, signal, not slide.revealed),
    )
    voting_open = slide.voting_open()
    bar.button(
        "Close voting" if voting_open else "Open voting",
        icon=":material/how_to_vote:",
        key="voting",
        disabled=not workshop.is_open,
        on_click=(
            (lambda: db.close_voting(workshop.id, key, signal))
            if voting_open
            else (lambda: db.open_voting(workshop.id, key, signal))
        ),
    )
    with bar.popover("Timer", icon=":material/timer:", key="timer", disabled=not workshop.is_open):
        st.caption("Voting on this signal closes by itself when the time is up.")
        for seconds in (30, 60, 90, 120, 180):
            st.button(
                f"{seconds} s" if seconds < 120 else f"{seconds // 60} min",
                key=f"timer_{seconds}",
                on_click=lambda s=seconds: db.start_timer(workshop.id, key, signal, s),
            )
        if slide.closes_at:
            st.button(
                "No timer",
                key="timer_cancel",
                on_click=lambda: db.cancel_timer(workshop.id, key, signal),
            )
    with (
        bar.popover("Notes", icon=":material/edit_note:", key="notes"),
        st.form(f"notes_form_{workshop.current}", border=False),
    ):
        text = st.text_area(
            "Discussion notes for this signal (they go into the report)",
            value=slide.notes or "",
            height=180,
            key=f"notes_text_{workshop.current}",
        )
        if st.form_submit_button("Save notes", type="primary"):
            try:
                db.set_notes(workshop.id, key, signal, text)
                st.toast("Notes saved", icon=":material/check:")
            except ValueError as exc:
                st.error(str(exc))
    comments = db.comments(workshop.id, *signal, hidden=True)
    with bar.popover(
        str(len(comments)),
        icon=":material/forum:",
        key="moderate",
        help="The room's comments on this signal: hide one from the screen and the report",
    ):
        if not comments:
            st.caption("No comments on this signal yet.")
        for number, rating in enumerate(comments):
            st.toggle(
                escape_markdown(rating.comment or ""),
                value=rating.comment_hidden,
                key=f"hide_{workshop.current}_{number}",
                help="Hidden comments stay off the projector and the report",
                on_change=lambda r=rating: db.hide_comment(
                    workshop.id, key, r.participant, signal, not r.comment_hidden
                ),
            )
        st.caption("Switch a comment on to hide it.")
bar.toggle("Dark", value=theme == "dark", key="dark_theme", on_change=set_theme)
if workshop.is_open:
    if bar.button("End", icon=":material/stop_circle:", key="end", help="End the workshop"):
        confirm_end()
else:
    bar.button(
        "Reopen",
        icon=":material/replay:",
        key="reopen",
        help="Take ratings again, on the same slide",
        on_click=lambda: db.reopen_workshop(workshop.id, key),
    )
