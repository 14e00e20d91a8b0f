"""The derived-table step: computed from each new generation, before it is published.

A small stand-in for the Concepts tables: tag counts per list, with labels
read from a ``vocabulary.csv`` in the seeds folder (never a document).
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from loaders import LiveCache, build_cache, load_corpus, read_cache
from loaders.concepts.files import vocabulary_files
from loaders.derived import Derivation, DeriveContext
from tests.conftest import FIXTURE_DOCS

SCHEMA = pa.schema([("list", pa.string()), ("label", pa.string()), ("tags", pa.int64())])


def vocabulary(seeds: Path) -> dict[str, str]:
    path = seeds / "vocabulary.csv"
    if not path.exists():
        return {}
    with open(path, newline="", encoding="utf-8") as fh:
        return {row["list"]: row["label"] for row in csv.DictReader(fh)}


def tag_counts(context: DeriveContext) -> pa.Table:
    counts = context.table("tags").group_by("list").aggregate([("doc_id", "count")])
    labels = vocabulary(context.seeds)
    lists = counts["list"].to_pylist()
    return pa.table(
        {
            "list": lists,
            "label": [labels.get(name, name) for name in lists],
            "tags": pc.cast(counts["doc_id_count"], pa.int64()),
        },
        schema=SCHEMA,
    )


TAG_COUNTS = Derivation(
    "tag_counts", SCHEMA, tag_counts, inputs=lambda seeds: [seeds / "vocabulary.csv"]
)


def write_vocabulary(seeds: Path, label: str) -> None:
    (seeds / "vocabulary.csv").write_text(f"list,label\nThemes,{label}\n", encoding="utf-8")


def test_a_derived_table_lands_in_the_generation_it_was_computed_from(
    tmp_path: Path, seeds_copy
) -> None:
    seeds = seeds_copy(FIXTURE_DOCS / "new_layout.md", FIXTURE_DOCS / "old_layout.md")
    write_vocabulary(seeds, "Big themes")
    cache = tmp_path / "cache"

    report = build_cache(seeds, cache, derivations=[TAG_COUNTS])

    assert report.documents == 2  # vocabulary.csv is not a document
    derived = read_cache(cache).derived["tag_counts"].set_index("list")
    tags = read_cache(cache).tags
    assert derived.loc["Themes", "label"] == "Big themes"
    assert derived.loc["Themes", "tags"] == (tags["list"] == "Themes").sum()
    # a stable path, like the contract tables
    assert pd.read_parquet(cache / "tag_counts.parquet").equals(
        read_cache(cache).derived["tag_counts"]
    )


def test_a_vocabulary_change_alone_makes_a_new_generation(tmp_path: Path, seeds_copy) -> None:
    seeds = seeds_copy(FIXTURE_DOCS / "new_layout.md")
    write_vocabulary(seeds, "First label")
    cache = tmp_path / "cache"
    first = build_cache(seeds, cache, derivations=[TAG_COUNTS])
    assert build_cache(seeds, cache, derivations=[TAG_COUNTS]).changed is False

    write_vocabulary(seeds, "Second label")
    again = build_cache(seeds, cache, derivations=[TAG_COUNTS])

    assert again.changed and again.parsed == 0
    assert again.generation != first.generation
    labels = read_cache(cache).derived["tag_counts"].set_index("list")["label"]
    assert labels["Themes"] == "Second label"


def test_another_data_folder_rebuilds_only_if_it_holds_another_vocabulary(
    tmp_path: Path, seeds_copy, monkeypatch
) -> None:
    """The analyst's saved vocabulary lives in the data folder: pointing Seedscope at
    another data folder without one changes no concept, so the cache is kept; one
    holding a vocabulary file is read."""
    seeds = seeds_copy(FIXTURE_DOCS / "new_layout.md")
    cache = tmp_path / "cache"
    monkeypatch.setenv("SEEDSCOPE_DATA", str(tmp_path / "data-one"))
    first = build_cache(seeds, cache)
    monkeypatch.setenv("SEEDSCOPE_DATA", str(tmp_path / "data-two"))
    assert build_cache(seeds, cache).changed is False
    overlay = vocabulary_files(seeds).overlay_file
    overlay.parent.mkdir(parents=True)
    overlay.write_text("label,alt_labels\nSaved elsewhere,\n", encoding="utf-8")
    again = build_cache(seeds, cache)
    assert again.changed and again.parsed == 0 and again.generation != first.generation


def test_the_dashboards_refresh_sees_a_vocabulary_change(tmp_path: Path, seeds_copy) -> None:
    seeds = seeds_copy(FIXTURE_DOCS / "new_layout.md")
    live = LiveCache(seeds, tmp_path / "cache", derivations=[TAG_COUNTS])
    live.refresh()
    assert live.refresh().changed is False
    write_vocabulary(seeds, "Edited in place")
    assert live.refresh().changed
    labels = read_cache(tmp_path / "cache").derived["tag_counts"].set_index("list")["label"]
    assert labels["Themes"] == "Edited in place"
    shutil.copy2(FIXTURE_DOCS / "old_layout.md", seeds / "old_layout.md")
    assert live.refresh().parsed == 1  # and documents keep refreshing as before
    live.close()


def test_without_derivations_the_corpus_has_none(tmp_path: Path, seeds_copy) -> None:
    seeds = seeds_copy(FIXTURE_DOCS / "new_layout.md")
    write_vocabulary(seeds, "Unused")
    build_cache(seeds, tmp_path / "cache", derivations=())
    corpus = read_cache(tmp_path / "cache")
    assert corpus.derived == {}
    # the contract's derived tables are then empty, with their columns
    assert corpus.concepts.empty and "concept" in corpus.concepts.columns
    assert corpus.signal_clusters.empty and "cluster" in corpus.signal_clusters.columns


def test_every_build_derives_the_concepts_and_signal_clusters(tmp_path: Path, seeds_copy) -> None:
    seeds = seeds_copy(FIXTURE_DOCS / "new_layout.md", FIXTURE_DOCS / "old_layout.md")
    corpus = load_corpus(seeds, tmp_path / "cache")
    assert set(corpus.derived) == {"concepts", "signal_clusters"}
    tags = corpus.tags[corpus.tags["list"].isin(["Themes", "Keywords"])]
    joined = tags.merge(corpus.concepts, on=["list", "value_norm"], how="left")
    assert joined["concept"].notna().all()  # every theme and keyword has its concept
    signals = corpus.entries[corpus.entries["section"] == "Signals"]
    assert len(corpus.signal_clusters) == len(signals)


def checked_labels(context: DeriveContext) -> pa.Table:
    """Labels from vocabulary.csv, reporting the lines that have no label."""
    rows = []
    path = context.seeds / "vocabulary.csv"
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    for number, line in enumerate(lines[1:], start=2):
        name, _, label = line.partition(",")
        if not label:
            context.problem("vocabulary.csv", number, "warning", f"{name!r} has no label; skipped")
            continue
        rows.append((name, label))
    return pa.table({"list": [r[0] for r in rows], "label": [r[1] for r in rows]})


LABELS = Derivation(
    "labels",
    pa.schema([("list", pa.string()), ("label", pa.string())]),
    checked_labels,
    inputs=lambda seeds: [seeds / "vocabulary.csv"],
)


def test_a_derivation_reports_what_its_inputs_had_wrong(tmp_path: Path, seeds_copy) -> None:
    seeds = seeds_copy(FIXTURE_DOCS / "new_layout.md")
    (seeds / "vocabulary.csv").write_text("list,label\nThemes,Big themes\nKeywords\n")
    cache = tmp_path / "cache"

    report = build_cache(seeds, cache, derivations=[LABELS])

    expected = ["vocabulary.csv", None, 3, "warning", "'Keywords' has no label; skipped"]
    corpus = read_cache(cache)
    rows = corpus.problems[corpus.problems["path"] == "vocabulary.csv"]
    assert rows.astype(object).where(rows.notna(), None).values.tolist() == [expected]
    plain = pd.read_parquet(cache / "problems.parquet")
    assert (plain["path"] == "vocabulary.csv").sum() == 1
    assert report.problems["warning"] == len(corpus.problems)
    assert corpus.derived["labels"]["list"].tolist() == ["Themes"]

    (seeds / "vocabulary.csv").write_text("list,label\nThemes,Big themes\n")
    build_cache(seeds, cache, derivations=[LABELS])
    assert not (read_cache(cache).problems["path"] == "vocabulary.csv").any()
