"""Sidebar panel: switch corpus, refresh it, or upload your own documents."""

from __future__ import annotations

import shutil

import streamlit as st

from loaders import data_dir
from seedscope.fmt import count_label
from seedscope.safety import escape_markdown
from seedscope.uploads import (
    ALLOWED_SUFFIXES,
    ARCHIVE_SUFFIX,
    MAX_FILES,
    MAX_TOTAL_BYTES,
    Upload,
    new_corpus_folder,
    size_label,
    store_uploads,
)

from . import state
from .corpus import CorpusChoice, uploaded_corpora

_REPORT = "_upload_report"
_PICKER = "corpus_picker"


def _use(name: str | None) -> None:
    st.session_state[state.CORPUS_KEY] = name
    st.session_state["_refresh"] = True


def _picked() -> None:
    """The picker's callback: open the corpus it names."""
    _use(st.session_state.get(_PICKER))


def draw(choice: CorpusChoice) -> None:
    """The panel's contents are only sent while it is open: an upload widget is heavy
    for a browser to load, and most visits never upload."""
    expanded = st.session_state.get(_REPORT) is not None
    panel = st.sidebar.expander(
        "Your own corpus",
        icon=":material/upload_file:",
        expanded=expanded,
        key="own_corpus",
        on_change="rerun",
    )
    if not panel.open:
        return
    with panel:
        st.button(
            "Refresh from disk",
            icon=":material/refresh:",
            key="refresh_corpus",
            help="Edits, new and deleted files show up on their own at the next click; "
            "this re-checks every file (for network folders, or edits made elsewhere "
            "through a hard link)",
            on_click=lambda: st.session_state.__setitem__("_refresh", True),
        )
        names = uploaded_corpora()
        if names:
            # the picker shows the open corpus (e.g. one just created); only a
            # person's choice, through the callback, switches to another
            st.session_state[_PICKER] = choice.uploaded if choice.uploaded in names else None
            st.selectbox(
                "Open corpus",
                [None, *names],
                format_func=lambda n: "Default corpus" if n is None else n,
                key=_PICKER,
                on_change=_picked,
            )
        files = st.file_uploader(
            "Upload .md / .txt files or a .zip of them",
            type=sorted(ALLOWED_SUFFIXES | {ARCHIVE_SUFFIX}),
            accept_multiple_files=True,
            key="corpus_upload",
            help=f"Up to {MAX_FILES:,} files and {size_label(MAX_TOTAL_BYTES)}; "
            "they become a new corpus in Seedscope's data folder.",
        )
        label = st.text_input("Name", value="my corpus", key="corpus_upload_name", max_chars=40)
        if st.button(
            "Create corpus from uploads",
            disabled=not files,
            type="primary",
            key="corpus_upload_go",
            icon=":material/create_new_folder:",
        ):
            folder = new_corpus_folder(data_dir(), label)
            result = store_uploads([Upload(f.name, f.getvalue()) for f in files], folder)
            # zip tools list folders as entries of their own: not worth a warning
            refused = [(n, why) for n, why in result.refused if "folder entry" not in why]
            st.session_state[_REPORT] = (len(result.written), refused)
            if result.written:
                _use(folder.name)
            else:
                shutil.rmtree(folder, ignore_errors=True)
            st.rerun()
        report(st.session_state.get(_REPORT))


def report(outcome: tuple[int, list[tuple[str, str]]] | None) -> None:
    """What the last upload stored and refused (shown after the corpus reopens)."""
    if outcome is None:
        return
    written, refused = outcome
    if written:
        st.success(
            f"{count_label(written, 'file')} stored in the new corpus.",
            icon=":material/check_circle:",
        )
    else:
        st.error("No usable document in the upload; nothing was created.", icon=":material/error:")
    for name, why in refused[:20]:
        st.warning(f"{escape_markdown(name)}: {escape_markdown(why)}", icon=":material/block:")
    if len(refused) > 20:
        st.warning(f"…and {len(refused) - 20:,} more files refused.")
