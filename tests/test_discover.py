"""Which files a scan finds: the same rules whatever the folder looks like."""

from __future__ import annotations

from pathlib import Path

from loaders.files import discover


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
