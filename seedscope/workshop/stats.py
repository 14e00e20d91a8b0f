"""How the room rated: per-signal tallies, means and spreads, and the ranking.

Spreads are the room's own standard deviation (population SD, 0 for one
rating): disagreement is often the finding of a foresight workshop, so it is
shown next to every mean rather than averaged away.
"""

from __future__ import annotations

import statistics
from typing import TYPE_CHECKING, Any

from .controls import load_slides
from .database import Database
from .ratings import load_ratings
from .sessions import load_workshop, workshop_row

if TYPE_CHECKING:
    import pandas as pd

SCORES = (1, 2, 3, 4, 5)
SUMMARY_COLUMNS = (
    "doc_id",
    "position",
    "name",
    "ratings",
    "impact_mean",
    "likelihood_mean",
    "impact_sd",
    "likelihood_sd",
    "comments",
    "priority",
    "rank",
    "split",
    "notes",
)
#: Columns computed from the others once every slide's row is in.
_COMPUTED_COLUMNS = ("priority", "rank", "split")
#: A standard deviation from which the room is called split on a signal: on a
#: 1–5 scale, e.g. half the room at 2 and half at 4 or 5.
SPLIT_SD = 1.25


def _counts(values: list[int]) -> dict[int, int]:
    return {score: values.count(score) for score in SCORES}


class StatsStore:
    """The statistics half of :class:`~seedscope.workshop.WorkshopStore`."""

    db: Database

    def tally(self, workshop_id: str, doc_id: str, position: int) -> dict[str, Any]:
        """How the room rated one signal, for the projector.

        ``{"count": n, "impact": {1: n1, …, 5: n5}, "likelihood": {…},
        "impact_mean", "likelihood_mean", "impact_sd", "likelihood_sd"}``; means
        and spreads are None while nobody has rated.
        """
        with self.db.transaction() as conn:
            rows = conn.execute(
                "SELECT impact, likelihood FROM ratings "
                "WHERE workshop_id = ? AND doc_id = ? AND position = ?",
                (workshop_id, doc_id, position),
            ).fetchall()
        impacts = [row["impact"] for row in rows]
        likelihoods = [row["likelihood"] for row in rows]
        return {
            "count": len(rows),
            "impact": _counts(impacts),
            "likelihood": _counts(likelihoods),
            "impact_mean": statistics.fmean(impacts) if rows else None,
            "likelihood_mean": statistics.fmean(likelihoods) if rows else None,
            "impact_sd": statistics.pstdev(impacts) if rows else None,
            "likelihood_sd": statistics.pstdev(likelihoods) if rows else None,
        }

    def summary(self, workshop_id: str) -> pd.DataFrame:
        """One row per signal of the workshop's deck, in deck order.

        ``name`` is the signal's name as the room saw it; ``priority`` is mean
        impact × mean likelihood and ``rank`` orders the rated signals by it
        (1 first); ``split`` marks signals the room disagreed on. Means, SDs,
        priority and rank are missing for a signal nobody rated; ``comments``
        counts the comments not hidden by the facilitator. An unknown workshop
        gives an empty frame.
        """
        import pandas as pd

        with self.db.transaction() as conn:  # deck, slides and ratings from one moment
            row = workshop_row(conn, workshop_id)
            workshop = None if row is None else load_workshop(conn, row)
            signals = workshop.deck.signals if workshop else ()
            slides = load_slides(conn, workshop_id, signals)
            ratings = load_ratings(conn, workshop_id)
        frame = pd.DataFrame(
            [(r.doc_id, r.position, r.impact, r.likelihood, r) for r in ratings],
            columns=["doc_id", "position", "impact", "likelihood", "rating"],
        )
        rows = []
        for slide in slides:
            mine = frame[(frame["doc_id"] == slide.doc_id) & (frame["position"] == slide.position)]
            visible = sum(1 for r in mine["rating"] if r.comment and not r.comment_hidden)
            rows.append(
                (
                    slide.doc_id,
                    slide.position,
                    slide.name,
                    len(mine),
                    mine["impact"].mean(),
                    mine["likelihood"].mean(),
                    mine["impact"].std(ddof=0),
                    mine["likelihood"].std(ddof=0),
                    visible,
                    slide.notes,
                )
            )
        summary = pd.DataFrame(
            rows,
            columns=[c for c in SUMMARY_COLUMNS if c not in _COMPUTED_COLUMNS],
        ).astype(
            {
                "position": "int64",
                "ratings": "int64",
                "comments": "int64",
                "impact_mean": "float64",
                "likelihood_mean": "float64",
                "impact_sd": "float64",
                "likelihood_sd": "float64",
            }
        )
        summary["priority"] = summary["impact_mean"] * summary["likelihood_mean"]
        order = summary.sort_values(
            ["priority", "ratings"], ascending=[False, False], kind="stable"
        ).index
        ranks = pd.Series(pd.NA, index=summary.index, dtype="Int64")
        rated = [i for i in order if summary.at[i, "ratings"] > 0]
        ranks[rated] = range(1, len(rated) + 1)
        summary["rank"] = ranks
        summary["split"] = (summary["impact_sd"] >= SPLIT_SD) | (
            summary["likelihood_sd"] >= SPLIT_SD
        )
        return summary[list(SUMMARY_COLUMNS)]


def ranking(summary: pd.DataFrame) -> pd.DataFrame:
    """The rated signals of a :meth:`StatsStore.summary`, best rank first."""
    rated = summary[summary["ratings"] > 0]
    return rated.sort_values("rank", kind="stable").reset_index(drop=True)
