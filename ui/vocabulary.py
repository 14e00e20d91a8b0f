"""Streamlit glue for the vocabulary: the corpus's concepts and the editor, per run."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from loaders.concepts.derive import (
    VocabularyFiles,
    definitions,
    derive_concepts,
    inputs_fingerprint,
    vocabulary_files,
)
from seedscope.concepts import ConceptIndex
from seedscope.vocabulary import VocabularyEditor

from . import context
from .corpus import BUNDLED_SEEDS

_MESSAGE = "_vocabulary_message"


def files_for(ctx: context.Context) -> VocabularyFiles:
    """The bundled seeds belong to the project, so their vocabulary lives in the data folder."""
    seeds = Path(ctx.choice.seeds)
    read_only = seeds.resolve() == BUNDLED_SEEDS or ctx.choice.uploaded is not None
    return vocabulary_files(seeds, read_only=read_only)


@st.cache_resource(show_spinner="Reading the vocabulary…", max_entries=8)
def _index(cache: str, generation: str, seeds: str, read_only: bool) -> ConceptIndex:
    files = vocabulary_files(seeds, read_only=read_only)
    explorer = context.get().explorer
    table = explorer.corpus.concepts
    if table.empty and not explorer.tags.empty:  # a cache built without derived tables
        table, _problems = derive_concepts(explorer.tags, files)
    return ConceptIndex(table, explorer.tags, definitions(files))


def concept_index(ctx: context.Context) -> ConceptIndex:
    """This corpus's concepts: the cache's ``concepts`` table of this generation (a new
    generation comes with every edit of a vocabulary file)."""
    files = files_for(ctx)
    return _index(
        str(ctx.choice.cache),
        str(ctx.report.generation),
        str(ctx.choice.seeds),
        files.seeds_file == files.overlay_file,
    )


def version(ctx: context.Context) -> str:
    """Changes whenever a vocabulary file changes: a cache key for what depends on concepts."""
    return inputs_fingerprint(files_for(ctx))


def editor(ctx: context.Context) -> VocabularyEditor:
    files = files_for(ctx)
    return VocabularyEditor(files, files.overlay_file.parent / "history")


def say(message: str) -> None:
    """Show ``message`` at the top of the next run (after the edit's rerun)."""
    st.session_state[_MESSAGE] = message


def show_message() -> None:
    message = st.session_state.pop(_MESSAGE, None)
    if message:
        st.success(message, icon=":material/check_circle:")
