"""Mutated real digests: the loader's promises hold whatever the damage.

Hypothesis picks a digest of ../shared/corpus and a seed for one to four
random edits (see tests/support/mutations.py for the edits and the
invariants). ``make fuzz`` runs the same check on 20,000 mutants and times
each parse.
"""

from __future__ import annotations

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import shared_dir
from tests.support.mutations import mutate, violations

DIGESTS = sorted((shared_dir() / "corpus").glob("*.md"))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(digest=st.sampled_from(DIGESTS), seed=st.integers(0, 2**32 - 1))
def test_a_mutated_digest_keeps_every_promise(digest, seed: int) -> None:
    mutant = mutate(random.Random(seed), digest.read_text(encoding="utf-8"))
    assert violations(mutant) == []
