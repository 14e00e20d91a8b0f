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
def _derived_index(cache: str, generation: str, seeds: str) -> ConceptIndex:
    """For a cache built without its derived tables: the concepts computed here."""
    files = vocabulary_files(seeds)
    tags = context.get().explorer.tags
    table, _problems = derive_concepts(tags, files)
    return ConceptIndex(table, tags, definitions(files))


def concept_index(ctx: context.Context) -> ConceptIndex:
    """This corpus's concepts: the explorer's, from the cache's ``concepts`` table of this
    generation (a new generation comes with every edit of a vocabulary file)."""
    if ctx.explorer.concepts is not None:
        return ctx.explorer.concepts
    return _derived_index(str(ctx.choice.cache), str(ctx.report.generation), str(ctx.choice.seeds))


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
