"""Decks: prepare a workshop's signals, start it, get back to it, and read its results."""

from __future__ import annotations

import streamlit as st

from seedscope.filters import SignalRef
from seedscope.fmt import count_label, fmt_relevancy
from seedscope.safety import escape_markdown
from seedscope.tables import signals_table
from seedscope.workshop import MAX_NAME_LENGTH, Workshop, ranking
from seedscope.workshop.content import slide_text, slide_texts
from seedscope.workshop.report import workshop_report
from seedscope.workshop.room.address import public_url
from seedscope.workshop_figures import matrix_figure
from ui import context, state
from ui.workshop import (
    corpus_key,
    participant_link,
    presenter_link,
    room_url,
    room_warning,
    set_room_url,
    store,
)

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
        name = st.text_input(
            "Name", value="Workshop deck", max_chars=MAX_NAME_LENGTH, key="new_deck_name"
        )
        size = st.number_input(
            "Signals from the current filters",
            0,
            60,
            10,
            help="The most relevant signals under the sidebar filters; 0 for an empty deck",
            key="new_deck_size",
        )
        st.caption(f"Filters: {ctx.state.describe(ctx.explorer.label_of(ctx.state))}")
        if st.form_submit_button(
            "Create deck", type="primary", icon=":material/add:", key="new_deck_create"
        ):
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
    st.subheader("The room's address", anchor=False)
    with st.form("room_address", border=True):
        typed = st.text_input(
            "Address phones open (the QR code points there)",
            value=room_url(db),
            help=f"Detected: {public_url()}. Leave empty to use the detected address.",
            key="room_url_input",
        )
        if st.form_submit_button("Save address"):
            problem = set_room_url(db, typed)
            if problem:
                st.error(problem)
            else:
                st.rerun()
    warning = room_warning(db)
    if warning:
        st.warning(warning, icon=":material/wifi_off:")

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
    workshops = db.list_workshops(deck.id)

    @st.dialog("Delete this deck?")
    def confirm_delete() -> None:
        rated = sum(len(db.ratings(w.id)) for w in workshops)
        st.write(
            f"This deletes “{escape_markdown(deck.name)}” with its "
            f"{count_label(len(workshops), 'workshop')} and {count_label(rated, 'rating')}. "
            "It cannot be undone: download the results first if you need them."
        )
        yes, no = st.columns(2)
        if yes.button("Delete for good", type="primary", key="deck_delete_confirmed"):
            db.delete_deck(deck.id)
            st.session_state["active_deck"] = ""
            st.rerun()
        if no.button("Keep it", key="deck_delete_cancelled"):
            st.rerun()

    with st.expander("Rename or delete", icon=":material/edit:"):
        new_name = st.text_input(
            "Name", value=deck.name, key=f"rename_{deck.id}", max_chars=MAX_NAME_LENGTH
        )
        rename_col, delete_col = st.columns(2)
        if rename_col.button("Rename", key="deck_rename"):
            try:
                db.rename_deck(deck.id, new_name)
                st.rerun()
            except ValueError as exc:
                st.error(str(exc))
        if delete_col.button("Delete deck", key="deck_delete", icon=":material/delete:"):
            confirm_delete()

    for index, (doc_id, position) in enumerate(deck.signals):
        content = slide_text(explorer, doc_id, position)
        label = content.name if content else f"{SignalRef(doc_id, position)} (not in this corpus)"
        with st.container(border=True, key=f"deck_item_{index}"):
            text, up, down, remove, show = st.columns([8, 1, 1, 1, 1], vertical_alignment="center")
            rel = fmt_relevancy(content.relevancy if content else None)
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
                context.open_signal(SignalRef(doc_id, position))

    # -- present ----------------------------------------------------------------
    def open_presenter(workshop: Workshop, key: str) -> None:
        st.session_state.setdefault("presenter_keys", {})[workshop.id] = key
        st.switch_page(ctx.pages["present"], query_params={"w": workshop.id, "key": key})

    st.subheader("Present", anchor=False)
    if st.button(
        "Start a workshop with this deck",
        type="primary",
        icon=":material/slideshow:",
        disabled=not deck.signals,
        key="start_workshop",
    ):
        workshop, key = db.start_workshop(deck.id, slide_texts(explorer, deck.signals))
        open_presenter(workshop, key)

    keys = st.session_state.get("presenter_keys", {})

    def workshop_card(workshop: Workshop) -> None:
        rated = len(db.ratings(workshop.id))
        devices = db.device_count(workshop.id)
        with st.container(border=True, key=f"ws_{workshop.id}"):
            st.markdown(
                f"**Workshop {escape_markdown(workshop.join_code)}** · "
                f"{'open' if workshop.is_open else 'ended'} · started "
                f"{escape_markdown(workshop.started_at[:16].replace('T', ' '))} UTC · "
                f"{count_label(devices, 'device')} joined · {count_label(rated, 'rating')}"
            )
            if workshop.is_open:
                st.markdown(f"Participants: `{participant_link(db, workshop)}`")
            if workshop.id in keys:
                st.markdown(
                    f"Presenter link (keep it private): "
                    f"`{presenter_link(workshop, keys[workshop.id])}`"
                )
            row = st.container(horizontal=True, key=f"ws_actions_{workshop.id}")
            if row.button(
                "Open presenter view",
                icon=":material/slideshow:",
                key=f"resume_{workshop.id}",
                help="A fresh presenter link: a lost or old one stops working",
            ):
                open_presenter(workshop, db.new_presenter_key(workshop.id))
            if workshop.is_open and row.button(
                "End", icon=":material/stop_circle:", key=f"end_{workshop.id}"
            ):
                key = db.new_presenter_key(workshop.id)
                db.close_workshop(workshop.id, key)
                keys[workshop.id] = key
                st.rerun()
            row.download_button(
                "Ratings CSV",
                data=lambda w=workshop.id: db.ratings_csv(w),
                file_name=f"ratings-{workshop.join_code}.csv",
                mime="text/csv",
                key=f"dl_r_{workshop.id}",
                on_click="ignore",
                icon=":material/download:",
            )
            row.download_button(
                "Summary CSV",
                data=lambda w=workshop.id: db.summary_csv(w),
                file_name=f"summary-{workshop.join_code}.csv",
                mime="text/csv",
                key=f"dl_s_{workshop.id}",
                on_click="ignore",
                icon=":material/download:",
            )
            row.download_button(
                "Report",
                data=lambda w=workshop.id: workshop_report(db, w).encode(),
                file_name=f"workshop-{workshop.join_code}.html",
                mime="text/html",
                key=f"dl_h_{workshop.id}",
                on_click="ignore",
                icon=":material/description:",
                help="One HTML file that opens offline and prints on A4",
            )

    if not workshops:
        st.caption("No workshop on this deck yet.")
    recent, earlier = workshops[:3], workshops[3:]
    for workshop in [w for w in workshops if w.is_open and w in earlier] + recent:
        workshop_card(workshop)
    ended_earlier = [w for w in earlier if not w.is_open]
    if ended_earlier:
        with st.expander(f"Earlier workshops ({len(ended_earlier)})", icon=":material/history:"):
            for workshop in ended_earlier:
                workshop_card(workshop)

    # -- results ----------------------------------------------------------------
    if workshops:
        st.subheader("Results", anchor=False)
        chosen = st.selectbox(
            "Workshop",
            [w.id for w in workshops],
            format_func=lambda wid: next(
                f"{w.join_code} · started {w.started_at[:16].replace('T', ' ')} UTC"
                for w in workshops
                if w.id == wid
            ),
            key="results_workshop",
        )
        summary = db.summary(chosen)
        if int(summary["ratings"].sum()) == 0:
            st.caption("Nobody has rated a signal in this workshop yet.")
        else:
            st.plotly_chart(
                matrix_figure(summary, height=460),
                key="deck_results_matrix",
                config={"displaylogo": False},
            )
            table = ranking(summary)[
                ["rank", "name", "ratings", "impact_mean", "impact_sd", "likelihood_mean",
                 "likelihood_sd", "split", "comments"]
            ]  # fmt: skip
            st.dataframe(
                table,
                hide_index=True,
                key="deck_results_ranking",
                column_config={
                    "rank": st.column_config.NumberColumn("#", width="small"),
                    "name": st.column_config.TextColumn("Signal", width="large"),
                    "impact_mean": st.column_config.NumberColumn("Impact", format="%.1f"),
                    "impact_sd": st.column_config.NumberColumn("± impact", format="%.1f"),
                    "likelihood_mean": st.column_config.NumberColumn("Likelihood", format="%.1f"),
                    "likelihood_sd": st.column_config.NumberColumn("± likelihood", format="%.1f"),
                    "split": st.column_config.CheckboxColumn("Split room"),
                },
            )
