"""The whole real corpus in ../shared/corpus loads, checked against a plain line scan.

The scan below knows nothing of Markdown: it splits files at ``## `` lines,
takes ``|`` lines as table rows and `` | `` (pipe between spaces) as the cell
separator. If the loader and this scan agree on every section of every
document, no row was lost, invented or shifted.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from pathlib import Path

import pytest

from loaders import Corpus, load_corpus
from loaders.aliases import canonical_section

_CELL_SEPARATOR = re.compile(r"\s\|\s")


def scan(path: Path) -> dict[str, dict]:
    """section -> {rows, names, relevancy_sum} by a plain line scan."""
    found: dict[str, dict] = defaultdict(lambda: {"rows": 0, "names": [], "relevancy_sum": 0.0})
    section = None
    header: list[str] | None = None
    in_table = False
    for line in path.read_text(encoding="utf-8").split("\n"):
        if line.startswith("## "):
            section = canonical_section(line[3:].strip())
            in_table = False
            continue
        if not line.startswith("|"):
            in_table = False
            header = None
            continue
        cells = [c.strip() for c in _CELL_SEPARATOR.split(line.strip().strip("|"))]
        if not in_table:
            in_table, header = True, [c.lower() for c in cells]
            continue
        if set(line.strip()) <= set("|:- "):
            continue  # the delimiter row
        if not any(cells):
            continue
        stats = found[section]
        stats["rows"] += 1
        if header and header[0] in ("name", "signal"):
            stats["names"].append(cells[0])
        if header and "relevancy" in header:
            cell = cells[header.index("relevancy")]
            stats["relevancy_sum"] += float(cell) if cell else 0.0
    return found


@pytest.fixture(scope="module", params=["fast", "markdown-it"])
def corpus(request: pytest.FixtureRequest, corpus_dir: Path, tmp_path_factory) -> Corpus:
    return load_corpus(
        corpus_dir, tmp_path_factory.mktemp(f"real-{request.param}"), engine=request.param
    )


def test_every_document_loads(corpus: Corpus, corpus_dir: Path) -> None:
    files = sorted(p.name for p in corpus_dir.iterdir() if p.suffix == ".md")
    assert sorted(corpus.documents["path"]) == files
    assert corpus.documents["title"].notna().all()


def test_no_error_on_real_documents(corpus: Corpus) -> None:
    errors = corpus.problems[corpus.problems["severity"] == "error"]
    assert errors.empty, errors.to_string()


def test_every_section_matches_a_plain_line_scan(corpus: Corpus, corpus_dir: Path) -> None:
    entries = corpus.entries
    grouped = {key: frame for key, frame in entries.groupby(["doc_id", "section"], observed=True)}
    mismatches = []
    for path in sorted(corpus_dir.glob("*.md")):
        expected = scan(path)
        doc_id = path.stem
        sections = {s for (d, s) in grouped if d == doc_id}
        if sections != set(expected):
            mismatches.append((path.name, "sections", sorted(sections), sorted(expected)))
            continue
        for section, stats in expected.items():
            frame = grouped[(doc_id, section)].sort_values("position")
            names = [n for n in frame["name"].tolist() if isinstance(n, str)]
            got = (len(frame), names if stats["names"] else [], float(frame["relevancy"].sum()))
            want = (stats["rows"], stats["names"], stats["relevancy_sum"])
            if got[:2] != want[:2] or not math.isclose(got[2], want[2]):
                mismatches.append((path.name, section, got, want))
    assert not mismatches, mismatches[:5]


def test_relevancy_stays_between_one_and_five(corpus: Corpus) -> None:
    values = corpus.entries["relevancy"].dropna()
    assert len(values) > 1000
    assert values.between(1, 5).all()
