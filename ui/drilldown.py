"""The signal drill-down panel: today → change → in 10 years → driving force."""

from __future__ import annotations

import numpy as np
import streamlit as st

from loaders.concepts.derive import derive_clusters
from seedscope.drilldown import SignalDetail
from seedscope.filters import SignalRef
from seedscope.fmt import fmt_date, fmt_relevancy, is_missing
from seedscope.related import RelatedIndex
from seedscope.safety import escape_markdown, link_markdown
from seedscope.search_highlight import FIELD_LABELS, highlighted_markdown

from . import context, state, vocabulary
from .table_columns import ENTRY_COLUMNS, PLACEHOLDER
from .workshop import corpus_key, star_button

STEPS = (
    ("description", "Today", ":material/today:"),
    ("change", "Change", ":material/trending_up:"),
    ("ten_year", "In 10 years", ":material/update:"),
    ("driving_force", "Driving force", ":material/bolt:"),
)


@st.cache_resource(show_spinner="Indexing signals for related-signal search…", max_entries=4)
def related_index(cache: str, generation: str, vocabulary_version: str) -> RelatedIndex:
    ctx = context.get()
    concepts = vocabulary.concept_index(ctx)
    clusters = ctx.explorer.corpus.signal_clusters
    if clusters.empty:  # a cache built without derived tables
        clusters = derive_clusters(ctx.explorer.entries, ctx.explorer.documents)
    labels = {concept.id: concept.label for concept in concepts.concepts.values()}
    return RelatedIndex(ctx.explorer, concepts.by_value, labels, clusters)


def relevancy_dots(value: object) -> str:
    """``●●●●○ 4`` — relevancy as a visual, readable in any theme."""
    if is_missing(value):
        return "relevancy not rated"
    filled = round(float(value))  # type: ignore[arg-type]
    return "●" * filled + "○" * (5 - filled) + f"  {fmt_relevancy(value)} / 5"


def _text(value: object, marked: str | None = None) -> str:
    if marked:
        return highlighted_markdown(marked)
    if is_missing(value):
        return "*not stated*"
    return escape_markdown(str(value))


def _search_marks(ctx: context.Context, detail: SignalDetail) -> dict[str, str]:
    """The signal's fields with the search's words marked (empty without a search)."""
    if ctx.view.search is None:
        return {}
    return ctx.view.search.entry_fields(np.array([int(detail.entry.name)]))[0]


def _draw_same_signal(detail: SignalDetail) -> None:
    """The other documents reporting this very signal, one click away, oldest first."""
    with st.expander(
        f"The same signal in {len(detail.same_signal):,} other "
        f"document{'s' if len(detail.same_signal) != 1 else ''}",
        expanded=True,
        icon=":material/content_copy:",
    ):
        for row in detail.same_signal.itertuples():
            name = row.name if isinstance(row.name, str) else "(no name)"
            if st.button(
                escape_markdown(name),
                key=f"same_{row.doc_id}_{row.position}",
                type="tertiary",
                icon=":material/sensors:",
                help="Open this report of the signal",
            ):
                state.open_signal(SignalRef(str(row.doc_id), int(row.position)))
                st.rerun()
            st.caption(f"{escape_markdown(str(row.title))} · {fmt_date(row.page_date)}")


def draw_drilldown(ctx: context.Context, detail: SignalDetail) -> None:
    entry, document = detail.entry, detail.document
    marks = _search_marks(ctx, detail)
    with st.container(key="drilldown"):
        name = entry["name"] if isinstance(entry["name"], str) else "(no name)"
        st.subheader(_text(name, marks.get("name")))
        st.markdown(f"**{relevancy_dots(entry['relevancy'])}**")
        st.caption(
            f"{escape_markdown(str(document['title_text']))} · {fmt_date(document['page_date'])}"
        )
        if detail.seen_in > 1:
            first = f", first on {fmt_date(detail.first_seen)}" if detail.first_seen else ""
            st.markdown(
                f":violet-badge[:material/content_copy: Seen in {detail.seen_in} documents{first}]"
            )
        if marks:
            where = ", ".join(FIELD_LABELS[field] for field in marks)
            st.caption(f"Search “{escape_markdown(ctx.state.q)}” matched in: {where}")
        # two rows of two, so the reading order is today, change, then the
        # 10-year outcome and its driving force, whatever the text lengths
        for pair in (STEPS[:2], STEPS[2:]):
            for cell, (column, label, icon) in zip(st.columns(2), pair, strict=True):
                with cell.container(border=True, key=f"step_{column}"):
                    st.markdown(f"{icon} **{label}**")
                    st.markdown(_text(entry[column], marks.get(column)))
        open_cell, star_cell = st.columns(2)
        star_button(
            star_cell,
            corpus_key(ctx.choice.seeds),
            detail.doc_id,
            detail.position,
            key="drill_star",
        )
        if open_cell.button(
            "Open the document", icon=":material/article:", key="drill_open_doc", width="stretch"
        ):
            state.open_doc(detail.doc_id)
            context.go("documents")

        with st.expander("The document", expanded=True, icon=":material/description:"):
            summary = document.get("summary")
            if isinstance(summary, str) and summary:
                st.markdown(escape_markdown(summary, multiline=True))
            links = [
                link_markdown("Original article", document.get("source_url")),
                link_markdown("Digest page", document.get("page_url")),
            ]
            st.markdown(" · ".join(links))
            if detail.themes:
                st.markdown("**Themes:** " + " · ".join(escape_markdown(t) for t in detail.themes))
            if detail.keywords:
                st.markdown(
                    "**Keywords:** " + " · ".join(escape_markdown(k) for k in detail.keywords)
                )

        if not detail.other_entries.empty:
            with st.expander(
                f"Other entries of this document ({len(detail.other_entries):,})",
                icon=":material/list:",
            ):
                st.dataframe(
                    detail.other_entries,
                    hide_index=True,
                    key="drill_other_entries",
                    column_config={**ENTRY_COLUMNS, "position": None},
                    placeholder=PLACEHOLDER,
                )
        if not detail.other_signals.empty:
            with st.expander(
                f"Other signals of this document ({len(detail.other_signals):,})",
                icon=":material/sensors:",
            ):
                for row in detail.other_signals.itertuples():
                    if st.button(
                        f"{escape_markdown(str(row.name))} · {fmt_relevancy(row.relevancy)}",
                        key=f"sib_{detail.doc_id}_{row.position}",
                        type="tertiary",
                    ):
                        state.open_signal(SignalRef(detail.doc_id, int(row.position)))
                        st.rerun()

        if not detail.same_signal.empty:
            _draw_same_signal(detail)
        st.markdown("#### Related signals in other documents")
        index = related_index(
            str(ctx.choice.cache),
            str(ctx.report.generation),
            vocabulary.version(ctx),
        )
        related = index.related(detail.doc_id, detail.position, k=8)
        if related.empty:
            st.caption(
                "No signal of another document shares enough of this one's wording "
                "or of its document's concepts."
            )
        else:
            st.caption(
                "By meaning: the wording of the whole signal (name, description, change, "
                "outcome, driving force) and the concepts of its document. A signal reported "
                "by several documents is one entry."
            )
        for row in related.itertuples():
            with st.container(border=True, key=f"rel_{row.doc_id}_{row.position}"):
                if st.button(
                    escape_markdown(str(row.name)),
                    key=f"open_rel_{row.doc_id}_{row.position}",
                    type="secondary",
                    icon=":material/sensors:",
                    help="Open this signal",
                ):
                    state.open_signal(SignalRef(str(row.doc_id), int(row.position)))
                    st.rerun()
                seen = f" · seen in {row.seen_in} documents" if row.seen_in > 1 else ""
                st.caption(
                    f"{relevancy_dots(row.relevancy)} · {escape_markdown(str(row.title))} · "
                    f"{fmt_date(row.page_date)}{seen} · score {row.score:.2f}  \n"
                    f"{escape_markdown(str(row.reasons))}"
                )
