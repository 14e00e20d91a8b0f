"""A cache kept up to date by a long-lived process, at the cost of what changed.

``build_cache`` on its own must stat every file to learn that nothing changed.
:class:`LiveCache` keeps a :class:`~loaders.journal.ChangeJournal` of the
seeds folder next to the listing of its last build, so a refresh re-stats and
re-parses only the documents the kernel reported (plus documents that are
symbolic links, whose targets are not watched, and hard links to an edited
file), and a refresh after no change at all does little more than drain an
empty queue.

Whenever the journal cannot vouch for the folder (no inotify, a folder added,
a queue overflow, ``full=True``) a refresh is an ordinary full scan, so the
result is always what ``build_cache`` alone would give.
"""

from __future__ import annotations

import dataclasses
import os
import select
import threading
import time
from collections.abc import Sequence
from pathlib import Path

from . import cache, derived
from .build import BuildReport, build_cache, follow_outside_links_default
from .files import Scope, restatter
from .journal import ChangeJournal
from .listing import Listing
from .locations import check_seeds_dir, default_cache_dir
from .repair import REPAIRS, UNREADABLE, Repair
from .workers import Progress

NO_REPAIR = Repair()
#: More changed paths than this (and than a tenth of the folder): scan instead.
SCAN_ABOVE = 200


#: After failing to set up a journal (inotify limits), scan without one this long.
JOURNAL_RETRY_SECONDS = 60.0


class LiveCache:
    """One seeds folder's cache, refreshed from a change journal.

    Thread-safe: the dashboard's sessions share one per corpus.
    """

    def __init__(
        self,
        seeds_dir: str | os.PathLike[str],
        cache_dir: str | os.PathLike[str] | None = None,
        *,
        engine: str = "fast",
        workers: int | None = None,
        follow_outside_links: bool | None = None,
        derivations: Sequence[derived.Derivation] | None = None,
    ) -> None:
        self.seeds = check_seeds_dir(seeds_dir)
        self.cache_dir = (
            Path(cache_dir).expanduser() if cache_dir is not None else default_cache_dir(self.seeds)
        )
        self.engine, self.workers = engine, workers
        if follow_outside_links is None:
            follow_outside_links = follow_outside_links_default()
        self.scope = Scope.of(self.seeds, follow_outside_links)
        self.derivations = tuple(derived.DERIVATIONS if derivations is None else derivations)
        self._journal: ChangeJournal | None = None
        self._report: BuildReport | None = None
        self._lock = threading.Lock()
        self._journal_retry_at = 0.0

    @property
    def watching(self) -> bool:
        """Whether refreshes are currently driven by the change journal."""
        return self._journal is not None and self._journal.available

    def refresh(self, *, full: bool = False, progress: Progress | None = None) -> BuildReport:
        """Bring the cache up to date; ``full`` re-checks every file."""
        with self._lock:
            try:
                return self._refresh(full, progress)
            except BaseException:
                # The journal's events were taken but not applied: forget
                # them, so the next refresh scans instead of trusting them.
                self._forget()
                raise

    def _refresh(self, full: bool, progress: Progress | None) -> BuildReport:
        report, journal = self._report, self._journal
        if full or report is None or report.listing is None or journal is None:
            return self._scan(progress)
        changed = journal.take()
        if changed is None or os.path.realpath(self.seeds) != journal.root:
            return self._scan(progress)  # lost track, or the seeds path now leads elsewhere
        listing = report.listing
        reported = set(changed)
        changed |= journal.links  # their targets are not watched: re-check them always
        changed |= self._twins_of_hidden(journal, listing)
        if len(changed) > max(SCAN_ABOVE, len(listing) // 10):
            # Re-stat-ing path by path only pays for a few paths; a checkout
            # or a bulk copy is scanned like a first build.
            return self._scan(progress)
        restat = restatter(self.seeds, self.scope)
        patched = listing.patched(changed, restat) if changed else listing
        if any(path not in listing and path not in patched for path in reported):
            # A document that came and went between two refreshes: had it been
            # a hard link, what was written through it is invisible now.
            return self._scan(progress)
        # Hard links to an edited file (by its inode before or after the
        # change): written through one name, all of them changed.
        twins = set()
        if changed:
            twins = (listing.sharing_inode(changed) | patched.sharing_inode(changed)) - changed
        if twins:
            patched = patched.patched(twins, restat)
        generation = report.generation
        if (
            patched is listing
            and generation is not None
            and cache.current_name(self.cache_dir) == generation.name
            and derived.inputs_signature(self.seeds, self.derivations) == report.inputs
        ):
            # Nothing changed (a derived table's own inputs included, which the
            # journal does not watch), and no other process rebuilt the cache.
            return dataclasses.replace(
                report,
                parsed=0,
                removed=0,
                reused=len(listing),
                full_rebuild=False,
                changed=False,
                seconds=0.0,
            )
        self._report = self._build(progress, patched)
        return self._report

    def _twins_of_hidden(self, journal: ChangeJournal, listing: Listing) -> set[str]:
        """Documents that are hard links of hidden files written since the last refresh.

        Written through a hidden name (``.draft.md`` linked to ``draft.md``),
        a document changes without an event of its own.
        """
        twins: set[str] = set()
        hidden, journal.hidden = journal.hidden, set()
        for name in hidden:
            try:
                inode = os.stat(os.path.join(self.seeds, name)).st_ino
            except OSError:
                continue  # gone again, or an editor's lock link to nowhere
            twins |= listing.with_inode(inode)
        return twins

    def _forget(self) -> None:
        if self._journal is not None:
            self._journal.close()
        self._journal = None
        self._report = None

    def repair(self, progress: Progress | None = None) -> BuildReport:
        """Make an unreadable cache readable again, as :func:`loaders.load_corpus` does.

        Every part is verified and the unreadable ones re-parsed; if the cache
        still cannot be read it is rebuilt from scratch.
        """
        with self._lock:
            from .corpus import read_cache  # pandas: only when repairing

            for repair in REPAIRS:
                report = self._scan(progress, repair)
                try:
                    read_cache(self.cache_dir)
                except UNREADABLE:
                    continue
                break
            return report

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the seeds folder may have changed (or ``timeout`` seconds pass).

        True when there is something for :meth:`refresh` to look at. Without a
        journal there is no way to know, so it sleeps and answers True.
        """
        journal = self._journal
        if journal is None or not journal.available:
            time.sleep(timeout if timeout is not None else 1.0)
            return True
        try:
            ready, _, _ = select.select([journal], [], [], timeout)
        except (OSError, ValueError):  # closed meanwhile
            return True
        return bool(ready)

    def close(self) -> None:
        with self._lock:
            self._forget()

    def _scan(self, progress: Progress | None, repair: Repair | None = None) -> BuildReport:
        """A full scan under a fresh journal (started first, so nothing slips by)."""
        self._forget()
        if time.monotonic() >= self._journal_retry_at:
            journal = ChangeJournal(self.seeds, skip=self.cache_dir)
            if journal.available:
                self._journal = journal
            else:  # no inotify, or out of watches: do not walk the tree for it each time
                self._journal_retry_at = time.monotonic() + JOURNAL_RETRY_SECONDS
        self._report = self._build(progress, None, repair or NO_REPAIR)
        return self._report

    def _build(
        self, progress: Progress | None, listing: Listing | None, repair: Repair = NO_REPAIR
    ) -> BuildReport:
        return build_cache(
            self.seeds,
            self.cache_dir,
            progress=progress,
            listing=listing,
            verify=repair.verify,
            force=repair.force,
            engine=self.engine,
            workers=self.workers,
            follow_outside_links=self.scope.follow_outside_links,
            derivations=self.derivations,
        )
