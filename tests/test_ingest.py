"""Hostile input: no file can crash a build, drop text silently or stall it.

Each test is a defect a reliability pass found (a name that is not UTF-8,
deep nesting, NUL bytes, pathological cells, unreadable folders, legacy
encodings, links out of the seeds folder, UTF-16 without a byte-order mark),
checked the way a user meets it: by loading a folder and reading the tables.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd
import pytest

from loaders import Corpus, LiveCache, load_corpus, parse_bytes, parse_text
from tests.conftest import FIXTURE_DOCS, ROOT, shared_dir

NEW_LAYOUT = FIXTURE_DOCS / "new_layout.md"
#: A real digest with a Keywords list, a category, a Summary and 24 entries.
REAL = shared_dir() / "corpus" / "0063cd88c0d4ecadd54d7e5413f95ac0.md"


def messages(corpus: Corpus, path: str) -> list[str]:
    return corpus.problems[corpus.problems["path"] == path]["message"].tolist()


def entry_rows(parsed) -> list[tuple]:
    return [tuple(row[1:]) for row in parsed.entries]


# -- 1. file names ----------------------------------------------------------------


def test_a_file_name_that_is_not_utf8_is_read_and_shown_readably(
    tmp_path: Path, seeds_copy
) -> None:
    seeds = seeds_copy(NEW_LAYOUT, FIXTURE_DOCS / "old_layout.md")
    odd = os.fsencode(seeds) + b"/caf\xe9.md"  # a Latin-1 name, as an old zip would make
    with open(odd, "wb") as fh:
        fh.write(NEW_LAYOUT.read_bytes().replace(b"Solar Roads", b"Odd Name Roads"))
    cache = tmp_path / "cache"

    corpus = load_corpus(seeds, cache)

    assert len(corpus.documents) == 3
    row = corpus.documents.set_index("path").loc["caf\\xe9.md"]
    assert (row["doc_id"], row["title"]) == ("caf\\xe9", "Odd Name Roads Reach Pilot Stage")
    assert messages(corpus, "caf\\xe9.md") == [
        "file name is not valid UTF-8; shown as 'caf\\\\xe9.md'"
    ]
    # The dashboard's refresh and the command line read it too, edit after edit.
    live = LiveCache(seeds, cache)
    live.refresh()
    with open(odd, "ab") as fh:
        fh.write(b"\n* one more bullet\n")
    assert live.refresh().parsed == 1
    live.close()
    result = subprocess.run(
        [sys.executable, "-m", "loaders", str(seeds), "--cache", str(cache)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("3 documents;")


# -- 2. deep nesting --------------------------------------------------------------


@pytest.mark.parametrize("engine", ["fast", "markdown-it"])
def test_text_after_a_deeply_nested_list_is_kept(engine: str) -> None:
    text = REAL.read_text(encoding="utf-8")
    nested = "".join("  " * i + f"* sub {i}\n" for i in range(12))
    deep = text.replace("## Themes", nested + "\n## Themes", 1)

    whole = parse_text(text, engine=engine)
    parsed = parse_text(deep, engine=engine)

    assert parsed.document is not None and whole.document is not None
    for column in ("sections", "summary", "category"):
        assert parsed.document[column] == whole.document[column], column
    assert entry_rows(parsed) == entry_rows(whole)
    assert len(parsed.entries) == 24
    keywords = [row[3] for row in parsed.tags if row[1] == "Keywords"]
    assert "sub 11" in keywords[-1]  # flattened into the item around it, not dropped
    notes = [p for p in parsed.problems if "nested more than" in str(p[4])]
    first = text[: text.index("## Themes")].count("\n") + 1  # 1-based line of "* sub 0"
    assert len(notes) == 1 and first < int(notes[0][2]) < first + 12


# -- 4. NUL bytes -----------------------------------------------------------------


def test_one_nul_byte_does_not_make_a_document_binary() -> None:
    data = REAL.read_bytes()
    at = data.index(b"## Summary")
    damaged = data[:at] + b"x\x00y\n\n" + data[at:]
    line = data[:at].count(b"\n") + 1

    parsed = parse_bytes(damaged, doc_id="d", path="d.md")

    assert parsed.document is not None
    assert len(parsed.entries) == 24
    assert (line, "NUL character replaced by \N{REPLACEMENT CHARACTER} on line " + str(line)) in [
        (p[2], p[4]) for p in parsed.problems
    ]


def test_nul_bytes_far_into_a_file_are_reported_by_line() -> None:
    text = REAL.read_text(encoding="utf-8")
    padding = "".join(f"Filler paragraph {i} of the summary.\n\n" for i in range(400))
    text = text.replace("## Summary\n", "## Summary\n\n" + padding, 1)
    lines = text.split("\n")
    far = len(lines) - 3
    lines[far] = lines[far] + "\x00\x00"
    data = "\n".join(lines).encode()
    assert data.index(b"\x00") > 8192

    parsed = parse_bytes(data, doc_id="d", path="d.md")

    message = f"NUL character replaced by \N{REPLACEMENT CHARACTER} on line {far + 1}"
    assert [p[2:] for p in parsed.problems if "NUL" in str(p[4])] == [(far + 1, "warning", message)]


def test_a_binary_file_is_still_refused() -> None:
    parsed = parse_bytes(bytes(range(256)) * 40, doc_id="b", path="b.md")
    assert parsed.document is None
    assert parsed.problems[0][3:] == ("error", "binary file, not a text document; skipped")


# -- 5. pathological cells ----------------------------------------------------------


def with_cell(text: str, cell: str) -> str:
    """The digest with its first Signals row's description replaced by ``cell``."""
    lines = text.split("\n")
    start = lines.index("## Signals")
    for at in range(start, len(lines)):
        if lines[at].startswith("|") and set(lines[at - 1]) <= set("|-: ") and "-" in lines[at - 1]:
            cells = lines[at].split("|")
            cells[2] = f" {cell} "
            lines[at] = "|".join(cells)
            return "\n".join(lines)
    raise AssertionError("no Signals table")


def test_a_megabyte_of_brackets_in_a_cell_is_kept_as_written() -> None:
    text = with_cell(REAL.read_text(encoding="utf-8"), "[" * 1_000_000)
    parsed = parse_text(text)
    assert len(parsed.entries) == 24
    signal = next(row for row in parsed.entries if row[1] == "Signals")
    assert signal[4] == "[" * 1_000_000
    assert any("kept as written" in str(p[4]) for p in parsed.problems)


def test_a_line_of_pipes_does_not_become_a_million_empty_cells() -> None:
    text = REAL.read_text(encoding="utf-8")
    lines = text.split("\n")
    at = next(i for i, line in enumerate(lines) if line.startswith("| ") and "-" in lines[i - 1])
    lines[at] += "|" * 200_000 + " tail text |"
    parsed = parse_text("\n".join(lines))
    row = next(r for r in parsed.entries if r[1] == "Signals" and r[2] == 0)
    assert json.loads(str(row[-1])) == {"_overflow": ["tail text"]}
    assert any("cells but the header has" in str(p[4]) for p in parsed.problems)


def test_pipe_rows_that_are_not_a_table_are_reported() -> None:
    text = REAL.read_text(encoding="utf-8")
    lines = text.split("\n")
    header = lines.index("## Signals") + 2
    lines[header] += " extra |"  # the header now has one cell more than the delimiter row
    parsed = parse_text("\n".join(lines))
    assert not [row for row in parsed.entries if row[1] == "Signals"]
    assert [p[2] for p in parsed.problems if "not a table" in str(p[4])] == [header + 1]


# -- 8. unreadable folders -----------------------------------------------------------


def test_unreadable_subfolders_are_named_in_problems(corpus_dir: Path) -> None:
    top = Path(tempfile.mkdtemp(prefix="seedscope-folders-"))
    seeds = top / "seeds"
    documents = sorted(corpus_dir.glob("*.md"))
    for folder, picks in (("open", documents[:2]), ("closed", documents[2:3]), ("x-only", [])):
        (seeds / folder).mkdir(parents=True)
        for path in picks:
            shutil.copy2(path, seeds / folder / path.name)
    shutil.copy2(documents[3], seeds / "x-only" / documents[3].name)
    for path in [top, *top.rglob("*")]:
        os.chown(path, 65534, 65534) if os.getuid() == 0 else None
    (seeds / "closed").chmod(0)
    (seeds / "x-only").chmod(0o111)
    script = (
        "import json, os, sys, tempfile\n"
        "from loaders import load_corpus\n"
        "load_corpus(sys.argv[2], tempfile.mkdtemp())  # import everything while allowed to\n"
        "if os.getuid() == 0:\n"
        "    os.setgid(65534); os.setuid(65534)  # root reads any folder\n"
        "c = load_corpus(sys.argv[1], os.path.dirname(sys.argv[1]) + '/cache')\n"
        "rows = c.problems[c.problems.path.str.endswith('/')]\n"
        "print(json.dumps([len(c.documents), rows[['path', 'severity']].values.tolist()]))\n"
    )
    env = {**os.environ, "SEEDSCOPE_DATA": str(top / "data"), "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-c", script, str(seeds), str(FIXTURE_DOCS / "nested")],
        cwd="/",
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    for folder in ("closed", "x-only"):
        (seeds / folder).chmod(0o755)
    shutil.rmtree(top, ignore_errors=True)
    assert result.returncode == 0, result.stderr
    count, rows = json.loads(result.stdout)
    assert count == 2
    assert rows == [["closed/", "error"], ["x-only/", "error"]]


# -- 9 and 11. encodings --------------------------------------------------------------


def test_a_cp1252_french_digest_keeps_its_accents_and_its_category(
    tmp_path: Path, seeds_copy
) -> None:
    text = (FIXTURE_DOCS / "french.md").read_text(encoding="utf-8")
    text += "\n## Other\n\n* Catégorie: économie\n* Type: analyse\n"
    seeds = seeds_copy(NEW_LAYOUT)
    (seeds / "francais.md").write_bytes(text.encode("cp1252"))

    corpus = load_corpus(seeds, tmp_path / "cache")

    row = corpus.documents.set_index("doc_id").loc["francais"]
    assert row["title"] == "La Transition Démographique en France"
    assert (row["category"], row["doc_type"]) == ("économie", "analyse")
    keywords = corpus.tags[(corpus.tags.doc_id == "francais") & (corpus.tags.list == "Keywords")]
    assert keywords["value"].tolist() == ["démographie", "natalité"]
    assert not (corpus.tags["list"] == "Other").any()
    assert messages(corpus, "francais.md") == [
        "file is not UTF-8; read as cp1252, the encoding its bytes fit best"
    ]


def test_a_utf8_digest_with_one_broken_byte_stays_utf8() -> None:
    data = (FIXTURE_DOCS / "french.md").read_bytes().replace(b"Baisse", b"Bai\xffsse", 1)
    parsed = parse_bytes(data, doc_id="f", path="f.md")
    assert parsed.document is not None
    assert parsed.document["title"] == "La Transition Démographique en France"
    assert "not valid UTF-8" in str(parsed.problems[0][4])


@pytest.mark.parametrize(("codec", "order"), [("utf-16-le", "little"), ("utf-16-be", "big")])
def test_utf16_without_a_byte_order_mark_is_read(codec: str, order: str) -> None:
    text = NEW_LAYOUT.read_text(encoding="utf-8")
    parsed = parse_bytes(text.encode(codec), doc_id="u", path="u.md")
    assert parsed.document is not None
    assert parsed.document["title"] == "Solar Roads Reach Pilot Stage"
    assert parsed.problems[0][3:] == (
        "warning",
        f"file is UTF-16 ({order}-endian) without a byte-order mark; read as text",
    )


# -- 10. links leaving the seeds folder --------------------------------------------------


def test_links_out_of_the_seeds_folder_are_not_followed_unless_asked(
    tmp_path: Path, seeds_copy
) -> None:
    seeds = seeds_copy(NEW_LAYOUT)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.copy2(FIXTURE_DOCS / "old_layout.md", elsewhere / "secret.md")
    (seeds / "secret.md").symlink_to(elsewhere / "secret.md")
    (seeds / "passwd.md").symlink_to("/etc/passwd")
    (seeds / "alias.md").symlink_to(seeds / "new_layout.md")  # inside: followed

    corpus = load_corpus(seeds, tmp_path / "cache")

    assert sorted(corpus.documents["doc_id"]) == ["alias", "new_layout"]
    refused = corpus.problems[corpus.problems["message"].str.contains("outside the seeds")]
    assert sorted(refused["path"]) == ["passwd.md", "secret.md"]
    assert set(refused["severity"]) == {"error"}

    followed = load_corpus(seeds, tmp_path / "cache", follow_outside_links=True)
    assert sorted(followed.documents["doc_id"]) == ["alias", "new_layout", "passwd", "secret"]
    assert not followed.problems["message"].str.contains("outside the seeds").any()


def test_the_command_line_follows_outside_links_only_when_told(tmp_path: Path, seeds_copy) -> None:
    seeds = seeds_copy(NEW_LAYOUT)
    shutil.copy2(FIXTURE_DOCS / "old_layout.md", tmp_path / "outside.md")
    (seeds / "outside.md").symlink_to(tmp_path / "outside.md")
    for flag, documents in (([], 1), (["--follow-outside-links"], 2)):
        result = subprocess.run(
            [sys.executable, "-m", "loaders", str(seeds), "--cache", str(tmp_path / "c"), *flag],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        assert result.stdout.startswith(f"{documents} documents;")
    assert len(pd.read_parquet(tmp_path / "c" / "documents.parquet")) == 2
