"""The dashboard's refresh: a change journal instead of a scan, same result as a scan.

Every test compares a :class:`LiveCache` with what a from-scratch build of
the same folder gives, after the kind of change people make to a seeds
folder: edits, editor saves (write a temporary file, rename it over), new
and deleted files, renames, new folders, links.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import inotify_simple
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from inotify_simple import flags

import loaders.build
import loaders.journal
from loaders import BuildReport, build_cache, read_cache
from loaders.journal import ChangeJournal
from loaders.live import LiveCache
from tests.conftest import FIXTURE_DOCS, ROOT

SORT_KEYS = {
    "documents": ["doc_id"],
    "entries": ["doc_id", "section", "position"],
    "tags": ["doc_id", "list", "position"],
    "problems": ["path", "line", "message"],
}


def tables(cache: Path) -> dict[str, pd.DataFrame]:
    corpus = read_cache(cache)
    out = {}
    for name, keys in SORT_KEYS.items():
        frame = getattr(corpus, name)
        frame = frame.astype({c: object for c in frame.columns if frame[c].dtype == "category"})
        out[name] = frame.sort_values(keys, na_position="first").reset_index(drop=True)
    return out


def assert_same_as_a_fresh_build(live: LiveCache, seeds: Path, scratch: Path) -> None:
    scratch.mkdir(exist_ok=True)
    fresh = scratch / f"fresh-{len(list(scratch.iterdir()))}"
    build_cache(seeds, fresh, follow_outside_links=live.scope.follow_outside_links)
    expected, actual = tables(fresh), tables(live.cache_dir)
    for name in SORT_KEYS:
        pd.testing.assert_frame_equal(actual[name], expected[name], obj=name)


@pytest.fixture
def corpus_files(corpus_dir: Path) -> list[Path]:
    return sorted(corpus_dir.glob("*.md"))[:12]


@pytest.fixture
def seeds(seeds_copy, corpus_files: list[Path]) -> Path:
    return seeds_copy(*corpus_files[:8])


@pytest.fixture
def live(seeds: Path, tmp_path: Path) -> Iterator[LiveCache]:
    cache = LiveCache(seeds, tmp_path / "cache")
    cache.refresh()
    assert cache.watching, "inotify is available on Linux test machines"
    yield cache
    cache.close()


def refresh_without_scan(live: LiveCache) -> BuildReport:
    """``live.refresh()``, failing if it walks the seeds folder."""

    def scan(*args: object, **kwargs: object) -> None:
        raise AssertionError("the refresh scanned the whole folder")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(loaders.build, "discover", scan)
        return live.refresh()


def append_line(path: Path) -> None:
    path.write_text(path.read_text(encoding="utf-8") + "\nExtra closing line.\n", encoding="utf-8")


def test_nothing_changed_is_answered_without_touching_the_folder(live: LiveCache) -> None:
    before = live.refresh()
    again = refresh_without_scan(live)
    assert (again.parsed, again.reused, again.changed) == (0, 8, False)
    assert again.generation == before.generation


def test_an_edit_reparses_that_file_only_and_matches_a_full_build(
    live: LiveCache, seeds: Path, tmp_path: Path
) -> None:
    target = sorted(seeds.glob("*.md"))[2]
    append_line(target)
    report = refresh_without_scan(live)
    assert (report.parsed, report.reused) == (1, 7)
    assert_same_as_a_fresh_build(live, seeds, tmp_path / "scratch")


def test_an_editor_save_by_rename_is_seen(live: LiveCache, seeds: Path, tmp_path: Path) -> None:
    target = sorted(seeds.glob("*.md"))[0]
    temporary = seeds / ".target.md.swp"
    temporary.write_text(target.read_text(encoding="utf-8").replace("## ", "## ", 1) + "\n- x\n")
    os.replace(temporary, target)
    assert refresh_without_scan(live).parsed == 1
    assert_same_as_a_fresh_build(live, seeds, tmp_path / "scratch")


def test_added_deleted_and_renamed_files(
    live: LiveCache, seeds: Path, tmp_path: Path, corpus_files: list[Path]
) -> None:
    shutil.copy2(corpus_files[9], seeds / corpus_files[9].name)
    files = sorted(seeds.glob("*.md"))
    files[0].unlink()
    files[1].rename(seeds / "renamed.md")
    (seeds / "notes.pdf").write_bytes(b"%PDF not a document")  # ignored, as by a scan
    (seeds / ".hidden.md").write_text("# hidden\n")  # ignored, as by a scan
    report = refresh_without_scan(live)
    assert report.documents == 8
    assert_same_as_a_fresh_build(live, seeds, tmp_path / "scratch")


def test_a_new_folder_falls_back_to_a_full_scan(
    live: LiveCache, seeds: Path, tmp_path: Path, corpus_files: list[Path]
) -> None:
    sub = seeds / "2026" / "november"
    sub.mkdir(parents=True)
    shutil.copy2(corpus_files[10], sub / corpus_files[10].name)
    report = live.refresh()
    assert report.documents == 9
    assert_same_as_a_fresh_build(live, seeds, tmp_path / "scratch")
    # and the new folder is watched from then on
    append_line(sub / corpus_files[10].name)
    assert refresh_without_scan(live).parsed == 1
    assert_same_as_a_fresh_build(live, seeds, tmp_path / "scratch")


def test_a_linked_document_is_refreshed_when_its_target_changes(
    seeds: Path, tmp_path: Path, corpus_files: list[Path]
) -> None:
    outside = tmp_path / "elsewhere.md"
    shutil.copy2(corpus_files[11], outside)
    (seeds / "linked.md").symlink_to(outside)
    live = LiveCache(seeds, tmp_path / "cache", follow_outside_links=True)
    live.refresh()
    append_line(outside)
    assert refresh_without_scan(live).parsed == 1
    assert_same_as_a_fresh_build(live, seeds, tmp_path / "scratch")
    outside.unlink()  # now a broken link: a problem row, as a scan reports it
    live.refresh()
    assert_same_as_a_fresh_build(live, seeds, tmp_path / "scratch")
    live.close()


def test_another_process_rebuilding_the_cache_is_noticed(
    live: LiveCache, seeds: Path, tmp_path: Path
) -> None:
    build_cache(seeds, live.cache_dir, force=True)  # e.g. `python -m loaders --force`
    report = refresh_without_scan(live)
    assert report.generation is not None
    assert report.generation.name == os.path.basename(os.readlink(live.cache_dir / "current"))


def test_the_refresh_button_finds_what_the_journal_cannot_see(
    live: LiveCache, seeds: Path, tmp_path: Path
) -> None:
    # An edit through a hard link outside the folder raises no event in it
    # (a documented limit of the journal); a full refresh re-checks every file.
    outside = tmp_path / "hard-link.md"
    os.link(sorted(seeds.glob("*.md"))[4], outside)
    append_line(outside)
    live.refresh()
    assert live.refresh(full=True).parsed == 1
    assert_same_as_a_fresh_build(live, seeds, tmp_path / "scratch")


def test_a_kernel_queue_overflow_means_rescan(seeds: Path) -> None:
    with ChangeJournal(seeds) as journal:
        assert journal.take() == set()
        # What the kernel sends when events were dropped: wd -1, IN_Q_OVERFLOW.
        journal._event(-1, flags.Q_OVERFLOW, "")
        assert journal.take() is None
        assert not journal.available


def _edit(seeds: Path, chosen: Path, source: Path, n: int) -> None:
    append_line(chosen)


def _add(seeds: Path, chosen: Path, source: Path, n: int) -> None:
    shutil.copy2(source, seeds / f"new-{n}.md")


def _delete(seeds: Path, chosen: Path, source: Path, n: int) -> None:
    chosen.unlink()


def _rename(seeds: Path, chosen: Path, source: Path, n: int) -> None:
    chosen.rename(chosen.with_name(f"moved-{n}.md"))


def _hide(seeds: Path, chosen: Path, source: Path, n: int) -> None:
    chosen.rename(chosen.with_name(f".hidden-{n}.md"))


def _editor_save(seeds: Path, chosen: Path, source: Path, n: int) -> None:
    temporary = chosen.with_name(f".{chosen.name}.tmp")
    temporary.write_text(chosen.read_text(encoding="utf-8") + "\n* more\n")
    os.replace(temporary, chosen)


def _empty(seeds: Path, chosen: Path, source: Path, n: int) -> None:
    chosen.write_bytes(b"")


def _into_new_folder(seeds: Path, chosen: Path, source: Path, n: int) -> None:
    folder = seeds / f"folder-{n}"
    folder.mkdir()
    chosen.rename(folder / chosen.name)


def _symlink(seeds: Path, chosen: Path, source: Path, n: int) -> None:
    (seeds / f"link-{n}.md").symlink_to(chosen)


def _hard_link(seeds: Path, chosen: Path, source: Path, n: int) -> None:
    os.link(chosen, seeds / f"twin-{n}.md")


#: Changes people make to a seeds folder, as small functions of
#: (seeds folder, an existing document, a corpus document, a counter).
CHANGES = {
    fn.__name__.lstrip("_"): fn
    for fn in (
        _edit,
        _add,
        _delete,
        _rename,
        _hide,
        _editor_save,
        _empty,
        _into_new_folder,
        _symlink,
        _hard_link,
    )
}
OPERATIONS = st.lists(
    st.tuples(st.sampled_from(sorted(CHANGES)), st.integers(0, 50)), min_size=1, max_size=6
)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=st.lists(OPERATIONS, min_size=1, max_size=3))
def test_any_sequence_of_changes_ends_like_a_full_build(
    tmp_path_factory: pytest.TempPathFactory, corpus_files: list[Path], steps: list
) -> None:
    root = tmp_path_factory.mktemp("live")
    seeds = root / "seeds"
    seeds.mkdir()
    for path in corpus_files[:6]:
        shutil.copy2(path, seeds / path.name)
    live = LiveCache(seeds, root / "cache")
    live.refresh()
    counter = 0
    for batch in steps:
        for operation, pick in batch:
            counter += 1
            files = sorted(p for p in seeds.rglob("*.md") if p.is_file())
            source = corpus_files[pick % len(corpus_files)]
            if not files:
                _add(seeds, source, source, counter)
                continue
            CHANGES[operation](seeds, files[pick % len(files)], source, counter)
        live.refresh()
        assert_same_as_a_fresh_build(live, seeds, root / "scratch")
    live.close()


def test_a_link_named_like_a_document_but_pointing_at_a_folder_breaks_nothing(
    seeds: Path, tmp_path: Path, corpus_files: list[Path]
) -> None:
    sub = seeds / "sub"
    sub.mkdir()
    (seeds / "folder-alias.md").symlink_to(sub, target_is_directory=True)
    live = LiveCache(seeds, tmp_path / "cache")
    live.refresh()
    shutil.copy2(corpus_files[11], sub / corpus_files[11].name)  # in the linked folder
    assert refresh_without_scan(live).parsed == 1
    assert_same_as_a_fresh_build(live, seeds, tmp_path / "scratch")
    live.close()


def test_a_folder_made_unreadable_and_readable_again_is_rescanned(corpus_dir: Path) -> None:
    # Runs as "nobody": root reads any folder whatever its permissions.
    top = Path(tempfile.mkdtemp(prefix="seedscope-live-permissions-"))
    seeds = top / "seeds"
    sub = seeds / "sub"
    sub.mkdir(parents=True)
    documents = sorted(corpus_dir.glob("*.md"))
    for path in documents[:3]:
        shutil.copy2(path, seeds / path.name)
    for path in documents[3:6]:
        shutil.copy2(path, sub / path.name)
    if os.getuid() == 0:
        for path in [top, *top.rglob("*")]:
            os.chown(path, 65534, 65534)
    script = (
        "import os, sys, tempfile\n"
        "from loaders import build_cache\n"
        "from loaders.live import LiveCache\n"
        "build_cache(sys.argv[2], tempfile.mkdtemp())  # import everything while allowed to\n"
        "if os.getuid() == 0:\n"
        "    os.setgid(65534); os.setuid(65534)\n"
        "seeds = sys.argv[1]\n"
        "live = LiveCache(seeds, os.path.dirname(seeds) + '/cache')\n"
        "counts = [live.refresh().documents]\n"
        "os.chmod(seeds + '/sub', 0)\n"
        "counts.append(live.refresh().documents)\n"
        "os.chmod(seeds + '/sub', 0o755)\n"
        "counts.append(live.refresh().documents)\n"
        "print(*counts)\n"
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
    shutil.rmtree(top, ignore_errors=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["6", "3", "6"]


def test_a_hard_link_inside_the_folder_follows_its_twin(
    live: LiveCache, seeds: Path, tmp_path: Path
) -> None:
    first = sorted(seeds.glob("*.md"))[0]
    os.link(first, seeds / "twin.md")
    live.refresh()
    append_line(first)  # one event, for first.md only
    assert refresh_without_scan(live).parsed == 2
    assert_same_as_a_fresh_build(live, seeds, tmp_path / "scratch")


def test_linked_documents_are_rechecked_wherever_their_targets_live(
    seeds: Path, tmp_path: Path, corpus_files: list[Path]
) -> None:
    """A broken link that starts to resolve, and a chain retargeted mid-way."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (seeds / "pending.md").symlink_to(outside / "later.md")  # broken for now
    (outside / "v1.md").write_bytes(corpus_files[9].read_bytes())
    (outside / "v2.md").write_bytes(corpus_files[10].read_bytes())
    (outside / "current").symlink_to(outside / "v1.md")
    (seeds / "latest.md").symlink_to(outside / "current")
    live = LiveCache(seeds, tmp_path / "cache", follow_outside_links=True)
    live.refresh()
    shutil.copy2(corpus_files[11], outside / "later.md")
    (outside / "current").unlink()
    (outside / "current").symlink_to(outside / "v2.md")
    assert refresh_without_scan(live).parsed == 2
    assert_same_as_a_fresh_build(live, seeds, tmp_path / "scratch")
    assert refresh_without_scan(live).changed is False
    live.close()


def test_a_refresh_that_fails_midway_loses_no_change(
    live: LiveCache, seeds: Path, tmp_path: Path
) -> None:
    class Interrupted(Exception):
        pass

    def interrupt(done: int, total: int) -> None:
        raise Interrupted  # as Streamlit's rerun exception does from a progress bar

    append_line(sorted(seeds.glob("*.md"))[1])
    with pytest.raises(Interrupted):
        live.refresh(progress=interrupt)
    assert live.refresh().parsed == 1
    assert_same_as_a_fresh_build(live, seeds, tmp_path / "scratch")


def test_a_seeds_link_pointed_at_another_folder_is_noticed(
    tmp_path: Path, corpus_files: list[Path]
) -> None:
    for name, picks in (("one", corpus_files[:3]), ("two", corpus_files[3:5])):
        (tmp_path / name).mkdir()
        for path in picks:
            shutil.copy2(path, tmp_path / name / path.name)
    seeds = tmp_path / "seeds"
    seeds.symlink_to(tmp_path / "one", target_is_directory=True)
    live = LiveCache(seeds, tmp_path / "cache")
    assert live.refresh().documents == 3
    seeds.unlink()
    seeds.symlink_to(tmp_path / "two", target_is_directory=True)  # a deploy flips the link
    assert live.refresh().documents == 2
    assert_same_as_a_fresh_build(live, seeds, tmp_path / "scratch")
    live.close()


def test_without_inotify_every_refresh_is_a_correct_full_scan(
    seeds: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A C library without inotify_init1, as on macOS: inotify_simple fails to start.
    monkeypatch.setattr(inotify_simple, "_libc", object())
    live = LiveCache(seeds, tmp_path / "cache")
    assert live.refresh().documents == 8
    assert not live.watching
    append_line(sorted(seeds.glob("*.md"))[5])
    (sorted(seeds.glob("*.md"))[6]).unlink()
    report = live.refresh()
    assert (report.parsed, report.documents) == (1, 7)
    assert_same_as_a_fresh_build(live, seeds, tmp_path / "scratch")


def test_an_edit_through_a_hidden_hard_link_is_seen(
    live: LiveCache, seeds: Path, tmp_path: Path
) -> None:
    """A document renamed hidden while a hard link keeps its content in the folder."""
    first = sorted(seeds.glob("*.md"))[0]
    os.link(first, seeds / "twin.md")
    first.rename(seeds / ".hidden.md")
    live.refresh()
    append_line(seeds / ".hidden.md")  # events name only the hidden file
    assert refresh_without_scan(live).parsed == 1
    assert_same_as_a_fresh_build(live, seeds, tmp_path / "scratch")
