"""Seedscope's entry point: ``streamlit run dashboard.py -- --seeds DIR``."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import streamlit as st

from loaders import CacheError, SeedsError, load_corpus

BUNDLED_SEEDS = Path(__file__).parent / "seeds"


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="dashboard.py", add_help=False)
    parser.add_argument("--seeds", default=os.environ.get("SEEDSCOPE_SEEDS") or str(BUNDLED_SEEDS))
    parser.add_argument("--cache", default=os.environ.get("SEEDSCOPE_CACHE"))
    args, _unknown = parser.parse_known_args(sys.argv[1:])
    return args


st.set_page_config(page_title="Seedscope", page_icon="🌱", layout="wide")
args = _arguments()
try:
    corpus = load_corpus(args.seeds, args.cache)
except (SeedsError, CacheError) as exc:
    st.error(f"Seedscope cannot open its corpus: {exc}")
    st.stop()

report = corpus.report
st.title("Seedscope")
st.caption(f"Corpus: {corpus.seeds_dir}")
cols = st.columns(3)
cols[0].metric("Documents", f"{len(corpus.documents):,}")
cols[1].metric("Entries", f"{len(corpus.entries):,}")
cols[2].metric("Problems", f"{len(corpus.problems):,}")
if report is not None:
    st.write(report.summary_line())
