"""README.md says what the code does, checked the way Datasette checks its docs.

Each test reads a fact from the code (the Parquet schema, the URL parameters
of :class:`FilterState`, ``python -m loaders --help``, the upload limits) and
the same fact from README.md, and fails naming what differs. Nothing here is a
copy of the README: add a column, a URL parameter or an option to the code and
the README must follow.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import subprocess
import sys
import types
import typing
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import UnknownElement

from loaders.cache import GRACE_SECONDS
from loaders.decoding import BINARY_CONTROL_SHARE, HEAD
from loaders.schema import CONTRACT as TABLES
from seedscope.filters import FilterState, SignalRef
from seedscope.uploads import (
    ALLOWED_SUFFIXES,
    ARCHIVE_SUFFIX,
    MAX_FILE_BYTES,
    MAX_FILES,
    MAX_TOTAL_BYTES,
    size_label,
)
from seedscope.workshop import JOIN_CODE_LENGTH, MAX_COMMENT_LENGTH
from seedscope.workshop.room.address import DEFAULT_PORT
from tests.conftest import ROOT
from tests.test_pages import open_expander

README = ROOT / "README.md"


# -- reading the README --------------------------------------------------------


def readme_tokens() -> list[Token]:
    return MarkdownIt("commonmark").enable("table").parse(README.read_text(encoding="utf-8"))


def section(title: str) -> list[Token]:
    """The tokens under the heading ``title``, up to the next heading of its level or above."""
    tokens = readme_tokens()
    for index, token in enumerate(tokens):
        if token.type == "heading_open" and tokens[index + 1].content == title:
            level = int(token.tag[1])
            end = next(
                (
                    later
                    for later in range(index + 1, len(tokens))
                    if tokens[later].type == "heading_open" and int(tokens[later].tag[1]) <= level
                ),
                len(tokens),
            )
            return tokens[index + 3 : end]
    raise AssertionError(f"README.md has no section {title!r}")


def code_spans(token: Token) -> list[str]:
    return [child.content for child in token.children or [] if child.type == "code_inline"]


def documented_tables() -> dict[str, list[str]]:
    """``**`name`**`` followed by a table, in "The data contract": name -> the
    columns its first column names (one cell may name several: `a`, `b`)."""
    tables: dict[str, list[str]] = {}
    current: str | None = None
    in_body = False
    first_cell = False
    for token in section("The data contract"):
        if token.type == "inline" and not in_body:
            match = re.match(r"\*\*`(\w+)`\*\*", token.content)
            if match:
                current = match.group(1)
        elif token.type == "tbody_open" and current:
            tables[current] = []
            in_body = True
        elif token.type == "tbody_close":
            in_body, current = False, None
        elif in_body and token.type == "tr_open":
            first_cell = True
        elif in_body and token.type == "inline" and first_cell and current:
            tables[current].extend(code_spans(token))
            first_cell = False
    return tables


def paragraph_starting(words: str) -> Token:
    for token in readme_tokens():
        if token.type == "inline" and token.content.startswith(words):
            return token
    raise AssertionError(f"README.md has no paragraph starting {words!r}")


def differences(what: str, in_readme: set[str], in_code: set[str]) -> str:
    lines = [f"README.md and the code disagree on {what}:"]
    if in_code - in_readme:
        lines.append(f"  in the code, missing from README: {sorted(in_code - in_readme)}")
    if in_readme - in_code:
        lines.append(f"  in README, not in the code: {sorted(in_readme - in_code)}")
    return "\n".join(lines)


# -- the data contract ---------------------------------------------------------


def test_readme_documents_every_parquet_table_and_no_other() -> None:
    documented = documented_tables()
    assert set(documented) == set(TABLES), differences(
        "the Parquet tables (loaders.schema.CONTRACT)", set(documented), set(TABLES)
    )


@pytest.mark.parametrize("table", sorted(TABLES))
def test_readme_columns_of_each_table_equal_the_schema(table: str) -> None:
    columns = documented_tables().get(table, [])
    schema = TABLES[table].names
    twice = sorted({name for name in columns if columns.count(name) > 1})
    assert not twice, f"README.md documents {table} columns {twice} more than once"
    assert set(columns) == set(schema), differences(
        f"the columns of `{table}`", set(columns), set(schema)
    )


def test_readme_names_each_table_file_and_corpus_attribute() -> None:
    text = "".join(token.content for token in section("The data contract"))
    for name in TABLES:
        for form in (f"{name}.parquet", f"corpus.{name}"):
            assert f"`{form}`" in text, f"README's data contract never mentions `{form}`"


# -- the URL -------------------------------------------------------------------

#: A value of each type a FilterState field may have, to set every field at once.
SAMPLES: dict[object, object] = {
    tuple[str, ...]: ("energy",),
    str: "grid",
    float: 4.0,
    int: 3,
    dt.date: dt.date(2024, 5, 1),
    SignalRef: SignalRef("doc-1", 2),
}


def every_filter_set() -> FilterState:
    hints = typing.get_type_hints(FilterState)
    values = {}
    for field in dataclasses.fields(FilterState):
        hint = hints[field.name]
        if isinstance(hint, types.UnionType):
            hint = next(arg for arg in typing.get_args(hint) if arg is not type(None))
        if hint is bool:  # the one that is not the default shows in the URL
            values[field.name] = not field.default
            continue
        assert hint in SAMPLES, f"add a sample {hint} to SAMPLES for FilterState.{field.name}"
        values[field.name] = SAMPLES[hint]
    return FilterState(**values)


def url_parameters() -> set[str]:
    """Every query parameter a link can carry: those of a state with every field set,
    checked to come back whole (so no field is left out of the URL)."""
    state = every_filter_set()
    query = state.to_query()
    back = FilterState.from_query(query)
    assert dataclasses.asdict(back) == dataclasses.asdict(state), "a field does not survive a URL"
    return set(query)


#: URL parameters the router itself reads, not FilterState: the open uploaded corpus.
ROUTER_PARAMETERS = {"corpus"}


def test_readme_url_parameters_equal_the_filter_state() -> None:
    # "**Explore.** The sidebar filters ... live in the URL ... Parameters: `theme`/..."
    spans = code_spans(paragraph_starting("**Explore.**"))
    documented = {
        match.group(1) for span in spans if (match := re.fullmatch(r"([a-z_]+)(=.*)?", span))
    } - ROUTER_PARAMETERS
    assert documented == url_parameters(), differences(
        "the URL parameters of FilterState", documented, url_parameters()
    )


# -- the command line ----------------------------------------------------------


#: Every command a user runs by hand, as README.md names it.
COMMANDS = [("loaders",), ("seedscope", "brief"), ("seedscope.workshop.room",)]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_line_option_is_in_the_readme(command: tuple[str, ...]) -> None:
    module, *sub = command
    shown = subprocess.run(
        [sys.executable, "-m", module, *sub, "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    options = set(re.findall(r"(?<![\w-])(--[a-z][a-z0-9-]*)", shown)) - {"--help"}
    assert options, f"no options found in python -m {' '.join(command)} --help:\n{shown}"
    readme = README.read_text(encoding="utf-8")
    assert f"python -m {' '.join(command)}" in readme, f"README.md never names {command}"
    missing = sorted(o for o in options if not re.search(rf"{o}(?![\w-])", readme))
    assert not missing, (
        f"python -m {' '.join(command)} --help offers {missing}, README.md never mentions them"
    )


# -- stated limits -------------------------------------------------------------

WORDS = {"six": 6, "ten": 10, "tenth": 0.1}


def number(text: str) -> float:
    return WORDS[text] if text in WORDS else float(text.replace(",", ""))


#: A limit README.md states (the first group of the pattern, in its units) and the
#: value the code has; the units (seconds, KB) are converted where they differ.
STATED = {
    "comment length": (r"optional comment \(at most ([\d,]+)\s+characters", MAX_COMMENT_LENGTH),
    "join code length": (r"type the (\w+)-character code", JOIN_CODE_LENGTH),
    "room server port": (r"`SEEDSCOPE_ROOM_PORT` \(default (\d+)\)", DEFAULT_PORT),
    "old generation kept": (r"generation is kept for at least (\w+) seconds", GRACE_SECONDS),
    "binary share": (r"more than a (\w+) of its first", BINARY_CONTROL_SHARE),
    "binary head, KB": (r"of its first (\d+) KB are control bytes", HEAD / 1024),
}


@pytest.mark.parametrize("limit", sorted(STATED))
def test_each_limit_the_readme_states_equals_the_code(limit: str) -> None:
    pattern, in_code = STATED[limit]
    text = " ".join(README.read_text(encoding="utf-8").split())
    match = re.search(pattern, text)
    assert match, f"README.md no longer states the {limit} as {pattern!r}"
    assert number(match.group(1)) == in_code, (
        f"README.md states the {limit} as {match.group(1)}; the code has {in_code}"
    )


#: How the README states the upload limits (the sentence on "Your own corpus").
LIMITS = re.compile(r"at most ([\d,]+) files, ([\d.]+ MiB) in all and ([\d.]+ MiB) per file")


def test_readme_upload_limits_equal_the_code() -> None:
    text = " ".join(README.read_text(encoding="utf-8").split())
    match = LIMITS.search(text)
    assert match, f"README.md no longer states the upload limits as {LIMITS.pattern!r}"
    stated = (match.group(1), match.group(2), match.group(3))
    code = (f"{MAX_FILES:,}", size_label(MAX_TOTAL_BYTES), size_label(MAX_FILE_BYTES))
    assert stated == code, f"README.md says {stated}; seedscope.uploads says {code}"


#: How the README names the files an upload takes.
UPLOAD_KINDS = re.compile(r"uploads ((?:`\.\w+`/?)+) files or a `(\.\w+)` of them")


def test_readme_names_the_file_kinds_an_upload_takes() -> None:
    text = " ".join(README.read_text(encoding="utf-8").split())
    match = UPLOAD_KINDS.search(text)
    assert match, f"README.md no longer names the upload's files as {UPLOAD_KINDS.pattern!r}"
    stated = set(re.findall(r"`(\.\w+)`", match.group(1))) | {match.group(2)}
    assert stated == ALLOWED_SUFFIXES | {ARCHIVE_SUFFIX}, differences(
        "the files an upload takes", stated, ALLOWED_SUFFIXES | {ARCHIVE_SUFFIX}
    )


def corpus_uploader(app: AppTest) -> UnknownElement:
    for widget in app.get("file_uploader"):
        if widget.key == "corpus_upload":
            return widget
    raise AssertionError("no corpus_upload file uploader in the sidebar")


def test_the_sidebar_states_the_same_upload_limits(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("SEEDSCOPE_SEEDS", str(ROOT / "seeds"))
    monkeypatch.setenv("SEEDSCOPE_CACHE", str(tmp_path / "cache"))
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120).run()
    assert not app.exception, [e.value for e in app.exception]
    open_expander(app, "own_corpus")  # the panel sends its uploader only while open
    uploader = corpus_uploader(app)
    # the file picker offers exactly the files the upload then takes
    assert set(uploader.proto.type) == ALLOWED_SUFFIXES | {ARCHIVE_SUFFIX}
    shown = str(uploader.help)
    match = re.search(r"([\d,]+) files and ([\d.]+ MiB)", shown)
    assert match, f"the upload help no longer states its limits: {shown!r}"
    assert (match.group(1), match.group(2)) == (f"{MAX_FILES:,}", size_label(MAX_TOTAL_BYTES))
