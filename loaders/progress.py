"""The command line's progress bar: ``tqdm``, behind the ``progress(done, total)`` callback.

Builds report progress as a plain callback (the dashboard draws its own bar
from it); on a terminal, tqdm draws it. tqdm's own defaults do what a
terminal user expects: nothing at all when the build finishes within
``delay`` seconds or when the output is not a terminal (a log file gets only
the summary line), and the bar is removed when done.
"""

from __future__ import annotations

import sys
from typing import TextIO

from tqdm import tqdm


class ProgressBar:
    """A ``progress(done, total)`` callback drawing a tqdm bar on ``stream``."""

    def __init__(self, stream: TextIO | None = None, delay: float = 0.5) -> None:
        self.stream = stream or sys.stderr
        self.delay = delay
        self._bar: tqdm | None = None

    def __call__(self, done: int, total: int) -> None:
        if total <= 0:
            return
        if self._bar is None:
            self._bar = tqdm(
                total=total,
                desc="parsing",
                unit=" documents",
                file=self.stream,
                delay=self.delay,
                disable=None,  # not a terminal: no bar
                leave=False,
            )
        elif self._bar.total != total:  # a repair pass: a new build, a new total
            self._bar.reset(total=total)
        self._bar.update(done - self._bar.n)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None
