"""The room server: what participants' phones reach, and nothing more.

Started by ``make run`` (through ``ui/serve.py``) on its own port, or alone
with ``python -m seedscope.workshop.room``. It serves the participant page and
its API from the same SQLite store as the dashboard, which stays on the
facilitator's computer. See :mod:`.server` for the routes and :mod:`.hub` for
how a hundred phones follow the presenter without polling.
"""

from __future__ import annotations

from .server import RoomServer

__all__ = ["RoomServer"]
