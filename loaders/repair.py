"""How an unreadable cache is mended, shared by ``load_corpus`` and ``LiveCache``."""

from __future__ import annotations

from typing import NamedTuple

import pyarrow as pa

#: What reading a damaged cache raises (a truncated or foreign part file ...).
UNREADABLE = (OSError, pa.ArrowException, ValueError)


class Repair(NamedTuple):
    """How a build mends an unreadable cache."""

    verify: bool = False  # re-parse the shards whose parts fail verification
    force: bool = False  # rebuild everything


#: Mildest first.
REPAIRS = (Repair(verify=True), Repair(force=True))

__all__ = ["REPAIRS", "UNREADABLE", "Repair"]
