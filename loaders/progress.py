"""A dependency-free progress bar for the command line."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class ProgressBar:
    """Draws ``[#####.....] 512/10,000 docs`` on a terminal, a few lines otherwise.

    Stays silent for builds that finish quickly (under ``delay`` seconds), so a
    refresh with nothing to do prints only its summary.
    """

    def __init__(self, stream: TextIO | None = None, delay: float = 0.5, width: int = 30) -> None:
        self.stream = stream or sys.stderr
        self.delay = delay
        self.width = width
        self.started = time.monotonic()
        self.shown = False
        self.last_line = 0.0
        self.interactive = bool(getattr(self.stream, "isatty", lambda: False)())

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if total <= 0 or now - self.started < self.delay:
            return
        if self.interactive:
            filled = int(self.width * done / total)
            bar = "#" * filled + "." * (self.width - filled)
            self.stream.write(f"\r[{bar}] {done:,}/{total:,} documents parsed")
            self.stream.flush()
            self.shown = True
        elif now - self.last_line >= 2 or done == total:
            self.stream.write(f"parsed {done:,}/{total:,} documents\n")
            self.last_line = now

    def close(self) -> None:
        if self.shown and self.interactive:
            self.stream.write("\n")
            self.stream.flush()
