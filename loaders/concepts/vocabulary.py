"""The vocabulary file: a thesaurus an analyst can open in a spreadsheet.

One row per concept (W3C SKOS in spirit)::

    concept,label,alt_labels,broader,steep,distinct_from,note
    artificial-intelligence,artificial intelligence,ai|ia|intelligence artificielle,,Technological,,
    generative-ai,generative ai,genai|ia générative,artificial-intelligence,,,

* ``concept`` — the id (lower case, digits and hyphens); made from the label when empty;
* ``label`` — the preferred label; ``alt_labels`` — other spellings, acronyms and
  translations, separated by ``|``;
* ``broader`` — the id of the one broader concept, or empty;
* ``steep`` — ``Social``, ``Technological``, ``Economic``, ``Environmental``,
  ``Political``, ``Values`` or ``Legal``; empty inherits from ``broader``;
* ``distinct_from`` — labels that must never be merged with this concept nor
  suggested as the same (rejected suggestions land here), ``|``-separated;
* ``note`` — free text. Other columns are kept as they are when Seedscope
  rewrites the file.

Reading never raises on content: a malformed row becomes a :class:`VocabularyProblem`
with its line number and the row is skipped (or mended, when the fix is obvious).
Writing is atomic (a temporary file in the same folder, fsync, rename), so a
crash never leaves a half-written vocabulary.
"""

from __future__ import annotations

import contextlib
import csv
import functools
import io
import os
import re
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from .keys import slug

#: The file's name in a seeds folder (or in the data folder when seeds are read-only).
FILE_NAME = "vocabulary.csv"
#: The vocabulary shipped with Seedscope (same format), reviewed by hand.
SHIPPED_VOCABULARY = Path(__file__).resolve().parent / "data" / FILE_NAME
COLUMNS = ("concept", "label", "alt_labels", "broader", "steep", "distinct_from", "note")
STEEP_FAMILIES = (
    "Social",
    "Technological",
    "Economic",
    "Environmental",
    "Political",
    "Values",
    "Legal",
)
_STEEP_BY_KEY = {name.casefold(): name for name in STEEP_FAMILIES} | {
    "society": "Social",
    "cultural/social": "Social",
    "technology": "Technological",
    "scientific/technological": "Technological",
    "economy": "Economic",
    "environment": "Environmental",
    "ecological": "Environmental",
    "politics": "Political",
    "ethics": "Values",
    "values/ethics": "Values",
    "law": "Legal",
    "legal/regulatory": "Legal",
}
SEPARATOR = "|"
_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,99}")
MAX_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class VocabularyProblem:
    path: str
    line: int | None
    severity: str  # "error" (row skipped) or "warning" (row read, something mended)
    message: str


@dataclass(frozen=True)
class VocabConcept:
    """One row of a vocabulary file."""

    id: str
    label: str
    alt_labels: tuple[str, ...] = ()
    broader: str | None = None
    steep: str | None = None
    distinct_from: tuple[str, ...] = ()
    note: str = ""
    line: int | None = None
    extra: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def labels(self) -> tuple[str, ...]:
        """Preferred label first, then the alternatives."""
        return (self.label, *self.alt_labels)


@dataclass(frozen=True)
class Vocabulary:
    """The concepts of one vocabulary file, in file order, and what could not be read."""

    concepts: tuple[VocabConcept, ...] = ()
    problems: tuple[VocabularyProblem, ...] = ()
    extra_columns: tuple[str, ...] = ()

    def by_id(self) -> dict[str, VocabConcept]:
        return {c.id: c for c in self.concepts}

    def with_concepts(self, concepts: Iterable[VocabConcept]) -> Vocabulary:
        return replace(self, concepts=tuple(concepts))


def steep_family(text: str | None) -> str | None:
    """``technology`` -> ``Technological``; None for empty or unknown text."""
    if not text:
        return None
    return _STEEP_BY_KEY.get(text.strip().casefold())


def _split(cell: str | None) -> tuple[str, ...]:
    if not cell:
        return ()
    seen: dict[str, None] = {}
    for part in cell.split(SEPARATOR):
        part = " ".join(part.split())
        if part:
            seen.setdefault(part, None)
    return tuple(seen)


def _dialect(text: str) -> str:
    """``;`` when a spreadsheet saved the file with semicolons (French locales), else ``,``."""
    first = text.split("\n", 1)[0]
    return ";" if first.count(";") > first.count(",") else ","


def parse_vocabulary(text: str, path: str = FILE_NAME) -> Vocabulary:
    """Read a vocabulary file's text; every malformed row is reported with its line."""
    problems: list[VocabularyProblem] = []

    def problem(line: int | None, message: str, severity: str = "error") -> None:
        problems.append(VocabularyProblem(path, line, severity, message))

    text = text.lstrip("\ufeff")
    if not text.strip():
        return Vocabulary()
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_dialect(text))
    try:
        header = [h.strip().casefold() for h in next(reader)]
    except csv.Error as exc:
        problem(1, f"the header row cannot be read ({exc}); the vocabulary was ignored")
        return Vocabulary(problems=tuple(problems))
    if "label" not in header:
        problem(
            1,
            "the header has no 'label' column (expected: " + ",".join(COLUMNS) + "); "
            "the vocabulary was ignored",
        )
        return Vocabulary(problems=tuple(problems))
    extra_columns = tuple(h for h in header if h and h not in COLUMNS)
    concepts: list[VocabConcept] = []
    ids: dict[str, int] = {}
    line = 1
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problem(start, f"this row cannot be read ({exc}); it was skipped")
            continue
        line = start
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(header):
            problem(
                line,
                f"this row has {len(row)} cells for {len(header)} columns; "
                "the cells beyond the header were ignored",
                "warning",
            )
        cells = {name: (row[i].strip() if i < len(row) else "") for i, name in enumerate(header)}
        label = " ".join(cells.get("label", "").split())
        concept_id = cells.get("concept", "").strip().casefold()
        if not label:
            problem(line, "this row has no label; it was skipped")
            continue
        if not concept_id:
            concept_id = slug(label)
        elif not _ID.fullmatch(concept_id):
            mended = slug(concept_id)
            problem(
                line,
                f"concept id {concept_id!r} may only hold a-z, 0-9 and hyphens; read as {mended!r}",
                "warning",
            )
            concept_id = mended
        if concept_id in ids:
            problem(
                line,
                f"concept {concept_id!r} is already defined on line "
                f"{ids[concept_id]}; this row was skipped",
            )
            continue
        steep_text = cells.get("steep", "")
        steep = steep_family(steep_text)
        if steep_text and steep is None:
            problem(
                line,
                f"STEEP family {steep_text!r} is not one of "
                f"{', '.join(STEEP_FAMILIES)}; it was left empty",
                "warning",
            )
        broader = cells.get("broader", "").strip().casefold() or None
        if broader == concept_id:
            problem(
                line,
                f"concept {concept_id!r} cannot be broader than itself; broader was left empty",
                "warning",
            )
            broader = None
        ids[concept_id] = line
        concepts.append(
            VocabConcept(
                id=concept_id,
                label=label,
                alt_labels=tuple(a for a in _split(cells.get("alt_labels")) if a != label),
                broader=broader,
                steep=steep,
                distinct_from=_split(cells.get("distinct_from")),
                note=cells.get("note", ""),
                line=line,
                extra={name: cells[name] for name in extra_columns if cells.get(name)},
            )
        )
    return Vocabulary(tuple(concepts), tuple(problems), extra_columns)


def check_broader(vocabulary: Vocabulary, known: set[str], path: str) -> Vocabulary:
    """Drop ``broader`` links to unknown concepts and links that make a cycle, with a warning."""
    problems = list(vocabulary.problems)
    by_id = vocabulary.by_id()
    mended: list[VocabConcept] = []
    for concept in vocabulary.concepts:
        broader = concept.broader
        if broader and broader not in known and broader not in by_id:
            problems.append(
                VocabularyProblem(
                    path,
                    concept.line,
                    "warning",
                    f"broader concept {broader!r} of {concept.id!r} is not defined; "
                    "it was left empty",
                )
            )
            broader = None
        if broader:
            seen, step = {concept.id}, broader
            while step in by_id and step not in seen:
                seen.add(step)
                step = by_id[step].broader or ""
            if step in seen:
                problems.append(
                    VocabularyProblem(
                        path,
                        concept.line,
                        "warning",
                        f"broader concept {broader!r} of {concept.id!r} leads back to it; "
                        "it was left empty",
                    )
                )
                broader = None
        mended.append(replace(concept, broader=broader) if broader != concept.broader else concept)
    return Vocabulary(tuple(mended), tuple(problems), vocabulary.extra_columns)


def read_vocabulary(path: str | os.PathLike[str], name: str | None = None) -> Vocabulary:
    """Read a vocabulary file; a missing file is an empty vocabulary, never an error.

    The result is shared between callers while the file's bytes are unchanged:
    treat it as read-only (:meth:`Vocabulary.with_concepts` makes a changed copy).
    """
    where = name or os.fspath(path)
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        return Vocabulary()
    except OSError as exc:
        return Vocabulary(
            problems=(
                VocabularyProblem(
                    where,
                    None,
                    "error",
                    f"the vocabulary cannot be read ({exc.strerror or exc}); it was ignored",
                ),
            )
        )
    return _parse_bytes(data, where)


@functools.lru_cache(maxsize=16)
def _parse_bytes(data: bytes, where: str) -> Vocabulary:
    """The vocabulary in ``data``, parsed once per process while the bytes are the same.

    Every cache build reads the vocabularies, and parsing the shipped one (586
    concepts) was a third of deriving a small corpus's concepts. Keyed on the
    bytes, not on timestamps: two same-size saves within one clock tick differ.
    """
    if len(data) > MAX_BYTES:
        return Vocabulary(
            problems=(
                VocabularyProblem(
                    where,
                    None,
                    "error",
                    f"the vocabulary is larger than {MAX_BYTES // (1024 * 1024)} MiB; "
                    "it was ignored",
                ),
            )
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
        vocabulary = parse_vocabulary(text, where)
        return replace(
            vocabulary,
            problems=(
                VocabularyProblem(
                    where,
                    None,
                    "warning",
                    "the vocabulary is not UTF-8; it was read as Windows-1252 (save it as UTF-8 "
                    "to be sure of its accents)",
                ),
                *vocabulary.problems,
            ),
        )
    return parse_vocabulary(text, where)


def format_vocabulary(vocabulary: Vocabulary) -> str:
    """The file's text: the standard columns, then any extra columns it came with."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    columns = (*COLUMNS, *vocabulary.extra_columns)
    writer.writerow(columns)
    for c in vocabulary.concepts:
        writer.writerow(
            [
                c.id,
                c.label,
                SEPARATOR.join(c.alt_labels),
                c.broader or "",
                c.steep or "",
                SEPARATOR.join(c.distinct_from),
                c.note,
                *(c.extra.get(name, "") for name in vocabulary.extra_columns),
            ]
        )
    return out.getvalue()


def write_vocabulary(path: str | os.PathLike[str], vocabulary: Vocabulary) -> None:
    """Replace the file atomically: readers see the old file or the new one, never half."""
    target = Path(path)
    data = format_vocabulary(vocabulary).encode("utf-8")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
