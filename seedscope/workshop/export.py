"""CSV exports of a workshop: one row per rating, or one per signal.

Both carry the deck's and the signals' names, not only ids. Participants are
``P1``, ``P2``… in the order their devices joined: never a token, nor its
hash, so a shared export cannot be used to speak for anyone's phone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .ratings import RatingStore
from .sessions import load_workshop, workshop_row
from .stats import StatsStore

if TYPE_CHECKING:
    import pandas as pd

_SPREADSHEET_FORMULA = ("=", "+", "-", "@", "\t", "\r")

RATINGS_CSV_COLUMNS = (
    "deck",
    "signal",
    "doc_id",
    "position",
    "participant",
    "impact",
    "likelihood",
    "comment",
    "comment_hidden",
    "created_at",
    "updated_at",
)
SUMMARY_CSV_COLUMNS = (
    "deck",
    "rank",
    "signal",
    "doc_id",
    "position",
    "ratings",
    "impact_mean",
    "likelihood_mean",
    "impact_sd",
    "likelihood_sd",
    "priority",
    "split",
    "comments",
    "notes",
)


def neutral_cell(value: object) -> object:
    """Keep spreadsheet programs from running a text that starts like a formula."""
    if isinstance(value, str) and value.startswith(_SPREADSHEET_FORMULA):
        return "'" + value
    return value


def _csv(frame: pd.DataFrame) -> bytes:
    """UTF-8 with a BOM, so spreadsheet programs read accents."""
    return frame.map(neutral_cell).to_csv(index=False).encode("utf-8-sig")


class ExportStore(RatingStore, StatsStore):
    """The export half of :class:`~seedscope.workshop.WorkshopStore`."""

    def pseudonyms(self, workshop_id: str) -> dict[str, str]:
        """``{participant id: "P1", …}`` in the order devices joined (or first rated)."""
        with self.db.transaction() as conn:
            rows = conn.execute(
                "SELECT device, min(at) AS first FROM ("
                "  SELECT device, joined_at AS at FROM devices WHERE workshop_id = ?"
                "  UNION ALL"
                "  SELECT participant, created_at FROM ratings WHERE workshop_id = ?"
                ") GROUP BY device ORDER BY first, device",
                (workshop_id, workshop_id),
            ).fetchall()
        return {row["device"]: f"P{n}" for n, row in enumerate(rows, start=1)}

    def _deck_name(self, workshop_id: str) -> str:
        with self.db.transaction() as conn:
            row = workshop_row(conn, workshop_id)
            return "" if row is None else load_workshop(conn, row).deck.name

    def ratings_table(self, workshop_id: str) -> pd.DataFrame:
        """One row per rating, with names and pseudonyms (what the ratings CSV holds)."""
        frame = self.ratings_frame(workshop_id)
        names = {
            (row.doc_id, row.position): row.name for row in self.summary(workshop_id).itertuples()
        }
        frame["deck"] = self._deck_name(workshop_id)
        frame["signal"] = [
            names.get((d, p), f"{d}:{p}")
            for d, p in zip(frame["doc_id"], frame["position"], strict=True)
        ]
        frame["participant"] = frame["participant"].map(self.pseudonyms(workshop_id))
        return frame[list(RATINGS_CSV_COLUMNS)]

    def ratings_csv(self, workshop_id: str) -> bytes:
        """One row per rating; a text that starts like a formula gets a leading apostrophe."""
        return _csv(self.ratings_table(workshop_id))

    def summary_csv(self, workshop_id: str) -> bytes:
        """One row per signal, in deck order, with its rank, means and spreads."""
        summary = self.summary(workshop_id)
        summary = summary.rename(columns={"name": "signal"})
        summary.insert(0, "deck", self._deck_name(workshop_id))
        return _csv(summary[list(SUMMARY_CSV_COLUMNS)])
