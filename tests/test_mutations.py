"""Property: a damaged document never breaks the loader, and what was not
damaged still loads whole.

Real digests are cut into ``## `` sections; hypothesis damages some sections
(deleting, duplicating, truncating and scribbling over lines) and leaves the
others intact. Every table of an intact section must come out with all its
rows, in order, whatever happened around it.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loaders import parse_text
from tests.conftest import shared_dir

SAMPLES = [
    "0063cd88c0d4ecadd54d7e5413f95ac0.md",  # new layout, five tables
    "002ee663c73c7add6ce2cabe29e4ae02.md",  # old layout with Closest
    "002d4d9211952bdfe5bbac13ccf20947.md",  # exploded keywords
    "78cbf4c846d2549699dc09df3ae30ad4.md",  # PoC||GTFO
    "4f2e0e1062156a2fa50b5b1fe1070c84.md",  # table without a name column
]
TEXTS = {name: (shared_dir() / "corpus" / name).read_text(encoding="utf-8") for name in SAMPLES}

# Anything a corrupted file may hold, except what opens a block that swallows
# the rest of the document by design (code fences, HTML blocks).
scribble = st.text(
    alphabet=st.sampled_from(list("ab |*-#_\\[]():!1234567890 \x00é\t,.'\"")), max_size=40
)


def split_sections(text: str) -> list[str]:
    return re.split(r"(?m)^(?=## )", text)


@st.composite
def damaged_line(draw: st.DrawFn, lines: list[str]) -> list[str]:
    lines = list(lines)
    for _ in range(draw(st.integers(1, 6))):
        op = draw(
            st.sampled_from(["delete", "duplicate", "insert", "truncate", "scribble", "swap"])
        )
        if not lines:
            lines.append(draw(scribble))
            continue
        i = draw(st.integers(0, len(lines) - 1))
        if op == "delete":
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "insert":
            lines.insert(i, draw(scribble))
        elif op == "truncate":
            lines[i] = lines[i][: draw(st.integers(0, max(len(lines[i]) - 1, 0)))]
        elif op == "scribble":
            at = draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:at] + draw(scribble) + lines[i][at:]
        else:
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
    return lines


def rows_by_section(parsed) -> dict[str, list[tuple]]:
    out: dict[str, list[tuple]] = {}
    for row in parsed.entries:
        out.setdefault(row[1], []).append(tuple(row[3:]))
    return out


def contains_run(haystack: list[tuple], needle: list[tuple]) -> bool:
    n = len(needle)
    return any(haystack[i : i + n] == needle for i in range(len(haystack) - n + 1))


@pytest.mark.parametrize("engine", ["fast", "markdown-it"])
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_damage_stays_local(engine: str, data: st.DataObject) -> None:
    name = data.draw(st.sampled_from(SAMPLES))
    sections = split_sections(TEXTS[name])
    damaged = data.draw(st.sets(st.integers(0, len(sections) - 1), min_size=1))
    pieces = []
    for index, section in enumerate(sections):
        if index in damaged:
            lines = data.draw(damaged_line(section.rstrip("\n").split("\n")))
            section = "\n".join(lines) + "\n\n"
        pieces.append(section)
    text = "".join(pieces)

    parsed = parse_text(text, engine=engine)  # must not raise

    assert parsed.document is not None
    after = rows_by_section(parsed)
    for index, section in enumerate(sections):
        if index in damaged or "|" not in section:
            continue
        alone = rows_by_section(parse_text(section, engine=engine))
        for canonical, rows in alone.items():
            assert contains_run(after.get(canonical, []), rows), (canonical, rows[:1])


def test_binary_garbage_is_a_problem_not_a_crash() -> None:
    from loaders import parse_bytes

    parsed = parse_bytes(bytes(range(256)) * 40, doc_id="x", path="x.md")
    assert parsed.document is None
    assert parsed.problems[0][3] == "error"
