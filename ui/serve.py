"""``python -m ui.serve [streamlit options] [-- --seeds DIR]``: ``streamlit run dashboard.py``.

Exactly Streamlit's own CLI, with one thing settled before the first
request. A ``pages/`` folder next to the main script makes Streamlit treat
a fresh server as a legacy multipage app until the router's
``st.navigation`` has run once; a shared link (``/present?…``,
``/participate?…``) opened first after a restart then shows a "Page not
found" dialog before the right page appears. Seedscope always routes with
``st.navigation``, so the legacy mode is switched off from the start.
Plain ``streamlit run dashboard.py`` works too, with that one dialog.

It serves ``ui/app.py`` (dashboard.py as an ``st.App``), whose pages tell
the browser where the server is, so a deep link asks no missing address.
"""

from __future__ import annotations

import sys
from pathlib import Path

from streamlit.runtime.pages_manager import PagesManager
from streamlit.web import cli

APP = Path(__file__).resolve().parent / "app.py"


def main(argv: list[str] | None = None) -> None:
    PagesManager.uses_pages_directory = False
    sys.argv = ["streamlit", "run", str(APP), *(sys.argv[1:] if argv is None else argv)]
    cli.main()


if __name__ == "__main__":
    main()
