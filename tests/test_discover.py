"""Which files a scan finds: the same rules whatever the folder looks like."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from loaders.files import discover
from tests.conftest import ROOT


def test_scan_finds_documents_in_path_order_and_skips_the_rest(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    for rel in [
        "a.md",
        "a/b.md",  # sorts after "a.md" ('.' < '/') though its folder is listed first
        "Z.MD",  # suffixes are case-insensitive
        "notes.txt",
        "long.markdown",
        "2025.md/inside.md",  # a real folder named like a document is walked
        ".hidden/secret.md",
        ".dotfile.md",
        "picture.png",
        "cache/part.md",  # the cache folder, when it lives inside the seeds
    ]:
        path = seeds / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("# title\n", encoding="utf-8")
    (seeds / "linked-folder.md").symlink_to(seeds / "a", target_is_directory=True)
    (seeds / "linked-doc.md").symlink_to(seeds / "a.md")
    (seeds / "broken.md").symlink_to(seeds / "missing.md")

    listing = discover(seeds, skip=seeds / "cache")

    assert listing.paths == [
        "2025.md/inside.md",
        "Z.MD",
        "a.md",
        "a/b.md",
        "broken.md",
        "linked-doc.md",
        "long.markdown",
        "notes.txt",
    ]
    assert listing.problems == {"broken.md": "broken symbolic link: its target does not exist"}
    regular = listing.paths.index("a.md")
    assert listing.sizes[regular] == len("# title\n")
    assert listing.inodes[listing.paths.index("linked-doc.md")] == listing.inodes[regular]


def test_a_folder_without_search_permission_hides_nothing_it_should_not() -> None:
    """Readable but not searchable: its files and its subfolders are problems."""
    top = Path(tempfile.mkdtemp(prefix="seedscope-discover-"))
    top.chmod(0o755)
    seeds = top / "seeds"
    (seeds / "locked" / "inner.md").mkdir(parents=True)  # a folder named like a document
    (seeds / "locked" / "note.md").write_text("# note\n", encoding="utf-8")
    (seeds / "open.md").write_text("# open\n", encoding="utf-8")
    seeds.chmod(0o755)
    (seeds / "locked").chmod(0o444)
    script = (
        "import json, os, sys\n"
        "from pathlib import Path\n"
        "from loaders.files import discover\n"
        "if os.getuid() == 0:\n"
        "    os.setgid(65534); os.setuid(65534)  # root searches any folder\n"
        "listing = discover(Path(sys.argv[1]))\n"
        "print(json.dumps([listing.paths, listing.problems]))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(seeds)],
        cwd="/",
        env={**os.environ, "PYTHONPATH": str(ROOT), "PYTHONDONTWRITEBYTECODE": "1"},
        capture_output=True,
        text=True,
        check=False,
    )
    (seeds / "locked").chmod(0o755)
    shutil.rmtree(top, ignore_errors=True)
    assert result.returncode == 0, result.stderr
    paths, problems = json.loads(result.stdout)
    assert paths == ["locked/inner.md/", "locked/note.md", "open.md"]
    assert problems == {
        "locked/inner.md/": "folder cannot be read (Permission denied); "
        "the documents in it are missing",
        "locked/note.md": "cannot be read: Permission denied",
    }
