"""Editing the analyst's vocabulary: merge, split, rename, broader, STEEP, reject — and undo.

Every edit is one small pure function from the analyst's concepts to new
ones (:func:`merge`, :func:`split`, ...), applied by :class:`VocabularyEditor`
under a file lock to the file as it is *now* and written atomically: two
browser tabs editing at once both land, and a crash leaves the old file or
the new one. Before each write the editor keeps the previous file, so
:meth:`VocabularyEditor.undo` can put it back.

A concept the analyst has not defined yet (one of the shipped vocabulary, or
one the spelling rules made) is first copied into the file with every value
it holds today (:func:`materialize`), so the file alone says what it means.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from loaders.concepts.derive import VocabularyFiles, analyst_vocabulary
from loaders.concepts.keys import fingerprint, joined_key, slug
from loaders.concepts.vocabulary import (
    STEEP_FAMILIES,
    VocabConcept,
    Vocabulary,
    write_vocabulary,
)

from .concepts import ConceptIndex

__all__ = [
    "STEEP_FAMILIES",
    "Catalogue",
    "VocabularyEditError",
    "VocabularyEditor",
    "catalogue_of",
    "merge",
    "reject",
    "rename",
    "set_broader",
    "set_steep",
    "split",
]

#: How many edits can be undone.
HISTORY_SIZE = 50
Concepts = dict[str, VocabConcept]


class VocabularyEditError(ValueError):
    """An edit that cannot be made, with a sentence saying why."""


@dataclass(frozen=True)
class Catalogue:
    """Every concept as the dashboard shows it now: its definition and its values."""

    definitions: Mapping[str, VocabConcept]
    values: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def label(self, concept: str) -> str:
        definition = self.definitions.get(concept)
        return definition.label if definition else concept


def catalogue_of(index: ConceptIndex) -> Catalogue:
    """The catalogue an editor works on: vocabulary definitions plus the automatic concepts."""
    definitions = dict(index.definitions)
    for concept in index.concepts.values():
        definitions.setdefault(concept.id, VocabConcept(concept.id, concept.label))
    values = {
        concept: tuple(dict.fromkeys(v for values in by_list.values() for v in values))
        for concept, by_list in index.values.items()
    }
    return Catalogue(definitions, values)


def materialize(catalogue: Catalogue, analyst: Concepts, concept: str) -> VocabConcept:
    """The analyst's definition of ``concept``, made from what it is today if there is none."""
    if concept in analyst:
        return analyst[concept]
    definition = catalogue.definitions.get(concept)
    if definition is None:
        raise VocabularyEditError(f"There is no concept {concept!r} (reload the page).")
    labels = [*definition.alt_labels, *catalogue.values.get(concept, ())]
    return replace(definition, alt_labels=_labels(labels, exclude=definition.label), line=None)


def _labels(labels: list[str] | tuple[str, ...], exclude: str = "") -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for label in labels:
        if label and label != exclude:
            seen.setdefault(label, None)
    return tuple(seen)


def merge(catalogue: Catalogue, analyst: Concepts, source: str, target: str) -> str:
    """``source`` becomes part of ``target``: all its labels and values move there."""
    if source == target:
        raise VocabularyEditError("A concept cannot be merged into itself.")
    moved = materialize(catalogue, analyst, source)
    kept = materialize(catalogue, analyst, target)
    analyst[target] = replace(
        kept, alt_labels=_labels([*kept.alt_labels, *moved.labels], exclude=kept.label)
    )
    analyst.pop(source, None)
    for concept_id, definition in list(analyst.items()):
        if definition.broader == source:
            analyst[concept_id] = replace(definition, broader=target)
    return f"Merged “{moved.label}” into “{kept.label}”."


def split(catalogue: Catalogue, analyst: Concepts, concept: str, value: str) -> str:
    """``value`` leaves ``concept`` and becomes a concept of its own."""
    definition = materialize(catalogue, analyst, concept)
    if fingerprint(value) == fingerprint(definition.label) or joined_key(value) == joined_key(
        definition.label
    ):
        raise VocabularyEditError(
            f"“{value}” is a spelling of “{definition.label}” itself; rename the concept instead."
        )
    new_id = _free_id(slug(value), catalogue, analyst)
    keys = {fingerprint(value), joined_key(value)}
    remaining = tuple(
        label
        for label in definition.alt_labels
        if fingerprint(label) not in keys and joined_key(label) not in keys
    )
    analyst[concept] = replace(definition, alt_labels=remaining)
    analyst[new_id] = VocabConcept(
        id=new_id, label=value, broader=None, distinct_from=(definition.label,)
    )
    return f"“{value}” is now a concept of its own, apart from “{definition.label}”."


def rename(catalogue: Catalogue, analyst: Concepts, concept: str, label: str) -> str:
    """Give ``concept`` a new preferred label; the old one stays as an alternative."""
    label = " ".join(label.split())
    if not label:
        raise VocabularyEditError("A concept needs a label.")
    definition = materialize(catalogue, analyst, concept)
    analyst[concept] = replace(
        definition,
        label=label,
        alt_labels=_labels([definition.label, *definition.alt_labels], label),
    )
    return f"“{definition.label}” is now called “{label}”."


def set_broader(catalogue: Catalogue, analyst: Concepts, concept: str, broader: str | None) -> str:
    """Make ``broader`` the broader concept of ``concept`` (None: no broader concept)."""
    definition = materialize(catalogue, analyst, concept)
    if broader is not None:
        if broader == concept:
            raise VocabularyEditError("A concept cannot be broader than itself.")
        step: str | None = broader
        seen = {concept}
        while step is not None and step not in seen:
            seen.add(step)
            parent = analyst.get(step) or catalogue.definitions.get(step)
            step = parent.broader if parent else None
        if step == concept:
            raise VocabularyEditError(
                f"“{catalogue.label(broader)}” is already narrower than "
                f"“{definition.label}”: that would make a loop."
            )
    analyst[concept] = replace(definition, broader=broader)
    if broader is None:
        return f"“{definition.label}” has no broader concept now."
    return f"“{definition.label}” is now narrower than “{catalogue.label(broader)}”."


def set_steep(catalogue: Catalogue, analyst: Concepts, concept: str, family: str | None) -> str:
    """Set the STEEP family of ``concept`` (None: inherit it from the broader concept)."""
    if family is not None and family not in STEEP_FAMILIES:
        raise VocabularyEditError(f"{family!r} is not a STEEP family.")
    definition = materialize(catalogue, analyst, concept)
    analyst[concept] = replace(definition, steep=family)
    return f"“{definition.label}” is now in the {family or 'inherited'} family."


def reject(catalogue: Catalogue, analyst: Concepts, concept: str, other: str) -> str:
    """Record that ``concept`` and ``other`` are different: never suggested or merged again."""
    definition = materialize(catalogue, analyst, concept)
    other_label = catalogue.label(other)
    analyst[concept] = replace(
        definition, distinct_from=_labels([*definition.distinct_from, other_label])
    )
    return f"“{definition.label}” and “{other_label}” will be kept apart."


def _free_id(base: str, catalogue: Catalogue, analyst: Concepts) -> str:
    candidate, n = base, 2
    while candidate in analyst or candidate in catalogue.definitions:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


Edit = Callable[[Concepts], str]


class VocabularyEditor:
    """Applies edits to the analyst's vocabulary file, safely, with undo."""

    def __init__(self, files: VocabularyFiles, history_dir: Path) -> None:
        self.files = files
        self.history_dir = history_dir

    @property
    def path(self) -> Path:
        """The file edits are written to."""
        return self.files.editable

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        self.history_dir.mkdir(parents=True, exist_ok=True)
        with open(self.history_dir / ".lock", "a+b") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def apply(self, edit: Edit) -> str:
        """Apply one edit to the file as it is now; returns what was done, in a sentence."""
        with self._locked():
            target = self.path
            current = analyst_vocabulary(self.files)
            concepts: Concepts = {c.id: c for c in current.concepts}
            message = edit(concepts)
            target.parent.mkdir(parents=True, exist_ok=True)
            self._remember(target)
            write_vocabulary(
                target, Vocabulary(tuple(concepts.values()), (), current.extra_columns)
            )
            return message

    def _remember(self, target: Path) -> None:
        stamp = f"{time.time_ns():020d}"
        try:
            previous = target.read_bytes()
        except FileNotFoundError:
            previous = None
        snapshot = self.history_dir / (
            f"{stamp}.csv" if previous is not None else f"{stamp}.absent"
        )
        snapshot.write_bytes(previous or b"")
        for old in self._snapshots()[:-HISTORY_SIZE]:
            old.unlink(missing_ok=True)

    def _snapshots(self) -> list[Path]:
        if not self.history_dir.is_dir():
            return []
        return sorted(p for p in self.history_dir.iterdir() if p.suffix in (".csv", ".absent"))

    @property
    def can_undo(self) -> bool:
        return bool(self._snapshots())

    def undo(self) -> str:
        """Put back the file as it was before the last edit."""
        with self._locked():
            snapshots = self._snapshots()
            if not snapshots:
                raise VocabularyEditError("There is nothing to undo.")
            last = snapshots[-1]
            target = self.path
            if last.suffix == ".absent":
                target.unlink(missing_ok=True)
            else:
                tmp = target.with_name(f".{target.name}.undo")
                tmp.write_bytes(last.read_bytes())
                os.replace(tmp, target)
            last.unlink()
            return "The last vocabulary edit was undone."
