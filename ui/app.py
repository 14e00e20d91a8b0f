"""The dashboard as an ASGI app (``st.App``): dashboard.py, served so deep links load cleanly.

Streamlit's page guesses where its server lives from the address: on a deep
link such as ``/signals?theme=ai`` it first asks ``/signals/_stcore/health``
and ``/signals/_stcore/host-config`` (two 404s and two console errors on
every shared link), then ``/``. The page HTML served here says where the
server is (``window.__streamlit.BACKEND_BASE_URL``, read by Streamlit's
frontend), so it asks the right place first.

``ui/serve.py`` runs this with ``streamlit run``, which recognises ``app``;
this module imports nothing of Seedscope (``streamlit run`` imports it with
``ui/`` as its folder).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

import streamlit as st
from starlette.middleware import Middleware

DASHBOARD = Path(__file__).resolve().parents[1] / "dashboard.py"

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: Paths that are never a page (Streamlit's API, assets, uploads).
_NOT_PAGES = ("/_stcore/", "/static/", "/media/", "/component/", "/app/static/", "/~/")


def _base_path() -> str:
    from streamlit import config

    base = (config.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}/" if base else "/"


def server_hint(base_path: str) -> bytes:
    """The script telling Streamlit's frontend where its server is."""
    return (
        "<script>window.__streamlit = Object.assign({}, window.__streamlit, "
        f"{{BACKEND_BASE_URL: new URL({json.dumps(base_path)}, location.href).href}});</script>"
    ).encode()


def is_page(path: str) -> bool:
    """Whether a GET of ``path`` returns the app's HTML (a page, not a file or an API)."""
    last = path.rsplit("/", 1)[-1]
    return not path.startswith(_NOT_PAGES) and (not last or "." not in last)


class ServerHint:
    """ASGI middleware: add :func:`server_hint` to the ``<head>`` of every page's HTML."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.hint = server_hint(_base_path())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET" or not is_page(scope["path"]):
            await self.app(scope, receive, send)
            return
        # ask for the HTML uncompressed, so it can be edited
        headers = [(k, v) for k, v in scope["headers"] if k.lower() != b"accept-encoding"]
        scope = {**scope, "headers": headers}
        start: Message | None = None
        chunks: list[bytes] = []

        async def edit(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
                return
            if message["type"] != "http.response.body" or start is None:
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body"):
                return
            body = b"".join(chunks)
            head = dict(start.get("headers", []))
            if head.get(b"content-type", b"").startswith(b"text/html") and b"<head>" in body:
                body = body.replace(b"<head>", b"<head>" + self.hint, 1)
            start["headers"] = [
                (k, str(len(body)).encode() if k.lower() == b"content-length" else v)
                for k, v in start.get("headers", [])
            ]
            await send(start)
            await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, edit)


app = st.App(DASHBOARD, middleware=[Middleware(ServerHint)])
