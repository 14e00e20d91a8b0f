"""Every odd case of the real corpus, one small fixture file each.

The whole fixture folder is loaded once per engine (like pandas' parser
tests, one fixture parametrised over engines); each test then checks what an
analyst would see for its case.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest

from loaders import Corpus, load_corpus
from tests.conftest import FIXTURE_DOCS


@pytest.fixture(scope="module", params=["fast", "markdown-it"])
def corpus(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    cache = tmp_path_factory.mktemp(f"cache-{request.param}")
    return load_corpus(FIXTURE_DOCS, cache, engine=request.param)


def doc(corpus: Corpus, doc_id: str) -> pd.Series:
    rows = corpus.documents[corpus.documents["doc_id"] == doc_id]
    assert len(rows) == 1, f"expected one document {doc_id!r}, found {len(rows)}"
    return rows.iloc[0]


def entries(corpus: Corpus, doc_id: str, section: str | None = None) -> pd.DataFrame:
    rows = corpus.entries[corpus.entries["doc_id"] == doc_id]
    if section is not None:
        rows = rows[rows["section"] == section]
    return rows.sort_values("position").reset_index(drop=True)


def tags(corpus: Corpus, doc_id: str, name: str) -> list[str]:
    rows = corpus.tags[(corpus.tags["doc_id"] == doc_id) & (corpus.tags["list"] == name)]
    return rows.sort_values("position")["value"].tolist()


def problems(corpus: Corpus, path: str) -> pd.DataFrame:
    return corpus.problems[corpus.problems["path"] == path]


def messages(corpus: Corpus, path: str) -> list[str]:
    return problems(corpus, path)["message"].tolist()


def test_new_layout_document_fills_every_column(corpus: Corpus) -> None:
    d = doc(corpus, "new_layout")
    assert d["title"] == "Solar Roads Reach Pilot Stage"
    assert d["page_date"] == pd.Timestamp("2024-05-05")
    assert d["page_url"] == "https://kghosh.substack.com/p/20240505"
    assert d["source_url"] == "https://example.org/solar-roads"
    assert (d["category"], d["doc_type"]) == ("technology", "news")
    assert d["summary"] == (
        "A pilot of solar road tiles produced more power than expected.\n"
        "It will be extended next year."
    )
    assert list(d["sections"]) == [
        "Keywords",
        "Themes",
        "Other",
        "Summary",
        "Signals",
        "Concerns",
        "Behaviors",
        "Technologies",
        "Issues",
    ]
    assert len(d["sha256"]) == 64
    signals = entries(corpus, "new_layout", "Signals")
    first = signals.iloc[0]
    assert first[["name", "description", "change", "ten_year", "driving_force"]].tolist() == [
        "Solar Road Tiles",
        "Tiles that generate power.",
        "From asphalt to generators.",
        "Roads power nearby homes.",
        "Cheap photovoltaics.",
    ]
    assert signals["relevancy"].tolist() == [4.0, 5.0]
    assert signals["position"].tolist() == [0, 1]
    assert first["extra"] == "{}"
    counts = (
        corpus.entries[corpus.entries["doc_id"] == "new_layout"]["section"].value_counts().to_dict()
    )
    assert counts == {"Signals": 2, "Concerns": 1, "Behaviors": 1, "Technologies": 1, "Issues": 1}
    assert pd.isna(entries(corpus, "new_layout", "Behaviors").iloc[0]["relevancy"])
    assert messages(corpus, "new_layout.md") == []


def test_tags_keep_their_text_and_meet_when_normalised(corpus: Corpus) -> None:
    assert tags(corpus, "new_layout", "Keywords") == ["solar roads", "Open-Source", "energy"]
    norm = corpus.tags[corpus.tags["doc_id"] == "new_layout"]["value_norm"].tolist()
    assert "open source" in norm
    assert "Category: technology" not in corpus.tags["value"].tolist()


def test_old_layout_maps_signal_change_horizon_and_force(corpus: Corpus) -> None:
    d = doc(corpus, "old_layout")
    assert d["title"] == "Cities Ban Gas Leaf Blowers"
    assert d["page_date"] == pd.Timestamp("2022-12-28")
    assert list(d["sections"])[:2] == ["Summary", "Keywords"]
    signals = entries(corpus, "old_layout", "Signals")
    assert signals.iloc[1][["name", "change", "ten_year", "driving_force"]].tolist() == [
        "Landscapers switch to batteries",
        "New equipment costs",
        "Battery tools are the standard",
        "Regulation",
    ]
    assert signals["description"].isna().all()
    assert signals["relevancy"].isna().all()
    closest = corpus.tags[
        (corpus.tags["doc_id"] == "old_layout") & (corpus.tags["list"] == "Closest")
    ]
    assert closest["value"].tolist() == ["Cities Ban Gas Leaf Blowers", "Quiet Streets Movement"]
    assert closest["link"].tolist() == ["old_layout", "0a1b2c3d"]
    assert messages(corpus, "old_layout.md") == []


def test_page_token_with_a_letter_is_still_a_date(corpus: Corpus) -> None:
    assert doc(corpus, "page_token_suffix")["page_date"] == pd.Timestamp("2025-05-11")
    assert messages(corpus, "page_token_suffix.md") == []


def test_junk_page_token_gives_no_date_and_a_warning(corpus: Corpus) -> None:
    assert pd.isna(doc(corpus, "page_token_junk")["page_date"])
    found = problems(corpus, "page_token_junk.md")
    assert found["line"].tolist() == [1]
    assert "'2966.0' is not a date" in found["message"].iloc[0]
    assert entries(corpus, "page_token_junk")["name"].tolist() == ["Beta"]


def test_exploded_keywords_are_rejoined(corpus: Corpus) -> None:
    assert tags(corpus, "exploded_keywords", "Keywords") == [
        "silk dress",
        "cryptogram",
        "coded messages",
        "Open-Source",
    ]
    assert tags(corpus, "exploded_keywords", "Themes") == ["history", "cryptography"]
    found = messages(corpus, "exploded_keywords.md")
    assert any("one character per bullet" in m and "rejoined into 4" in m for m in found)


def test_table_without_name_column_keeps_rows_and_extra(corpus: Corpus) -> None:
    rows = entries(corpus, "no_name_column", "Technologies")
    assert rows["name"].isna().all()
    assert rows["description"].tolist() == [
        "Hidden commands in a wireless microchip.",
        "A driver that exposes the hidden commands.",
    ]
    assert rows["relevancy"].tolist() == [4.0, 5.0]
    assert [json.loads(e) for e in rows["extra"]] == [{"src": "no_name_column"}] * 2


def test_wrapped_rows_are_kept_and_blank_rows_skipped(corpus: Corpus) -> None:
    rows = entries(corpus, "wrapped_rows", "Signals")
    assert rows["name"].tolist()[0] == "Long Signal"
    assert pd.isna(rows["name"].iloc[1])
    assert rows["description"].iloc[1] == "and continues on this row."
    assert rows["name"].iloc[2] == "Next Signal"
    assert len(rows) == 3  # the all-blank row is skipped, nothing else
    assert 10 in problems(corpus, "wrapped_rows.md")["line"].tolist()


def test_double_pipe_inside_text_stays_in_its_cell(corpus: Corpus) -> None:
    rows = entries(corpus, "pipes_in_text", "Signals")
    assert rows["description"].iloc[0] == "Archives of PoC||GTFO preserve hacker culture."
    assert rows["relevancy"].tolist() == [4.0, 3.0]
    assert doc(corpus, "pipes_in_text")["title"] == "Directory Listing of PoC||GTFO Issues"


def test_future_page_date_is_kept_with_a_warning(corpus: Corpus) -> None:
    assert doc(corpus, "future_date")["page_date"] == pd.Timestamp("2029-08-30")
    assert any("in the future" in m for m in messages(corpus, "future_date.md"))


def test_same_digest_twice_is_marked_as_duplicate(corpus: Corpus) -> None:
    assert pd.isna(doc(corpus, "duplicate_a")["duplicate_of"])
    assert doc(corpus, "duplicate_b")["duplicate_of"] == "duplicate_a"
    assert any("duplicate_a" in m for m in messages(corpus, "duplicate_b.md"))
    assert messages(corpus, "duplicate_a.md") == []


def test_page_that_is_not_an_article_loads_like_any_other(corpus: Corpus) -> None:
    d = doc(corpus, "not_an_article")
    assert d["doc_type"] == "error message"
    assert entries(corpus, "not_an_article")["name"].tolist() == ["Bot Checks Everywhere"]


def test_french_document(corpus: Corpus) -> None:
    d = doc(corpus, "french")
    assert d["title"] == "La Transition Démographique en France"
    assert "« une transition »" in d["summary"]
    assert tags(corpus, "french", "Keywords") == ["démographie", "natalité"]
    assert entries(corpus, "french")["ten_year"].tolist() == ["Population plus âgée"]


@pytest.mark.parametrize(
    ("path", "severity", "words"),
    [
        ("empty.md", "error", "empty"),
        ("binary.md", "error", "binary"),
    ],
)
def test_unusable_files_become_one_error_each(
    corpus: Corpus, path: str, severity: str, words: str
) -> None:
    found = problems(corpus, path)
    assert found["severity"].tolist() == [severity]
    assert words in found["message"].iloc[0]
    assert path not in corpus.documents["path"].tolist()


def test_latin1_file_is_read_in_its_encoding_with_a_warning(corpus: Corpus) -> None:
    d = doc(corpus, "latin1")
    assert d["title"] == "Café Culture in Transition"
    assert entries(corpus, "latin1")["name"].tolist() == ["Café Work"]
    found = problems(corpus, "latin1.md")
    assert found["message"].tolist() == [
        "file is not UTF-8; read as cp1252, the encoding its bytes fit best"
    ]
    assert entries(corpus, "latin1")["relevancy"].tolist() == [3.0]


def test_missing_title_line_keeps_the_tables(corpus: Corpus) -> None:
    assert pd.isna(doc(corpus, "no_title")["title"])
    assert any("no title line" in m for m in messages(corpus, "no_title.md"))
    assert entries(corpus, "no_title")["name"].tolist() == ["Epsilon"]


def test_ragged_rows_keep_overflow_and_pad_missing_cells(corpus: Corpus) -> None:
    rows = entries(corpus, "ragged_rows", "Concerns")
    assert rows["name"].tolist() == ["Too Many", "Too Few", "Fine"]
    assert json.loads(rows["extra"].iloc[0]) == {"_overflow": ["surplus"]}
    assert pd.isna(rows["relevancy"].iloc[1])
    assert rows["relevancy"].iloc[2] == 3.0
    lines = problems(corpus, "ragged_rows.md")["line"].tolist()
    assert 9 in lines and 10 in lines


def test_header_without_rows_is_reported(corpus: Corpus) -> None:
    assert entries(corpus, "header_only", "Issues").empty
    assert entries(corpus, "header_only", "Signals")["name"].tolist() == ["Zeta"]
    found = problems(corpus, "header_only.md")
    assert found["line"].tolist() == [7]
    assert "no rows" in found["message"].iloc[0]


def test_non_numeric_relevancy_is_null_with_a_problem_per_row(corpus: Corpus) -> None:
    rows = entries(corpus, "bad_relevancy", "Concerns")
    assert rows["name"].tolist() == ["Words", "Fraction", "Missing", "Blank", "Decimal", "Huge"]
    values = rows["relevancy"].tolist()
    assert pd.isna(values[0]) and pd.isna(values[2]) and pd.isna(values[3]) and pd.isna(values[5])
    assert values[1] == 4.0 and values[4] == 3.5
    assert problems(corpus, "bad_relevancy.md")["line"].tolist() == [9, 10, 11, 12, 14]


def test_duplicated_section_rows_are_all_kept_in_order(corpus: Corpus) -> None:
    rows = entries(corpus, "duplicated_sections", "Signals")
    assert rows["name"].tolist() == ["Eta", "Theta"]
    assert rows["position"].tolist() == [0, 1]
    found = problems(corpus, "duplicated_sections.md")
    assert found["line"].tolist() == [11]


def test_escaped_pipes_and_pipes_in_code(corpus: Corpus) -> None:
    rows = entries(corpus, "escaped_pipes", "Technologies")
    assert rows["name"].iloc[0] == "Shell | Pipes"
    assert rows["description"].iloc[0] == "Uses a | b to chain commands."
    assert rows["description"].iloc[1] == "Written as x|y without escaping."
    assert rows["relevancy"].tolist() == [4.0, 3.0]
    assert problems(corpus, "escaped_pipes.md")["line"].tolist() == [10]


def test_raw_html_is_kept_as_inert_text(corpus: Corpus) -> None:
    d = doc(corpus, "raw_html")
    assert d["title"] == "Untrusted <b>Markup</b>"
    assert d["source_url"] == "javascript:alert(1)"
    assert '<script>alert("x")</script>' in d["summary"]
    row = entries(corpus, "raw_html", "Signals").iloc[0]
    assert row["name"] == "Image <img src=x onerror=alert(3)>"
    found = problems(corpus, "raw_html.md")
    assert 13 in found["line"].tolist()
    assert any("not an http(s) address" in m for m in found["message"])


def test_files_are_found_in_subfolders_with_every_suffix(corpus: Corpus) -> None:
    paths = set(corpus.documents["path"])
    assert {"nested/subfolder_doc.markdown", "notes.txt"} <= paths
    assert not any(p.startswith(".hidden") for p in paths)
    assert "ignored.pdf" not in paths and "ignored.pdf" not in set(corpus.problems["path"])


def test_every_row_of_the_contract_has_its_columns(corpus: Corpus) -> None:
    assert list(corpus.documents.columns) == [
        "doc_id",
        "path",
        "title",
        "page_date",
        "page_url",
        "source_url",
        "category",
        "doc_type",
        "summary",
        "sha256",
        "sections",
        "duplicate_of",
    ]
    assert list(corpus.entries.columns) == [
        "doc_id",
        "section",
        "position",
        "name",
        "description",
        "change",
        "ten_year",
        "driving_force",
        "relevancy",
        "extra",
    ]
    assert list(corpus.tags.columns) == [
        "doc_id",
        "list",
        "position",
        "value",
        "value_norm",
        "link",
    ]
    assert list(corpus.problems.columns) == ["path", "doc_id", "line", "severity", "message"]
    assert set(corpus.problems["severity"]) <= {"error", "warning"}
    assert corpus.documents["doc_id"].is_unique
    keys = corpus.entries[["doc_id", "section", "position"]]
    assert not keys.duplicated().any()


def test_parse_is_the_same_whatever_the_day_but_future_dates(tmp_path: Path) -> None:
    from loaders import parse_text

    text = (FIXTURE_DOCS / "future_date.md").read_text()
    later = parse_text(text, today=dt.date(2030, 1, 1))
    now = parse_text(text, today=dt.date(2026, 11, 27))
    assert later.entries == now.entries
    assert [p[4] for p in later.problems] == []
    assert any("future" in str(p[4]) for p in now.problems)
