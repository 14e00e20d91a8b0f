"""What a build decides to do, decided without a disk.

:func:`loaders.plan.plan` is pure: these tests give it listings and
manifests made in memory, and lookups that fail the test when the plan asks
for something it should not need.
"""

from __future__ import annotations

import pytest

from loaders import schema
from loaders.listing import Listing
from loaders.manifest import FORMAT, ShardFiles, columns_of
from loaders.plan import Plan, choose_shards, plan

SEEDS = "/seeds"


def listing(*files: tuple[str, int], problems: dict[str, str] | None = None) -> Listing:
    """A listing of (path, size) rows; the size stands for the whole signature."""
    rows = sorted(
        (path, size, size * 10, size * 10, 1000 + n) for n, (path, size) in enumerate(files)
    )
    return Listing.from_rows(rows, problems or {})


def built(the_plan: Plan, inputs: str = "") -> tuple[dict, dict[int, ShardFiles]]:
    """The manifest and file lists a build of ``the_plan`` leaves (every file parsed)."""
    files: dict[int, ShardFiles] = {}
    for shard, work in the_plan.work.items():
        for record in work.files:
            record.sha256 = record.sha256 or f"sha-of-{record.path}-{record.size}"
        files[shard] = columns_of(work.files)
    files.update(the_plan.kept)
    manifest = {
        "format": FORMAT,
        "schema": schema.SCHEMA_VERSION,
        "parser": schema.PARSER_VERSION,
        "seeds": SEEDS,
        "shards": the_plan.shards,
        "listing": the_plan.fingerprint,
        "shard_listing": the_plan.shard_listing,
        "shard_paths": the_plan.shard_paths,
        "parts": {table: [1] * the_plan.shards for table in schema.TABLES},
        "counts": {},
        "inputs": inputs,
    }
    return manifest, files


def never(shard: int) -> None:
    raise AssertionError(f"the plan read shard {shard}'s file list, which it did not need")


def first_build(current: Listing, inputs: str = "") -> tuple[dict, dict[int, ShardFiles]]:
    return built(plan(current, None, seeds_real=SEEDS, inputs=inputs), inputs)


def parsed_paths(the_plan: Plan) -> list[str]:
    return sorted(w.files[i].path for w in the_plan.work.values() for i in w.parse)


def test_a_first_build_parses_everything_in_enough_shards() -> None:
    current = listing(*((f"d{i:04d}.md", 100 + i) for i in range(600)))
    the_plan = plan(current, None, seeds_real=SEEDS, old_files=never)
    assert (the_plan.full, the_plan.shards) == (True, choose_shards(600))
    assert the_plan.shards == 2
    assert len(parsed_paths(the_plan)) == 600
    assert all(work.from_scratch for work in the_plan.work.values())


def test_nothing_changed_means_nothing_to_do_and_nothing_read() -> None:
    current = listing(("a.md", 1), ("b.md", 2))
    manifest, _files = first_build(current)
    the_plan = plan(
        listing(("a.md", 1), ("b.md", 2)),
        manifest,
        seeds_real=SEEDS,
        old_files=never,
        parts_ok=lambda shard: pytest.fail("no part needs checking"),
    )
    assert the_plan.up_to_date
    assert the_plan.reused == 2


def test_a_moved_signature_is_rehashed_not_parsed() -> None:
    manifest, files = first_build(listing(("a.md", 1), ("b.md", 2), ("c.md", 3)))
    asked: list[int] = []

    def old_files(shard: int) -> ShardFiles:
        asked.append(shard)
        return files[shard]

    the_plan = plan(
        listing(("a.md", 1), ("b.md", 20), ("c.md", 3)),
        manifest,
        seeds_real=SEEDS,
        old_files=old_files,
    )
    assert not the_plan.up_to_date and not the_plan.full
    [work] = the_plan.work.values()
    assert [work.files[at].path for at, _old in work.rehash] == ["b.md"]
    assert work.parse == [] and work.removed == [] and not work.rows_change
    assert (the_plan.reused, asked) == (2, [0])


def test_added_and_deleted_files() -> None:
    manifest, files = first_build(listing(("a.md", 1), ("b.md", 2)))
    the_plan = plan(
        listing(("a.md", 1), ("c.md", 3)),
        manifest,
        seeds_real=SEEDS,
        old_files=files.get,
    )
    [work] = the_plan.work.values()
    assert parsed_paths(the_plan) == ["c.md"]
    assert [record.path for record in work.removed] == ["b.md"]
    assert (the_plan.removed, the_plan.reused) == (1, 1)
    assert [record.doc_id for record in work.files] == ["a", "c"]


def test_a_second_file_with_the_same_stem_gets_its_path_as_id() -> None:
    manifest, files = first_build(listing(("x.md", 1)))
    the_plan = plan(
        listing(("x.md", 1), ("z/x.md", 2)), manifest, seeds_real=SEEDS, old_files=files.get
    )
    [work] = the_plan.work.values()
    assert {record.path: record.doc_id for record in work.files} == {"x.md": "x", "z/x.md": "z/x"}
    assert parsed_paths(the_plan) == ["z/x.md"]


def test_only_the_derived_inputs_changed() -> None:
    current = listing(("a.md", 1))
    manifest, _files = first_build(current, inputs="vocabulary v1")
    the_plan = plan(
        listing(("a.md", 1)),
        manifest,
        seeds_real=SEEDS,
        inputs="vocabulary v2",
        old_files=never,
    )
    assert not the_plan.up_to_date
    assert (the_plan.work, the_plan.full, the_plan.reused) == ({}, False, 1)


def test_an_unreadable_file_is_reported_once_then_reused() -> None:
    problem = {"locked.md": "cannot be read: Permission denied"}
    manifest, files = first_build(listing(("a.md", 1), ("locked.md", 0), problems=problem))
    the_plan = plan(
        listing(("a.md", 1), ("locked.md", 0), ("b.md", 2), problems=problem),
        manifest,
        seeds_real=SEEDS,
        old_files=files.get,
    )
    [work] = the_plan.work.values()
    assert work.unreadable == []  # already reported by the first build
    assert parsed_paths(the_plan) == ["b.md"]


def test_a_shard_with_missing_parts_starts_over() -> None:
    manifest, files = first_build(listing(("a.md", 1), ("b.md", 2)))
    the_plan = plan(
        listing(("a.md", 1), ("b.md", 2)),
        manifest,
        seeds_real=SEEDS,
        verify=True,
        old_files=files.get,
        parts_ok=lambda shard: False,
    )
    [work] = the_plan.work.values()
    assert work.from_scratch and the_plan.bad == {0}
    assert parsed_paths(the_plan) == ["a.md", "b.md"]


def test_another_parser_version_rebuilds_everything(monkeypatch: pytest.MonkeyPatch) -> None:
    manifest, _files = first_build(listing(("a.md", 1)))
    monkeypatch.setattr(schema, "PARSER_VERSION", schema.PARSER_VERSION + 1)
    the_plan = plan(listing(("a.md", 1)), manifest, seeds_real=SEEDS, old_files=never)
    assert the_plan.full and parsed_paths(the_plan) == ["a.md"]
