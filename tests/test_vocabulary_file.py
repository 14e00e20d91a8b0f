"""The analyst's vocabulary file: format, round trip, malformed rows, precedence."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from loaders.concepts.assign import Layer, assign_concepts
from loaders.concepts.vocabulary import (
    SHIPPED_VOCABULARY,
    VocabConcept,
    Vocabulary,
    format_vocabulary,
    parse_vocabulary,
    read_vocabulary,
    write_vocabulary,
)

GOOD = """concept,label,alt_labels,broader,steep,distinct_from,note
artificial-intelligence,artificial intelligence,ai|ia|intelligence artificielle,,Technological,,
generative-ai,generative ai,genai|ia générative,artificial-intelligence,,,narrower than AI
"""


def test_a_file_reads_into_concepts_with_labels_broader_and_steep() -> None:
    vocabulary = parse_vocabulary(GOOD)
    assert vocabulary.problems == ()
    ai, gen = vocabulary.concepts
    assert ai.labels == ("artificial intelligence", "ai", "ia", "intelligence artificielle")
    assert ai.steep == "Technological"
    assert gen.broader == "artificial-intelligence"
    assert gen.note == "narrower than AI"
    assert (ai.line, gen.line) == (2, 3)


def test_round_trip_keeps_every_field_and_unknown_columns(tmp_path: Path) -> None:
    text = (
        "concept,label,alt_labels,broader,steep,distinct_from,note,owner\n"
        "artificial-intelligence,artificial intelligence,ai|ia,,Technological,,,anna\n"
        'generative-ai,generative ai,genai,artificial-intelligence,,chatgpt,"a, b",\n'
    )
    vocabulary = parse_vocabulary(text)
    path = tmp_path / "vocabulary.csv"
    write_vocabulary(path, vocabulary)
    again = read_vocabulary(path)
    assert again.concepts == vocabulary.concepts
    assert again.extra_columns == ("owner",)
    assert again.concepts[0].extra == {"owner": "anna"}
    assert format_vocabulary(again) == path.read_text(encoding="utf-8")


def test_malformed_rows_are_reported_with_their_line_and_the_rest_is_read() -> None:
    text = (
        "concept,label,alt_labels,broader,steep\n"
        "a,alpha,,,\n"
        ",,orphan alt,,\n"  # line 3: no label
        "a,again,,,\n"  # line 4: duplicate id
        "B C!,beta,,,Techno\n"  # line 5: id mended, STEEP unknown
        "g,gamma,,g,\n"  # line 6: broader than itself
        '"d,delta,\n'  # line 7: an unclosed quote swallows the rest
    )
    vocabulary = parse_vocabulary(text, "vocabulary.csv")
    by_line = {p.line: p for p in vocabulary.problems}
    assert by_line[3].severity == "error" and "no label" in by_line[3].message
    assert by_line[4].severity == "error" and "already defined on line 2" in by_line[4].message
    assert "b-c" in by_line[5].message or any("b-c" in p.message for p in vocabulary.problems)
    assert any(p.line == 5 and "STEEP" in p.message for p in vocabulary.problems)
    assert by_line[6].severity == "warning"
    assert [c.id for c in vocabulary.concepts][:3] == ["a", "b-c", "g"]
    assert all(p.path == "vocabulary.csv" for p in vocabulary.problems)


def test_a_file_without_a_label_column_is_ignored_with_one_message() -> None:
    vocabulary = parse_vocabulary("name,synonyms\nai,artificial intelligence\n")
    assert vocabulary.concepts == ()
    assert len(vocabulary.problems) == 1 and vocabulary.problems[0].line == 1


def test_semicolons_bom_and_windows_1252_from_spreadsheets_are_read(tmp_path: Path) -> None:
    path = tmp_path / "vocabulary.csv"
    path.write_bytes("\ufeffconcept;label;alt_labels\nvie-privee;vie privée;privacy\n".encode())
    assert read_vocabulary(path).concepts[0].label == "vie privée"
    path.write_bytes("concept,label\nvie-privee,vie priv\xe9e\n".encode("latin-1"))
    vocabulary = read_vocabulary(path)
    assert vocabulary.concepts[0].label == "vie privée"
    assert "Windows-1252" in vocabulary.problems[0].message


def test_a_missing_file_is_an_empty_vocabulary(tmp_path: Path) -> None:
    assert read_vocabulary(tmp_path / "vocabulary.csv") == Vocabulary()


def test_a_file_edited_in_place_is_read_again_even_with_its_old_timestamps(
    tmp_path: Path,
) -> None:
    """Unchanged files are parsed once per process; a change of a few letters with the
    same size, inode and modification time (two saves within one clock tick) is seen."""
    path = tmp_path / "vocabulary.csv"
    path.write_text(GOOD, encoding="utf-8")
    first = read_vocabulary(path)
    assert read_vocabulary(path) is first  # unchanged: the same parse
    before = path.stat()
    path.write_text(GOOD.replace("genai", "gen-x"), encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size and path.stat().st_ino == before.st_ino
    again = read_vocabulary(path)
    assert "gen-x" in again.by_id()["generative-ai"].alt_labels
    assert "genai" in first.by_id()["generative-ai"].alt_labels  # what others hold is kept


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list('ab,;|"\n\r é\t\x00')), max_size=200))
def test_no_text_makes_the_reader_raise(text: str) -> None:
    vocabulary = parse_vocabulary("concept,label,alt_labels,broader,steep\n" + text)
    for concept in vocabulary.concepts:
        assert concept.label and concept.id


def test_the_analysts_file_wins_over_the_shipped_vocabulary_which_wins_over_rules() -> None:
    tags = pd.DataFrame(
        [
            {"doc_id": "d1", "list": "Themes", "value": v, "value_norm": v}
            for v in ("ai", "artificial intelligence", "genai", "generative ai")
        ]
    )
    shipped = read_vocabulary(SHIPPED_VOCABULARY)
    analyst = parse_vocabulary("concept,label,alt_labels\ngen-ai,GenAI,generative ai\n")
    table = assign_concepts(
        tags, [Layer(analyst, "vocabulary file"), Layer(shipped, "shipped vocabulary")]
    )
    got = {v: (c, h) for v, c, h in zip(table.value_norm, table.concept, table.how, strict=True)}
    assert got["genai"] == ("gen-ai", "vocabulary file")
    assert got["generative ai"] == ("gen-ai", "vocabulary file")
    assert got["ai"] == ("artificial-intelligence", "shipped vocabulary")
    assert got["artificial intelligence"] == ("artificial-intelligence", "shipped vocabulary")


def test_steep_is_inherited_from_the_broader_concept() -> None:
    tags = pd.DataFrame(
        [{"doc_id": "d1", "list": "Themes", "value": "genai", "value_norm": "genai"}]
    )
    table = assign_concepts(tags, [Layer(parse_vocabulary(GOOD), "vocabulary file")])
    assert table.loc[0, "broader"] == "artificial-intelligence"
    assert table.loc[0, "steep"] == "Technological"


def test_writing_is_atomic_for_a_concurrent_reader(tmp_path: Path) -> None:
    path = tmp_path / "vocabulary.csv"
    small = Vocabulary((VocabConcept("a", "alpha"),))
    big = Vocabulary(tuple(VocabConcept(f"c{i}", f"concept {i}") for i in range(3000)))
    write_vocabulary(path, small)
    seen: set[int] = set()
    stop = threading.Event()

    def read() -> None:
        while not stop.is_set():
            seen.add(len(read_vocabulary(path).concepts))

    reader = threading.Thread(target=read)
    reader.start()
    for _ in range(20):
        write_vocabulary(path, big)
        write_vocabulary(path, small)
    stop.set()
    reader.join()
    assert seen <= {1, 3000}
    assert not [p for p in os.listdir(tmp_path) if p != "vocabulary.csv"]
