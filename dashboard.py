"""Seedscope: ``streamlit run dashboard.py -- --seeds DIR [--cache DIR]``.

The router: page config, the corpus (built with progress on first use,
loaded once per process), the shared sidebar filters kept in the URL, and
``st.navigation`` over the pages. Pages only read the context and draw.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys

import streamlit as st

from loaders import CacheError, SeedsError
from ui import context, corpus, facilitator, sidebar, state, uploads_panel, workshop

LOG = logging.getLogger("seedscope")


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="dashboard.py", add_help=False)
    parser.add_argument(
        "--seeds", default=os.environ.get("SEEDSCOPE_SEEDS") or str(corpus.BUNDLED_SEEDS)
    )
    parser.add_argument("--cache", default=os.environ.get("SEEDSCOPE_CACHE"))
    args, _unknown = parser.parse_known_args(sys.argv[1:])
    return args


# "auto": the sidebar starts open on a wide screen and collapsed on a phone
st.set_page_config(
    page_title="Seedscope", page_icon="🌱", layout="wide", initial_sidebar_state="auto"
)
# Nothing of the corpus, decks or ratings is read before the facilitator is recognised.
if not facilitator.admitted():
    facilitator.lock()
    st.stop()
state.seed_from_url()
args = arguments()

choice = corpus.choose(args.seeds, args.cache, st.session_state.get(state.CORPUS_KEY))
try:
    report = corpus.ensure_built(choice, refresh=st.session_state.pop("_refresh", False))
    explorer = corpus.explorer_for(choice, report)
except (SeedsError, CacheError) as exc:
    st.error(f"Seedscope cannot open this corpus: {exc}", icon=":material/error:")
    st.caption("Point it at a folder of seed documents with `--seeds DIR` or `SEEDSCOPE_SEEDS`.")
    st.stop()
except OSError as exc:  # e.g. the disk holding the cache is full
    st.error(
        f"Seedscope cannot update its cache in {choice.cache}: {exc.strerror or exc}",
        icon=":material/error:",
    )
    st.caption("Free some space or choose another cache folder with `--cache DIR`.")
    st.stop()

current = state.adopt(explorer.resolve(state.current()))  # old links: spellings -> ids
view = explorer.view(current)

# Page files live in subfolders of pages/: a .py file directly in pages/
# would make Streamlit treat it as a legacy multipage app on a fresh server,
# and a shared link to /heatmaps would run the page without this router.
pages = {
    "overview": st.Page(
        "pages/explore/overview.py",
        title="Overview",
        icon=":material/dashboard:",
        url_path="overview",
        default=True,
    ),
    "heatmaps": st.Page(
        "pages/explore/heatmaps.py",
        title="Heatmaps",
        icon=":material/grid_on:",
        url_path="heatmaps",
    ),
    "signals": st.Page(
        "pages/explore/signals.py", title="Signals", icon=":material/sensors:", url_path="signals"
    ),
    "documents": st.Page(
        "pages/explore/documents.py",
        title="Documents",
        icon=":material/article:",
        url_path="documents",
    ),
    "vocabulary": st.Page(
        "pages/explore/vocabulary.py",
        title="Vocabulary",
        icon=":material/dictionary:",
        url_path="vocabulary",
    ),
    "health": st.Page(
        "pages/explore/health.py",
        title="Data health",
        icon=":material/health_and_safety:",
        url_path="health",
    ),
    "trends": st.Page(
        "pages/explore/trends.py",
        title="Trends",
        icon=":material/trending_up:",
        url_path="trends",
    ),
    "coverage": st.Page(
        "pages/explore/coverage.py",
        title="Coverage",
        icon=":material/radar:",
        url_path="coverage",
    ),
    "draw": st.Page(
        "pages/workshop/draw.py", title="Draw cards", icon=":material/casino:", url_path="draw"
    ),
    "decks": st.Page(
        "pages/workshop/decks.py", title="Decks", icon=":material/style:", url_path="decks"
    ),
    # reached by its link only, which carries a secret key; participants never
    # reach the dashboard: their page is the room server's (seedscope.workshop.room)
    "present": st.Page(
        "pages/workshop/present.py",
        title="Present",
        icon=":material/slideshow:",
        url_path="present",
        visibility="hidden",
    ),
}
context.publish(context.Context(choice, report, explorer, current, view, pages))

menu = {group: [pages[name] for name in names] for group, names in sidebar.NAVIGATION}
menu["Workshop"].append(pages["present"])  # hidden: reached by its secret link only
navigation = st.navigation(
    menu,
    # drawn by sidebar.navigation: links that carry the filters (one history entry each)
    position="hidden",
)
# The projector gets the page alone: no filters, no sidebar, and it owns its
# URL (workshop id, key, theme).
in_room = navigation.url_path in workshop.ROOM_PAGES


def draw_sidebar() -> None:
    if not in_room:
        sidebar.navigation(pages)
        sidebar.corpus_box(choice.label, str(choice.seeds), explorer, report.built_at)
        uploads_panel.draw(choice)
        sidebar.filters(explorer, view)


# The page is drawn first so its charts reach the browser before the
# sidebar's long option lists. A page that ends early (empty states call
# context.end()) still gets the sidebar; a rerun or page switch goes straight on.
try:
    navigation.run()
except context.PageEnd:
    pass
except Exception:
    LOG.exception("page %s failed", navigation.title)
    st.error(
        "Something went wrong while drawing this page. The problem has been logged; "
        "try clearing the filters or reloading.",
        icon=":material/error:",
    )
draw_sidebar()
if not in_room:
    state.sync_url()
