"""Vocabulary edits: each one changes the concepts the next build shows, and undo puts it back.

Edits are checked end to end: edit the analyst's file, derive the concepts
table again from the same tags, and look at what an analyst would see.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import tempfile
from pathlib import Path

import pandas as pd
import pytest

from loaders.concepts.derive import definitions, derive_concepts, vocabulary_files
from loaders.concepts.vocabulary import read_vocabulary
from seedscope import vocabulary as edits
from seedscope.concepts import ConceptIndex
from seedscope.suggest import NARROWER, SPELLING, suggestions

VALUES = {
    "d1": ["knowledge graphs", "llms", "generative ai", "ai", "energy storage"],
    "d2": [
        "knowledge graph",
        "large language models",
        "satellite imagery",
        "ai",
        "thermal energy storage",
    ],
    "d3": ["satellite images", "energy", "energy transition", "generative ai"],
}


def tags() -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "doc_id": d,
                "list": "Keywords",
                "value": v.upper() if v == "llms" else v,
                "value_norm": v,
            }
            for d, values in VALUES.items()
            for v in values
        ]
    )


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    folder = tmp_path / "seeds"
    folder.mkdir()
    return folder


def view(seeds: Path, read_only: bool = False) -> tuple[ConceptIndex, edits.Catalogue]:
    files = vocabulary_files(seeds, read_only=read_only)
    table, _ = derive_concepts(tags(), files)
    index = ConceptIndex(table, tags(), definitions(files))
    return index, edits.catalogue_of(index)


def editor(seeds: Path, read_only: bool = False) -> edits.VocabularyEditor:
    files = vocabulary_files(seeds, read_only=read_only)
    return edits.VocabularyEditor(files, files.overlay_file.parent / "history")


def apply(seeds: Path, change, *args, read_only: bool = False) -> str:
    _, catalogue = view(seeds, read_only)
    return editor(seeds, read_only).apply(lambda analyst: change(catalogue, analyst, *args))


def test_accepting_a_spelling_suggestion_merges_the_two_concepts(seeds: Path) -> None:
    index, _ = view(seeds)
    found = suggestions(index)
    pair = found[(found["kind"] == SPELLING)].iloc[0]
    assert {pair["label"], pair["other_label"]} == {"satellite imagery", "satellite images"}
    apply(seeds, edits.merge, pair["other"], pair["concept"])
    index, _ = view(seeds)
    assert index.of_value["satellite imagery"] == index.of_value["satellite images"]
    assert index.documents["Keywords"][index.of_value["satellite images"]] == 2
    assert (seeds / "vocabulary.csv").is_file()
    assert suggestions(index).query("kind == 'spelling'").empty


def test_a_narrower_suggestion_sets_broader_instead_of_merging(seeds: Path) -> None:
    index, _ = view(seeds)
    found = suggestions(index)
    row = found[(found["kind"] == NARROWER) & (found["label"] == "thermal energy storage")]
    assert row["other_label"].tolist() == ["energy storage"]
    apply(seeds, edits.set_broader, row["concept"].iloc[0], row["other"].iloc[0])
    index, _ = view(seeds)
    thermal, storage = index.of_value["thermal energy storage"], index.of_value["energy storage"]
    assert thermal != storage
    assert index.concepts[thermal].broader == storage
    assert thermal in index.with_narrower("energy")
    assert index.top(thermal) == "energy"
    assert suggestions(index).query("kind == 'narrower' and concept == @thermal").empty


def test_rejecting_a_suggestion_keeps_it_from_coming_back(seeds: Path) -> None:
    index, _ = view(seeds)
    a, b = index.of_value["satellite imagery"], index.of_value["satellite images"]
    apply(seeds, edits.reject, a, b)
    assert suggestions(view(seeds)[0]).query("kind == 'spelling'").empty


def test_split_rename_and_undo_in_sequence(seeds: Path) -> None:
    index, _ = view(seeds)
    llm = index.of_value["llms"]
    assert index.of_value["large language models"] == llm  # shipped vocabulary
    apply(seeds, edits.split, llm, "llms")
    index, _ = view(seeds)
    assert index.of_value["llms"] != index.of_value["large language models"]
    apply(seeds, edits.rename, index.of_value["large language models"], "LLM (models)")
    index, _ = view(seeds)
    assert index.label(index.of_value["large language models"]) == "LLM (models)"
    ed = editor(seeds)
    assert ed.undo().startswith("The last")
    index, _ = view(seeds)
    assert index.label(index.of_value["large language models"]) == "large language models"
    assert index.of_value["llms"] != index.of_value["large language models"]
    ed.undo()
    index, _ = view(seeds)
    assert index.of_value["llms"] == index.of_value["large language models"]
    assert not (seeds / "vocabulary.csv").exists()
    assert not ed.can_undo
    with pytest.raises(edits.VocabularyEditError):
        ed.undo()


def test_edits_that_make_no_sense_are_refused_with_a_reason(seeds: Path) -> None:
    index, _ = view(seeds)
    ai = index.of_value["ai"]
    gen = index.of_value["generative ai"]
    with pytest.raises(edits.VocabularyEditError, match="loop"):
        apply(seeds, edits.set_broader, ai, gen)
    with pytest.raises(edits.VocabularyEditError, match="itself"):
        apply(seeds, edits.merge, ai, ai)
    with pytest.raises(edits.VocabularyEditError, match="spelling of"):
        apply(seeds, edits.split, index.of_value["knowledge graph"], "knowledge graph")
    assert not (seeds / "vocabulary.csv").exists()


def _edit_as_nobody(seeds: str, data: str, answer) -> None:
    """In a child: drop root (who can write anywhere), then edit the read-only corpus."""
    os.environ["SEEDSCOPE_DATA"] = data
    if os.getuid() == 0:
        os.setgid(65534)
        os.setuid(65534)
    index, _ = view(Path(seeds))
    ed = editor(Path(seeds))
    apply(Path(seeds), edits.rename, index.of_value["energy"], "énergie")
    answer.send((str(ed.path), view(Path(seeds))[0].label(index.of_value["energy"])))


def test_a_read_only_seeds_folder_sends_edits_to_the_data_folder() -> None:
    root = Path(tempfile.mkdtemp(prefix="seedscope-readonly-"))
    seeds, data = root / "seeds", root / "data"
    seeds.mkdir()
    data.mkdir()
    for path, mode in ((root, 0o755), (seeds, 0o555), (data, 0o777)):
        path.chmod(mode)
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_edit_as_nobody, args=(str(seeds), str(data), send))
    child.start()
    child.join(timeout=60)
    assert child.exitcode == 0
    path, label = receive.recv()
    assert Path(path).is_relative_to(data)
    assert label == "énergie"
    assert not (seeds / "vocabulary.csv").exists()
    shutil.rmtree(root)


def _rename_many(seeds: str, prefix: str, count: int, data: str) -> None:
    os.environ["SEEDSCOPE_DATA"] = data
    files = vocabulary_files(seeds)
    ed = edits.VocabularyEditor(files, files.overlay_file.parent / "history")
    for i in range(count):
        concept = f"{prefix}-{i}"
        ed.apply(
            lambda analyst, c=concept: (
                analyst.setdefault(c, edits.VocabConcept(c, c.replace("-", " "))) and "added"
            )
        )


def test_two_editors_at_once_lose_nothing(seeds: Path) -> None:
    context = multiprocessing.get_context("fork")
    workers = [
        context.Process(
            target=_rename_many, args=(str(seeds), name, 25, os.environ["SEEDSCOPE_DATA"])
        )
        for name in ("tab-a", "tab-b")
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0
    ids = {c.id for c in read_vocabulary(seeds / "vocabulary.csv").concepts}
    assert ids == {f"tab-{t}-{i}" for t in "ab" for i in range(25)}


def test_old_links_with_raw_values_resolve_to_concepts(seeds: Path) -> None:
    index, _ = view(seeds)
    ai = index.of_value["ai"]
    assert index.resolve("artificial intelligence") == ai
    assert index.resolve("AI") == ai
    assert index.resolve("Knowledge-Graph") == index.of_value["knowledge graphs"]
    assert index.resolve(ai) == ai
    assert index.resolve("no such thing") is None
    assert index.resolve_all(["ai", "artificial-intelligence", "zzz"]) == (ai, "zzz")
