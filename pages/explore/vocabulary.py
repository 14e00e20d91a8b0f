"""Vocabulary: the concepts behind every theme and keyword, and the analyst's edits."""

from __future__ import annotations

import streamlit as st

from seedscope import vocabulary as edits
from seedscope.concepts import concept_table
from seedscope.fmt import MISSING, count_label
from seedscope.safety import escape_markdown
from seedscope.suggest import NARROWER, SPELLING, TOGETHER, suggestions
from ui import context, state
from ui import vocabulary as vocab
from ui.widgets import downloads

#: Suggestions shown at once (the rest come as earlier ones are settled).
SHOWN_SUGGESTIONS = 25
KIND_BADGES = {
    SPELLING: ":blue-badge[Near spelling]",
    TOGETHER: ":violet-badge[Found together]",
    NARROWER: ":orange-badge[Narrower?]",
}

ctx = context.get()
index = vocab.concept_index(ctx)
editor = vocab.editor(ctx)
catalogue = edits.catalogue_of(index)

st.title("Vocabulary")
spellings = index.table["value_norm"].nunique()
st.caption(
    f"{count_label(len(index.values), 'concept')} for {count_label(spellings, 'spelling')} "
    "of themes and keywords. Your edits are saved to "
    f"`{str(editor.path).replace('`', '')}` and apply on the next click."
)
vocab.show_message()


def run(edit, *args: object) -> None:
    """Apply one edit now; say what happened (or why not) on the next run."""
    try:
        vocab.say(editor.apply(lambda analyst: edit(catalogue, analyst, *args)))
    except edits.VocabularyEditError as exc:
        st.session_state["_vocabulary_error"] = str(exc)
    except OSError as exc:
        st.session_state["_vocabulary_error"] = (
            f"The vocabulary could not be saved to {editor.path}: {exc.strerror or exc}"
        )


def undo() -> None:
    try:
        vocab.say(editor.undo())
    except edits.VocabularyEditError as exc:
        st.session_state["_vocabulary_error"] = str(exc)


error = st.session_state.pop("_vocabulary_error", None)
if error:
    st.error(error, icon=":material/error:")
st.button(
    "Undo the last edit",
    icon=":material/undo:",
    on_click=undo,
    disabled=not editor.can_undo,
    key="vocabulary_undo",
)

found = suggestions(index)
tab = state.page_param("vtab", "concepts", ["concepts", "suggestions"])
st.segmented_control(
    "View",
    ["concepts", "suggestions"],
    key="p_vtab",
    required=True,
    label_visibility="collapsed",
    format_func={
        "concepts": "Concepts",
        "suggestions": f"Suggestions ({len(found):,})",
    }.get,
)

if tab == "suggestions":
    if found.empty:
        st.info("Nothing to suggest: no near spellings, no concepts always found together.")
        context.end()
    st.caption(
        "Near spellings, concepts found in the same documents, and concepts whose words end "
        "with another's label. Nothing changes until you choose."
    )
    for row in found.head(SHOWN_SUGGESTIONS).itertuples():
        with st.container(border=True, key=f"sugg_{row.kind}_{row.concept}_{row.other}"):
            st.markdown(
                f"{KIND_BADGES[row.kind]} **{escape_markdown(row.label)}** · "
                f"**{escape_markdown(row.other_label)}**  \n{escape_markdown(row.evidence)}"
            )
            buttons = st.container(horizontal=True)
            if row.kind == NARROWER:
                buttons.button(
                    f"“{row.label}” is narrower",
                    key=f"narrow_{row.concept}_{row.other}",
                    on_click=run,
                    args=(edits.set_broader, row.concept, row.other),
                    type="primary",
                )
            buttons.button(
                "Same concept",
                key=f"same_{row.kind}_{row.concept}_{row.other}",
                on_click=run,
                args=(edits.merge, row.concept, row.other),
                type="secondary" if row.kind == NARROWER else "primary",
            )
            buttons.button(
                "Different",
                key=f"diff_{row.kind}_{row.concept}_{row.other}",
                on_click=run,
                args=(edits.reject, row.concept, row.other),
            )
    if len(found) > SHOWN_SUGGESTIONS:
        st.caption(f"{len(found) - SHOWN_SUGGESTIONS:,} more after these.")
    context.end()

search = st.text_input(
    "Find a concept",
    key="vocabulary_search",
    placeholder="A label or any spelling",
    icon=":material/search:",
)
table = concept_table(index, search)
left, right = st.columns([3, 2], gap="large")
with left:
    st.caption(
        f"{count_label(len(table), 'concept')} · most documents first · select one to edit it"
    )
    picked = st.dataframe(
        table,
        hide_index=True,
        key="vocabulary_table",
        on_select="rerun",
        selection_mode="single-row",
        height=520,
        width="stretch",
        column_config={
            "label": st.column_config.TextColumn("Concept", width="medium"),
            "concept": st.column_config.TextColumn("Id", width="small"),
            "documents": st.column_config.NumberColumn("Documents", width="small"),
            "spellings": st.column_config.TextColumn("Spellings", width="large"),
            "broader": st.column_config.TextColumn("Broader", width="small"),
            "steep": st.column_config.TextColumn("STEEP", width="small"),
            "source": st.column_config.TextColumn("From", width="small"),
        },
    )
    downloads(table, "vocabulary", key="vocabulary_dl")
with right:
    rows = picked.selection.rows if picked and picked.selection else []
    if not rows:
        st.info("Select a concept to rename it, merge it, split a spelling off or place it.")
        context.end()
    concept = str(table.iloc[rows[0]]["concept"])
    info = index.concepts[concept]
    st.subheader(escape_markdown(info.label), anchor=False)
    st.caption(f"id `{concept}`")
    spelled = index.table[index.table["concept"] == concept]
    for row in spelled.drop_duplicates("value_norm").itertuples():
        st.markdown(f"- {escape_markdown(str(row.value_norm))} · *{row.how}*")
    others = sorted((c for c in index.concepts if c != concept), key=index.label)
    with st.form(f"rename_{concept}", border=False):
        new_label = st.text_input("Preferred label", value=info.label)
        if st.form_submit_button("Rename"):
            run(edits.rename, concept, new_label)
            st.rerun()
    # keys carry the current value: after an undo the widget starts again from the file
    st.selectbox(
        "Broader concept",
        [None, *others],
        index=([None, *others].index(info.broader) if info.broader in others else 0),
        format_func=lambda c: "(none)" if c is None else index.label(c),
        key=f"broader_{concept}_{info.broader}",
        on_change=lambda key=f"broader_{concept}_{info.broader}": run(
            edits.set_broader, concept, st.session_state[key]
        ),
    )
    st.selectbox(
        "STEEP family",
        [None, *edits.STEEP_FAMILIES],
        index=(
            [None, *edits.STEEP_FAMILIES].index(info.steep)
            if info.steep in edits.STEEP_FAMILIES
            else 0
        ),
        format_func=lambda f: "(inherited or none)" if f is None else f,
        key=f"steep_{concept}_{info.steep}",
        on_change=lambda key=f"steep_{concept}_{info.steep}": run(
            edits.set_steep, concept, st.session_state[key]
        ),
    )
    target = st.selectbox(
        "Merge into",
        [None, *others],
        format_func=lambda c: MISSING if c is None else index.label(c),
        key=f"merge_{concept}",
    )
    if target is not None and st.button("Merge", key=f"merge_go_{concept}", type="primary"):
        run(edits.merge, concept, target)
        st.rerun()
    values = sorted(spelled["value_norm"].astype(str).unique())
    if len(values) > 1:
        value = st.selectbox(
            "Split a spelling off",
            [None, *values],
            format_func=lambda v: MISSING if v is None else v,
            key=f"split_{concept}",
        )
        if value is not None and st.button("Split", key=f"split_go_{concept}"):
            run(edits.split, concept, value)
            st.rerun()
