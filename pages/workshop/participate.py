"""Participant view for phones: follow the presenter's slide, rate impact and likelihood.

``/participate?w=<join code>&p=<participant token>``. The token is made on
the first visit and put in the URL, so a phone that sleeps or reloads keeps
its ratings. There is nothing here that moves slides or touches other
people's ratings.
"""

from __future__ import annotations

import streamlit as st

from seedscope.safety import escape_markdown
from seedscope.workshop import PARTICIPANT_PATTERN, RatingRefused
from ui import context
from ui.workshop import hide_chrome, new_participant_token, signal_content, store

ctx = context.get()
explorer = ctx.explorer
db = store()
hide_chrome(phone=True)

token = st.query_params.get("p", "")
if not PARTICIPANT_PATTERN.fullmatch(token or ""):
    token = st.session_state.get("participant_token") or new_participant_token()
    st.query_params["p"] = token
st.session_state["participant_token"] = token

code = (st.query_params.get("w", "") or "").strip().upper()
workshop = db.find_by_join_code(code) if code else None
if workshop is None:
    st.title("Join a workshop")
    if code:
        st.warning(
            "No open workshop has this code. Check it on the screen.", icon=":material/help:"
        )
    typed = st.text_input(
        "Code shown on the screen", max_chars=12, key="join_code", placeholder="e.g. K7M2QX"
    )
    if st.button("Join", type="primary", key="join", disabled=not typed):
        st.query_params["w"] = typed.strip().upper()
        st.rerun()
    st.stop()


@st.fragment(run_every="2s")
def follow_presenter(seen: int) -> None:
    """Check every two seconds whether the presenter moved; if so, redraw everything."""
    now = db.get_workshop(workshop.id)
    if now is None or now.current != seen or now.status != workshop.status:
        st.rerun()


follow_presenter(workshop.current)
st.caption(
    f"Workshop {escape_markdown(workshop.join_code)} · {escape_markdown(workshop.deck.name)}"
)

if not workshop.is_open:
    st.success(
        "This workshop has ended. Thank you for your ratings!", icon=":material/celebration:"
    )
    st.stop()
if workshop.on_opening:
    st.info(
        "Welcome! The first signal will appear here as soon as the presenter starts.",
        icon=":material/hourglass_top:",
    )
    st.stop()
if workshop.on_closing:
    st.success(
        "That was the last signal. The room's results are on the screen.",
        icon=":material/insights:",
    )
    st.stop()

doc_id, position = workshop.current_signal  # type: ignore[misc]
content = signal_content(explorer, doc_id, position)
total = len(workshop.deck.signals)
st.caption(f"Signal {workshop.current + 1} of {total}")
if content is None:
    st.warning("This signal is not in the corpus loaded here.")
    st.stop()
st.subheader(escape_markdown(content.name), anchor=False)
if isinstance(content.description, str):
    st.markdown(escape_markdown(content.description))
if isinstance(content.ten_year, str):
    st.markdown(f"**In 10 years:** {escape_markdown(content.ten_year)}")

previous = db.rating(workshop.id, token, doc_id, position)
slot = f"{workshop.id}_{doc_id}_{position}"
with st.form(f"rate_{slot}", border=True):
    impact = st.segmented_control(
        "Impact",
        [1, 2, 3, 4, 5],
        key=f"impact_{slot}",
        default=previous.impact if previous is not None else None,
        required=True,  # tapping the chosen score again must not clear it
        help="1 = hardly matters, 5 = changes everything",
    )
    likelihood = st.segmented_control(
        "Likelihood",
        [1, 2, 3, 4, 5],
        key=f"likelihood_{slot}",
        default=previous.likelihood if previous is not None else None,
        required=True,
        help="1 = very unlikely, 5 = almost certain",
    )
    comment = st.text_input(
        "Comment (optional)",
        max_chars=280,
        key=f"comment_{slot}",
        value=previous.comment if previous is not None and previous.comment else "",
    )
    sent = st.form_submit_button(
        "Send my rating" if previous is None else "Update my rating",
        type="primary",
        width="stretch",
    )
if sent:
    if impact is None or likelihood is None:
        st.error("Choose both an impact and a likelihood.", icon=":material/error:")
    else:
        try:
            db.rate(workshop.id, token, doc_id, position, impact, likelihood, comment or None)
        except RatingRefused as exc:
            st.error(str(exc), icon=":material/block:")
        else:
            st.session_state["_rating_saved"] = slot
            st.rerun()  # redraw with the stored rating ("Update my rating")
if st.session_state.get("_rating_saved") == slot:
    st.success(
        "Saved. You can change it until the presenter moves on.", icon=":material/check_circle:"
    )
if previous is not None:
    st.caption(
        f"Your rating: impact {previous.impact}, "
        f"likelihood {previous.likelihood}. You can change it."
    )
