"""Decks: prepare the signals of a workshop, start it, and read its results."""

from __future__ import annotations

import streamlit as st

from seedscope.fmt import count_label, fmt_relevancy
from seedscope.safety import escape_markdown
from seedscope.tables import signals_table
from ui import context, state
from ui.workshop import corpus_key, participant_link, presenter_link, signal_content, store

ctx = context.get()
explorer = ctx.explorer
db = store()
corpus = corpus_key(ctx.choice.seeds)

st.title("Decks")
st.caption(
    "A deck is an ordered list of signals to present to a room. Star signals in their "
    "drill-down, or make a deck from the current filters."
)

# -- which deck -----------------------------------------------------------------
decks = db.list_decks(corpus)
wanted = state.page_param("deck", "", None, key="active_deck")
names = {deck.id: deck.name for deck in decks}
sizes = {deck.id: len(deck.signals) for deck in decks}
left, right = st.columns([2, 3], gap="large")
with left:
    st.subheader("New deck", anchor=False)
    with st.form("new_deck", border=True):
        name = st.text_input("Name", value="Workshop deck", max_chars=80)
        size = st.number_input(
            "Signals from the current filters",
            0,
            60,
            10,
            help="The most relevant signals under the sidebar filters; 0 for an empty deck",
        )
        st.caption(f"Filters: {ctx.state.describe()}")
        if st.form_submit_button("Create deck", type="primary", icon=":material/add:"):
            table = signals_table(explorer, ctx.view).head(int(size))
            refs = list(zip(table["doc_id"], table["position"].astype(int), strict=True))
            try:
                deck = db.create_deck(name, corpus, refs)
            except ValueError as exc:
                st.error(str(exc))
            else:
                st.session_state["active_deck"] = deck.id
                st.rerun()
    if decks:
        st.subheader("Your decks", anchor=False)
        options = [deck.id for deck in decks]
        current = wanted if wanted in options else options[0]
        st.session_state["active_deck"] = current
        st.radio(
            "Open deck",
            options,
            key="deck_picker",
            index=options.index(current),
            format_func=lambda deck_id: f"{names[deck_id]} ({sizes[deck_id]})",
            on_change=lambda: st.session_state.__setitem__(
                "active_deck", st.session_state["deck_picker"]
            ),
            label_visibility="collapsed",
        )

deck = db.get_deck(st.session_state.get("active_deck") or "") if decks else None
with right:
    if deck is None:
        st.info(
            "No deck yet: create one on the left, or star a signal in its drill-down "
            "(Signals page).",
            icon=":material/style:",
        )
        context.end()
    st.subheader(escape_markdown(deck.name), anchor=False)
    st.caption(
        f"{count_label(len(deck.signals), 'signal')} · share this deck: "
        f"`?deck={deck.id}` on this page"
    )
    with st.expander("Rename or delete", icon=":material/edit:"):
        new_name = st.text_input("Name", value=deck.name, key=f"rename_{deck.id}", max_chars=80)
        a, b = st.columns(2)
        if a.button("Rename", key="deck_rename"):
            try:
                db.rename_deck(deck.id, new_name)
                st.rerun()
            except ValueError as exc:
                st.error(str(exc))
        if b.button("Delete deck", key="deck_delete", icon=":material/delete:"):
            db.delete_deck(deck.id)
            st.session_state["active_deck"] = ""
            st.rerun()

    for index, (doc_id, position) in enumerate(deck.signals):
        content = signal_content(explorer, doc_id, position)
        label = content.name if content else f"{doc_id}:{position} (not in this corpus)"
        with st.container(border=True, key=f"deck_item_{index}"):
            text, up, down, remove, show = st.columns([8, 1, 1, 1, 1], vertical_alignment="center")
            rel = fmt_relevancy(content.relevancy) if content else "–"
            text.markdown(f"**{index + 1}. {escape_markdown(label)}** · relevancy {rel}")
            if up.button(
                "",
                icon=":material/arrow_upward:",
                key=f"up_{index}",
                disabled=index == 0,
                help="Move up",
            ):
                db.move_signal(deck.id, index, index - 1)
                st.rerun()
            if down.button(
                "",
                icon=":material/arrow_downward:",
                key=f"down_{index}",
                disabled=index == len(deck.signals) - 1,
                help="Move down",
            ):
                db.move_signal(deck.id, index, index + 1)
                st.rerun()
            if remove.button("", icon=":material/close:", key=f"remove_{index}", help="Remove"):
                db.remove_signal(deck.id, doc_id, position)
                st.rerun()
            if show.button(
                "",
                icon=":material/open_in_new:",
                key=f"show_{index}",
                help="Open in the Signals page",
            ):
                state.open_signal(f"{doc_id}:{position}")
                context.go("signals")

    st.subheader("Present", anchor=False)
    if st.button(
        "Start a workshop with this deck",
        type="primary",
        icon=":material/slideshow:",
        disabled=not deck.signals,
        key="start_workshop",
    ):
        workshop, key = db.start_workshop(deck.id)
        st.session_state.setdefault("presenter_keys", {})[workshop.id] = key
        st.switch_page(ctx.pages["present"], query_params={"w": workshop.id, "key": key})
    keys = st.session_state.get("presenter_keys", {})
    for workshop in db.list_workshops(deck.id)[:5]:
        summary = db.summary(workshop.id)
        rated = int(summary["ratings"].sum()) if len(summary) else 0
        with st.container(border=True, key=f"ws_{workshop.id}"):
            st.markdown(
                f"**Workshop {escape_markdown(workshop.join_code)}** · {workshop.status} · "
                f"started {escape_markdown(workshop.started_at[:16].replace('T', ' '))} UTC · "
                f"{count_label(rated, 'rating')}"
            )
            if workshop.id in keys:
                st.markdown(
                    f"Presenter link (keep it private): "
                    f"`{presenter_link(workshop, keys[workshop.id])}`"
                )
            if workshop.is_open:
                st.markdown(f"Participant link: `{participant_link(workshop)}`")
            a, b = st.columns(2)
            a.download_button(
                "Ratings CSV",
                data=lambda w=workshop.id: db.ratings_csv(w),
                file_name=f"ratings-{workshop.join_code}.csv",
                mime="text/csv",
                key=f"dl_r_{workshop.id}",
                on_click="ignore",
                icon=":material/download:",
            )
            b.download_button(
                "Summary CSV",
                data=lambda w=workshop.id: db.summary_csv(w),
                file_name=f"summary-{workshop.join_code}.csv",
                mime="text/csv",
                key=f"dl_s_{workshop.id}",
                on_click="ignore",
                icon=":material/download:",
            )
