"""The data contract: the four Parquet tables, their columns and types.

This is the only thing pages (and users) may rely on; README.md documents it
in words. Bump :data:`SCHEMA_VERSION` whenever a column changes and
:data:`PARSER_VERSION` whenever parsing changes what lands in a column: either
bump makes the next build rebuild the cache from scratch.

The names the rest of the project shares with the loaders live here too, once:
the canonical entry sections, the concept tag lists, the document suffixes and
the entry columns.
"""

from __future__ import annotations

import pyarrow as pa

SCHEMA_VERSION = 1
PARSER_VERSION = 2

#: The canonical entry sections, in the order summaries list them. A table
#: under any other heading keeps that heading as its section.
SECTIONS = ("Signals", "Concerns", "Behaviors", "Technologies", "Issues")
#: The section whose entries are signals (drill-downs, clusters and workshops are about them).
SIGNALS = SECTIONS[0]
#: The tag lists whose values are concepts (see the ``concepts`` table).
CONCEPT_LISTS = ("Themes", "Keywords")
#: File suffixes (compared case-insensitively) that make a file a seed document.
DOCUMENT_SUFFIXES = (".md", ".markdown", ".txt")
#: ``problems.severity``: the file could not be loaded / it loaded with something to know.
ERROR = "error"
WARNING = "warning"
#: The text columns of ``entries``, in contract order.
ENTRY_TEXT_COLUMNS = ("name", "description", "change", "ten_year", "driving_force")

DOCUMENTS = pa.schema(
    [
        ("doc_id", pa.string()),
        ("path", pa.string()),
        ("title", pa.string()),
        ("page_date", pa.date32()),
        ("page_url", pa.string()),
        ("source_url", pa.string()),
        ("category", pa.string()),
        ("doc_type", pa.string()),
        ("summary", pa.string()),
        ("sha256", pa.string()),
        ("sections", pa.list_(pa.string())),
        ("duplicate_of", pa.string()),
    ]
)

ENTRIES = pa.schema(
    [
        ("doc_id", pa.string()),
        ("section", pa.string()),
        ("position", pa.int32()),
        ("name", pa.string()),
        ("description", pa.string()),
        ("change", pa.string()),
        ("ten_year", pa.string()),
        ("driving_force", pa.string()),
        ("relevancy", pa.float64()),
        ("extra", pa.string()),
    ]
)

TAGS = pa.schema(
    [
        ("doc_id", pa.string()),
        ("list", pa.string()),
        ("position", pa.int32()),
        ("value", pa.string()),
        ("value_norm", pa.string()),
        ("link", pa.string()),
    ]
)

PROBLEMS = pa.schema(
    [
        ("path", pa.string()),
        ("doc_id", pa.string()),
        ("line", pa.int32()),
        ("severity", pa.string()),
        ("message", pa.string()),
    ]
)

TABLES: dict[str, pa.Schema] = {
    "documents": DOCUMENTS,
    "entries": ENTRIES,
    "tags": TAGS,
    "problems": PROBLEMS,
}

#: Derived tables: computed from the whole corpus (and the vocabulary files)
#: after each build, one file per generation (see loaders.derived).
CONCEPTS = pa.schema(
    [
        ("list", pa.string()),
        ("value_norm", pa.string()),
        ("concept", pa.string()),
        ("label", pa.string()),
        ("broader", pa.string()),
        ("how", pa.string()),
        ("steep", pa.string()),
    ]
)

SIGNAL_CLUSTERS = pa.schema(
    [
        ("doc_id", pa.string()),
        ("position", pa.int32()),
        ("cluster", pa.string()),
        ("cluster_size", pa.int32()),
    ]
)

DERIVED_TABLES: dict[str, pa.Schema] = {
    "concepts": CONCEPTS,
    "signal_clusters": SIGNAL_CLUSTERS,
}

#: Every table of the data contract, parsed and derived.
CONTRACT: dict[str, pa.Schema] = {**TABLES, **DERIVED_TABLES}


def rows_to_table(rows: list[tuple[object, ...]], schema: pa.Schema) -> pa.Table:
    """Arrow table from row tuples in schema order (fast: one array per column)."""
    if not rows:
        return schema.empty_table()
    columns = list(zip(*rows, strict=True))
    arrays = [pa.array(col, type=f.type) for col, f in zip(columns, schema, strict=True)]
    return pa.Table.from_arrays(arrays, schema=schema)
