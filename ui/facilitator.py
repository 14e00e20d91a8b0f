"""Who may use the dashboard: the facilitator, on this computer or with the token.

The dashboard holds every deck, workshop, rating, upload and the corpus, so no
participant may reach it. By default it listens on 127.0.0.1 only
(``.streamlit/config.toml``): phones, which talk to the room server, cannot
even connect. A facilitator who opens it to the network (e.g.
``STREAMLIT_SERVER_ADDRESS=0.0.0.0 make run``, to present from another
computer) is asked for a token, as Jupyter does: ``make run`` prints a link
carrying it, and the browser that opened it is remembered with a cookie
derived from it (never the token itself). ``SEEDSCOPE_FACILITATOR_TOKEN``
sets the token, and asks for it even on 127.0.0.1.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import logging
import os
import secrets
from pathlib import Path

import streamlit as st

LOG = logging.getLogger("seedscope")

TOKEN_ENV = "SEEDSCOPE_FACILITATOR_TOKEN"
TOKEN_PARAM = "token"
COOKIE = "seedscope_facilitator"
COOKIE_MAX_AGE_S = 12 * 3600
_ADMITTED = "_facilitator_admitted"
PAGES_DIR = Path(__file__).resolve().parents[1] / "pages"


def listens_beyond_this_computer(address: object) -> bool:
    """Whether Streamlit's ``server.address`` lets other computers connect."""
    if not address:  # Streamlit's own default: every interface
        return True
    text = str(address).strip("[]")
    if text == "localhost":
        return False
    try:
        return not ipaddress.ip_address(text).is_loopback
    except ValueError:  # a host name: assume it is reachable
        return True


def token_required() -> bool:
    return bool(os.environ.get(TOKEN_ENV)) or listens_beyond_this_computer(
        st.get_option("server.address")
    )


@st.cache_resource(show_spinner=False)
def _generated_token() -> str:
    """A token for a dashboard opened to the network without one (plain ``streamlit run``)."""
    token = secrets.token_urlsafe(24)
    LOG.warning(
        "Seedscope's dashboard listens beyond this computer: open it with ?%s=%s",
        TOKEN_PARAM,
        token,
    )
    return token


def token() -> str:
    return os.environ.get(TOKEN_ENV) or _generated_token()


def cookie_value(secret: str) -> str:
    """What the facilitator's browser keeps: derived from the token, not the token."""
    return hmac.new(secret.encode(), b"seedscope-facilitator-cookie", hashlib.sha256).hexdigest()


def admitted() -> bool:
    """Whether this session belongs to the facilitator (and remember it if just proven).

    A token in the URL is checked, removed from the address bar and turned
    into a cookie, so a reload or a new tab needs no token.
    """
    if not token_required() or st.session_state.get(_ADMITTED):
        return True
    secret = token()
    offered = st.query_params.get(TOKEN_PARAM)
    if offered is not None:
        del st.query_params[TOKEN_PARAM]
        if hmac.compare_digest(str(offered).encode(), secret.encode()):
            st.session_state[_ADMITTED] = True
            _remember(cookie_value(secret))
            return True
    kept = st.context.cookies.get(COOKIE)
    if kept and hmac.compare_digest(str(kept).encode(), cookie_value(secret).encode()):
        st.session_state[_ADMITTED] = True
        return True
    return False


def _remember(value: str) -> None:
    # The value is hex: nothing in it can break out of the script.
    st.html(
        f"<script>document.cookie = '{COOKIE}={value}; path=/; max-age={COOKIE_MAX_AGE_S}; "
        "SameSite=Strict';</script>",
        unsafe_allow_javascript=True,
    )


def lock() -> None:
    """Run the lock page at whatever address was asked for (no "page not found").

    Every page's address (``pages/*/<name>.py`` is served at ``/<name>``) and
    the old participant page lead to the same lock page.
    """
    names = sorted({path.stem for path in PAGES_DIR.glob("*/*.py")} | {"participate"})
    pages = [st.Page(lock_page, title="Seedscope", url_path="locked", default=True)]
    pages += [
        st.Page(lock_page, title="Seedscope", url_path=name, visibility="hidden") for name in names
    ]
    st.navigation(pages, position="hidden").run()


def lock_page() -> None:
    """What anyone else sees: no data, no sidebar, no way in without the token."""
    st.html(
        "<style>[data-testid='stSidebar'], [data-testid='stSidebarCollapsedControl'],"
        "[data-testid='stExpandSidebarButton'] {display: none !important;}</style>"
    )
    st.title("Seedscope")
    st.warning(
        "This dashboard is for the workshop's facilitator. Open it with the link that "
        "was printed in the terminal where Seedscope was started (it carries a token).",
        icon=":material/lock:",
    )
    st.caption(
        "Taking part in a workshop? Use the address or QR code shown on the screen: "
        "it opens the participants' page."
    )
