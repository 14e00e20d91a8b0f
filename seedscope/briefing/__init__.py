"""Briefings: the current view as one self-contained HTML file to send upward.

``build_briefing(explorer, state)`` returns the HTML text; the dashboard's
"Download briefing" and ``python -m seedscope brief`` both call it.
"""

from .data import collect
from .render import build_briefing

__all__ = ["build_briefing", "collect"]
