"""A crowd of phones rating at once, for the workshop store's concurrency tests.

``python -m tests.support.workshop_crowd DB WORKSHOP FIRST COUNT``: one process
playing ``COUNT`` participants (``FIRST`` …) on threads of its own. It imports
only the store (not pytest, not pandas), so a process starts in a blink. It
prints ``ready`` once its store is open and waits for a line on stdin before
anyone rates, so every process starts rating at the same moment.
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path

from seedscope.workshop import WorkshopStore

SIGNALS = [(f"doc-{i}", i) for i in range(5)]


def token(n: int) -> str:
    return f"participant-{n:08d}"


def final_scores(n: int, signal_index: int) -> tuple[int, int]:
    """What participant ``n`` ends up saying about a signal (distinct per person)."""
    return (n + signal_index) % 5 + 1, (n * 3 + signal_index) % 5 + 1


def changes_mind(n: int) -> bool:
    return n % 3 == 0


def final_comment(n: int, signal_index: int) -> str:
    return f"p{n} s{signal_index} try {2 if changes_mind(n) else 0}"


def participant_session(
    store: WorkshopStore, workshop_id: str, n: int, barrier: threading.Barrier | None
) -> None:
    """One phone: rate every signal; some rate twice more before settling."""
    if barrier is not None:
        barrier.wait(timeout=60)
    rounds = 3 if changes_mind(n) else 1
    for attempt in range(rounds):
        for index, (doc_id, position) in enumerate(SIGNALS):
            impact, likelihood = final_scores(n, index)
            if attempt < rounds - 1:  # earlier opinions, later overwritten
                impact, likelihood = 6 - impact, (likelihood + attempt) % 5 + 1
            comment = f"p{n} s{index} try {attempt}"
            store.rate(workshop_id, token(n), doc_id, position, impact, likelihood, comment)


def run_threads(store: WorkshopStore, workshop_id: str, people: range, wait_for=None) -> list:
    """Every participant in ``people`` on its own thread; returns the errors raised."""
    barrier = threading.Barrier(len(people))
    errors: list[BaseException] = []

    def run(n: int) -> None:
        try:
            participant_session(store, workshop_id, n, barrier)
        except BaseException as exc:  # surfaced to the caller; a thread's exception is lost
            errors.append(exc)
            barrier.abort()

    threads = [threading.Thread(target=run, args=(n,)) for n in people]
    if wait_for is not None:
        wait_for()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    if any(thread.is_alive() for thread in threads):
        errors.append(TimeoutError("a participant thread did not finish within 120 s"))
    return errors


def main(argv: list[str]) -> int:
    path, workshop_id, first, count = argv[0], argv[1], int(argv[2]), int(argv[3])
    store = WorkshopStore(Path(path))

    def ready_then_wait() -> None:
        print("ready", flush=True)
        sys.stdin.readline()

    errors = run_threads(store, workshop_id, range(first, first + count), ready_then_wait)
    for error in errors:
        print(f"{type(error).__name__}: {error}", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
