"""Uploads become a new corpus folder, and nothing an upload says can escape it.

The archives are real zip files built in memory, including the classic
attacks: path traversal, absolute paths, symlinks, hidden files, disallowed
types, a zip bomb and an archive that lies about its sizes.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import stat
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from seedscope import uploads
from seedscope.upload_names import sanitize_file_name, slugify
from seedscope.uploads import Upload, new_corpus_folder, store_uploads

DOC = b"# A seed\n\n## Signals\n\n| name | relevancy |\n|---|---|\n| Vanadium | 4 |\n"


def make_zip(members: list[tuple[str | zipfile.ZipInfo, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            archive.writestr(name, data)
    return buffer.getvalue()


def symlink_member(name: str, target: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.create_system = 3  # unix
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info


def files_under(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return new_corpus_folder(tmp_path / "data", "test upload")


def assert_nothing_outside(tmp_path: Path, folder: Path) -> None:
    """Every file and link under tmp_path is inside the upload folder."""
    for path in tmp_path.rglob("*"):
        if path.is_file() or path.is_symlink():
            assert path.resolve().is_relative_to(folder.resolve()), path


def reasons(result: uploads.UploadResult) -> dict[str, str]:
    return dict(result.refused)


# -- the corpus folder ---------------------------------------------------------


def test_new_corpus_folder_is_fresh_named_and_inside_the_data_folder(tmp_path: Path) -> None:
    now = dt.datetime(2025, 5, 11, 14, 30, 5)
    first = new_corpus_folder(tmp_path, "Été 2025: Workshop #3!", now=now)
    second = new_corpus_folder(tmp_path, "Été 2025: Workshop #3!", now=now)
    assert first != second
    for path in (first, second):
        assert path.is_dir()
        assert path.parent == tmp_path / "corpora"
        assert re.fullmatch(r"ete-2025-workshop-3-20250511-143005-[0-9a-f]{4}", path.name)
        assert not any(path.iterdir())


@pytest.mark.parametrize(
    ("label", "slug"),
    [
        ("../../etc/passwd", "etc-passwd"),
        ("", "upload"),
        ("!!!", "upload"),
        ("日本語", "upload"),
        ("x" * 60, "x" * 40),
        ("a" * 39 + " b", "a" * 39),
    ],
)
def test_labels_only_ever_give_a_plain_slug(tmp_path: Path, label: str, slug: str) -> None:
    assert slugify(label) == slug
    folder = new_corpus_folder(tmp_path, label)
    assert folder.parent == tmp_path / "corpora"
    assert folder.name.startswith(slug + "-")


# -- plain uploads -------------------------------------------------------------


def test_documents_are_stored_under_safe_names_and_collisions_get_a_suffix(
    tmp_path: Path, folder: Path
) -> None:
    result = store_uploads(
        [
            Upload("doc.md", b"one"),
            Upload("doc.md", b"two"),
            Upload("../../doc.md", b"three"),
            Upload("C:\\Users\\me\\notes.TXT", b"four"),
            Upload(".hidden.markdown", b"five"),
            Upload("ré\x00su\u202eme\x07.md", b"six"),
            Upload("CON.md", b"seven"),
            Upload("a  b__c?.md", b"eight"),
        ],
        folder,
    )
    assert result.refused == []
    assert result.written == [
        "doc.md",
        "doc-2.md",
        "doc-3.md",
        "notes.txt",
        "hidden.markdown",
        "résume.md",
        "_CON.md",
        "a b_c_.md",
    ]
    assert files_under(folder) == set(result.written)
    assert (folder / "doc.md").read_bytes() == b"one"
    assert (folder / "doc-3.md").read_bytes() == b"three"
    assert_nothing_outside(tmp_path, folder)


def test_other_kinds_of_files_are_refused_with_a_reason(folder: Path) -> None:
    result = store_uploads(
        [Upload("virus.exe", b"MZ"), Upload("paper.pdf", b"%PDF"), Upload("README", b"x")],
        folder,
    )
    assert result.written == []
    why = reasons(result)
    assert "a .exe file" in why["virus.exe"]
    assert "a .pdf file" in why["paper.pdf"]
    assert "without a suffix" in why["README"]
    assert files_under(folder) == set()


def test_a_name_with_nothing_usable_is_refused(folder: Path) -> None:
    result = store_uploads([Upload("...md", b"x"), Upload("\x01\x02.md", b"y")], folder)
    assert result.written == []
    assert len(result.refused) == 2
    assert all("nothing usable" in why for _, why in result.refused)


# -- archives ------------------------------------------------------------------


def test_zip_keeps_folders_and_refuses_every_dangerous_member(tmp_path: Path, folder: Path) -> None:
    archive = make_zip(
        [
            ("good.md", b"good"),
            ("sub/doc.md", b"nested"),
            ("sub/deeper/Notes.TXT", b"deeper"),
            ("sub/", b""),
            ("../evil.md", b"evil"),
            ("/abs.md", b"abs"),
            ("a/../../x.md", b"x"),
            ("C:/drive.md", b"drive"),
            ("..\\back.md", b"back"),
            (symlink_member("link.md", "/etc/passwd"), b"/etc/passwd"),
            ("tool.exe", b"MZ"),
            (".x.md", b"hidden"),
            ("sub/.git/config.md", b"hidden folder"),
            ("inner.zip", make_zip([("y.md", b"y")])),
        ]
    )
    result = store_uploads([Upload("batch.zip", archive)], folder)
    assert sorted(result.written) == ["good.md", "sub/deeper/Notes.txt", "sub/doc.md"]
    assert files_under(folder) == set(result.written)
    assert (folder / "sub" / "doc.md").read_bytes() == b"nested"
    assert_nothing_outside(tmp_path, folder)

    why = reasons(result)
    assert "folder" in why["batch.zip: sub/"]
    assert "goes up" in why["batch.zip: ../evil.md"]
    assert "absolute" in why["batch.zip: /abs.md"]
    assert "goes up" in why["batch.zip: a/../../x.md"]
    assert "absolute" in why["batch.zip: C:/drive.md"]
    assert "goes up" in why["batch.zip: ..\\back.md"]
    assert "symbolic link" in why["batch.zip: link.md"]
    assert ".exe" in why["batch.zip: tool.exe"]
    assert "hidden" in why["batch.zip: .x.md"]
    assert "hidden" in why["batch.zip: sub/.git/config.md"]
    assert ".zip" in why["batch.zip: inner.zip"]
    assert len(result.refused) == 11


def test_zip_members_colliding_with_earlier_files_get_a_suffix(folder: Path) -> None:
    result = store_uploads(
        [
            Upload("doc.md", b"plain"),
            Upload("a.zip", make_zip([("doc.md", b"first"), ("sub/doc.md", b"s1")])),
            Upload("b.zip", make_zip([("doc.md", b"second"), ("sub/doc.md", b"s2")])),
        ],
        folder,
    )
    assert result.written == ["doc.md", "doc-2.md", "sub/doc.md", "doc-3.md", "sub/doc-2.md"]
    assert (folder / "doc-3.md").read_bytes() == b"second"
    assert (folder / "sub" / "doc-2.md").read_bytes() == b"s2"


def test_a_corrupt_zip_is_refused_without_an_exception(folder: Path) -> None:
    good = make_zip([("doc.md", DOC)])
    result = store_uploads(
        [
            Upload("broken.zip", b"PK\x03\x04 this is not an archive"),
            Upload("truncated.zip", good[: len(good) // 2]),
            Upload("after.md", DOC),
        ],
        folder,
    )
    why = reasons(result)
    assert "not a readable zip" in why["broken.zip"]
    assert "not a readable zip" in why["truncated.zip"]
    assert result.written == ["after.md"]


def test_a_member_with_corrupt_data_is_refused_and_leaves_no_partial_file(folder: Path) -> None:
    archive = bytearray(make_zip([("bad.md", b"0123456789" * 1000), ("ok.md", b"fine")]))
    # flip bytes inside the first member's compressed data
    start = 30 + len("bad.md")
    archive[start + 5 : start + 25] = b"\xff" * 20
    result = store_uploads([Upload("c.zip", bytes(archive))], folder)
    assert "could not be extracted" in reasons(result)["c.zip: bad.md"]
    assert result.written == ["ok.md"]
    assert files_under(folder) == {"ok.md"}


# -- limits --------------------------------------------------------------------


def test_a_zip_bomb_is_refused_by_its_declared_size(tmp_path: Path, folder: Path) -> None:
    bomb = make_zip([("bomb.md", bytes(60 * 1024 * 1024)), ("fine.md", DOC)])
    assert len(bomb) < 200_000
    result = store_uploads([Upload("bomb.zip", bomb)], folder)
    assert "larger than 10 MiB" in reasons(result)["bomb.zip: bomb.md"]
    assert result.written == ["fine.md"]
    assert sum(p.stat().st_size for p in tmp_path.rglob("*") if p.is_file()) == len(DOC)


def test_a_member_inflating_more_than_100_times_is_refused(folder: Path) -> None:
    archive = make_zip([("zeros.md", bytes(5 * 1024 * 1024)), ("text.md", DOC * 100)])
    result = store_uploads([Upload("z.zip", archive)], folder)
    assert "inflates more than 100 times" in reasons(result)["z.zip: zeros.md"]
    assert result.written == ["text.md"]


def _patch_sizes(archive: bytes, declared: int) -> bytes:
    """Make every member claim ``declared`` uncompressed bytes (a lying archive)."""
    data = bytearray(archive)
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        for match in re.finditer(re.escape(signature), bytes(data)):
            struct.pack_into("<I", data, match.start() + offset, declared)
    return bytes(data)


def test_an_archive_lying_about_its_sizes_writes_nothing_big(folder: Path) -> None:
    lying = _patch_sizes(make_zip([("big.md", bytes(3 * 1024 * 1024))]), 100)
    result = store_uploads([Upload("lie.zip", lying)], folder)
    assert result.written == []
    assert "lie.zip: big.md" in reasons(result)
    assert files_under(folder) == set()


def test_a_plain_file_over_the_file_limit_is_refused(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(uploads, "MAX_FILE_BYTES", 10)
    result = store_uploads([Upload("big.md", b"x" * 11), Upload("small.md", b"x" * 10)], folder)
    assert "larger than" in reasons(result)["big.md"]
    assert result.written == ["small.md"]


def test_the_file_count_limit_stops_and_refuses_the_rest(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(uploads, "MAX_FILES", 3)
    archive = make_zip([(f"m{i}.md", b"m") for i in range(5)])
    result = store_uploads(
        [Upload("a.md", b"a"), Upload("many.zip", archive), Upload("late.md", b"l")], folder
    )
    assert result.written == ["a.md", "m0.md", "m1.md"]
    assert files_under(folder) == {"a.md", "m0.md", "m1.md"}
    why = reasons(result)
    assert "3 files" in why["many.zip: m2.md and the 2 members after it"]
    assert "3 files" in why["late.md"]
    assert len(result.refused) == 2


def test_the_total_size_limit_stops_and_refuses_the_rest(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(uploads, "MAX_TOTAL_BYTES", 100)
    result = store_uploads(
        [
            Upload("a.md", b"a" * 60),
            Upload("b.zip", make_zip([("b.md", b"b" * 30), ("c.md", b"c" * 30)])),
            Upload("d.md", b"d"),
        ],
        folder,
    )
    assert result.written == ["a.md", "b.md"]
    why = reasons(result)
    assert "in total" in why["b.zip: c.md"]
    assert "in total" in why["d.md"]
    assert sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) == 90


def test_programming_errors_raise(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        store_uploads([Upload("a.md", b"a")], tmp_path / "missing")
    with pytest.raises(ValueError):
        store_uploads(["a.md"], tmp_path)  # type: ignore[list-item]


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("../../x.md", "x.md"),
        ("dir\\sub\\Report.MD", "Report.md"),
        ("  .  .env.md", "env.md"),
        ("北京 報告.md", "北京 報告.md"),
        ("a|b<c>d*.txt", "a_b_c_d_.txt"),
        ("trailing. .md", "trailing.md"),
        ("x" * 300 + ".md", "x" * 147 + ".md"),
    ],
)
def test_sanitize_file_name(name: str, safe: str) -> None:
    assert sanitize_file_name(name) == safe


def test_the_module_never_imports_streamlit() -> None:
    """Pure logic stays importable (and testable) without the UI framework."""
    code = "import sys, seedscope.uploads; assert 'streamlit' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)
