"""The corpus's concepts, indexed for filters, counts, roll-ups and old links.

:class:`ConceptIndex` is built once per corpus from the ``concepts`` table
(one row per theme/keyword spelling, see the data contract) and the tags:

* ``labels`` / ``broader`` / ``steep`` of every concept;
* ``values`` — the raw spellings behind each concept, per list;
* ``documents`` — how many documents carry a concept, per list;
* :meth:`with_narrower` — a concept and every concept below it, for
  filters that include narrower concepts;
* :meth:`top` — the broadest concept above one, for roll-ups;
* :meth:`resolve` — a URL token to a concept id, so links made before
  concepts (``theme=artificial intelligence``) still open the same documents.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property

import pandas as pd

from loaders.concepts.keys import fingerprint, joined_key, slug
from loaders.concepts.vocabulary import VocabConcept
from loaders.schema import CONCEPT_LISTS

#: The facets that hold concepts (FilterState fields), and the tag list behind each.
CONCEPT_FACETS = dict(zip(("themes", "keywords"), CONCEPT_LISTS, strict=True))


@dataclass(frozen=True)
class Concept:
    id: str
    label: str
    broader: str | None
    steep: str | None


class ConceptIndex:
    """Concepts of one corpus: labels, hierarchy, values and document counts."""

    def __init__(
        self,
        concepts: pd.DataFrame,
        tags: pd.DataFrame,
        definitions: Mapping[str, VocabConcept] | None = None,
    ) -> None:
        self.table = concepts.reset_index(drop=True)
        self.definitions = dict(definitions or {})
        table = self.table
        self.by_value: dict[tuple[str, str], str] = dict(
            zip(
                zip(table["list"].astype(str), table["value_norm"].astype(str), strict=True),
                table["concept"].astype(str),
                strict=True,
            )
        )
        self.of_value: dict[str, str] = dict(
            zip(table["value_norm"].astype(str), table["concept"].astype(str), strict=True)
        )
        first = table.drop_duplicates("concept")
        self.concepts: dict[str, Concept] = {
            str(row.concept): Concept(
                str(row.concept),
                str(row.label),
                row.broader if isinstance(row.broader, str) else None,
                row.steep if isinstance(row.steep, str) else None,
            )
            for row in first.itertuples()
        }
        # broader concepts that hold no value of this corpus still need a label
        for concept in list(self.concepts.values()):
            step, seen = concept.broader, set()
            while step and step not in self.concepts and step not in seen:
                seen.add(step)
                definition = self.definitions.get(step)
                self.concepts[step] = Concept(
                    step,
                    definition.label if definition else step,
                    definition.broader if definition else None,
                    definition.steep if definition else None,
                )
                step = definition.broader if definition else None
        values: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        for lst, value, concept in zip(
            table["list"].astype(str),
            table["value_norm"].astype(str),
            table["concept"].astype(str),
            strict=True,
        ):
            values[concept][lst].append(value)
        self.values = values
        rows = tags[tags["list"].isin(list(CONCEPT_FACETS.values()))]
        concept_of = rows.assign(
            concept=[
                self.by_value.get((lst, value))
                for lst, value in zip(
                    rows["list"].astype(str), rows["value_norm"].astype(str), strict=True
                )
            ]
        )
        self.tag_concepts = concept_of.dropna(subset=["concept"])
        counts = self.tag_concepts.groupby(["list", "concept"], observed=True)["doc_id"].nunique()
        self.documents: dict[str, dict[str, int]] = defaultdict(dict)
        for (lst, concept), n in counts.items():
            self.documents[str(lst)][str(concept)] = int(n)

    # -- labels and hierarchy ---------------------------------------------------

    def label(self, concept: str) -> str:
        found = self.concepts.get(concept)
        return found.label if found else concept

    @cached_property
    def narrower(self) -> dict[str, list[str]]:
        children: dict[str, list[str]] = defaultdict(list)
        for concept in self.concepts.values():
            if concept.broader and concept.broader != concept.id:
                children[concept.broader].append(concept.id)
        return children

    def with_narrower(self, concept: str) -> set[str]:
        """``concept`` and every concept below it (cycle-safe)."""
        out, stack = set(), [concept]
        while stack:
            current = stack.pop()
            if current in out:
                continue
            out.add(current)
            stack.extend(self.narrower.get(current, ()))
        return out

    def top(self, concept: str) -> str:
        """The broadest concept above ``concept`` (itself when it has none)."""
        seen, current = {concept}, concept
        while True:
            found = self.concepts.get(current)
            parent = found.broader if found else None
            if not parent or parent in seen:
                return current
            seen.add(parent)
            current = parent

    # -- old links --------------------------------------------------------------

    @cached_property
    def _keys(self) -> dict[str, str]:
        keys: dict[str, str] = {}
        for concept in self.concepts.values():
            for text in (concept.label, concept.id.replace("-", " ")):
                keys.setdefault(fingerprint(text), concept.id)
                keys.setdefault("#" + joined_key(text), concept.id)
        for value, concept_id in self.of_value.items():
            keys.setdefault(fingerprint(value), concept_id)
            keys.setdefault("#" + joined_key(value), concept_id)
        return keys

    def resolve(self, token: str) -> str | None:
        """The concept a URL token means: a concept id, a raw value, or a spelling of one."""
        token = token.strip()
        if token in self.concepts:
            return token
        value = " ".join(token.casefold().split())
        if value in self.of_value:
            return self.of_value[value]
        slugged = slug(token)
        if slugged in self.concepts:
            return slugged
        return self._keys.get(fingerprint(token)) or self._keys.get("#" + joined_key(token))

    def resolve_all(self, tokens: Iterable[str]) -> tuple[str, ...]:
        """Tokens as concept ids, in order, unknown ones kept as they are (they match nothing)."""
        out: dict[str, None] = {}
        for token in tokens:
            out.setdefault(self.resolve(token) or token, None)
        return tuple(out)


#: Columns of :func:`concept_table`.
CONCEPT_TABLE_COLUMNS = (
    "label",
    "concept",
    "documents",
    "spellings",
    "broader",
    "steep",
    "source",
)


def concept_table(index: ConceptIndex, search: str = "") -> pd.DataFrame:
    """One row per concept of the corpus, most documents first, for the Vocabulary page.

    ``search`` keeps the concepts whose label, id or any spelling contains it
    (case and accents ignored).
    """
    table = index.table
    how = table.groupby("concept")["how"].agg(lambda h: _source(set(h.astype(str))))
    docs = index.tag_concepts.groupby("concept")["doc_id"].nunique()
    rows = []
    needle = fingerprint(search) if search.strip() else ""
    for concept_id, by_list in index.values.items():
        concept = index.concepts[concept_id]
        spellings = sorted({v for values in by_list.values() for v in values})
        if needle and not any(
            needle in fingerprint(text) or search.casefold() in text.casefold()
            for text in (concept.label, concept.id, *spellings)
        ):
            continue
        rows.append(
            {
                "label": concept.label,
                "concept": concept_id,
                "documents": int(docs.get(concept_id, 0)),
                "spellings": " · ".join(spellings),
                "broader": index.label(concept.broader) if concept.broader else None,
                "steep": concept.steep,
                "source": how.get(concept_id, ""),
            }
        )
    frame = pd.DataFrame(rows, columns=list(CONCEPT_TABLE_COLUMNS))
    return frame.sort_values(["documents", "label"], ascending=[False, True], kind="stable")


def _source(hows: set[str]) -> str:
    """Where a concept comes from, in a word an analyst understands."""
    if "vocabulary file" in hows:
        return "your vocabulary"
    if "shipped vocabulary" in hows:
        return "shipped vocabulary"
    if hows & {"spelling", "plural", "acronym"}:
        return "merged spellings"
    return "as written"
