"""Shared test fixtures: where the real corpus lives, fresh caches, small corpora."""

from __future__ import annotations

import functools
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
FIXTURE_DOCS = FIXTURES / "docs"


def shared_dir() -> Path:
    """``../shared`` next to the checkout (or ``$SEEDSCOPE_SHARED``).

    Third-party documents are never copied into the project; the tests read
    them where they are. Their absence is a broken test setup, not a skip.
    """
    candidates = (
        [Path(os.environ["SEEDSCOPE_SHARED"])]
        if os.environ.get("SEEDSCOPE_SHARED")
        else [
            ROOT.parent / "shared",  # the checkout's sibling, as on the development machines
            Path("/work/shared"),  # where these machines keep it when the clone lives elsewhere
        ]
    )
    for path in candidates:
        if (path / "corpus").is_dir():
            return path
    raise RuntimeError(
        f"the shared corpus was not found in {', '.join(map(str, candidates))}; "
        "set SEEDSCOPE_SHARED to the folder holding corpus/ and peer-tests/"
    )


@pytest.fixture(scope="session")
def shared() -> Path:
    return shared_dir()


@pytest.fixture(scope="session")
def corpus_dir(shared: Path) -> Path:
    return shared / "corpus"


@pytest.fixture(autouse=True, scope="session")
def _components_scanned_once() -> Iterator[None]:
    """Scan the installed packages for Streamlit components once, as a server does.

    A server scans at start-up; ``AppTest`` scans again for every new app
    (``importlib.metadata`` over every installed package: 0.4 s, most of a
    page test's time, about a tenth of the suite's). Nothing installs a
    component mid-session, so the first scan's answer stays true.
    """
    from streamlit.components.v2 import manifest_scanner

    original = manifest_scanner.scan_component_manifests
    scanned = functools.cache(original)
    manifest_scanner.scan_component_manifests = lambda *a, **k: list(scanned(*a, **k))
    yield
    manifest_scanner.scan_component_manifests = original


@pytest.fixture(autouse=True)
def _isolated_data_dir(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Never touch the user's real data folder from a test."""
    monkeypatch.setenv("SEEDSCOPE_DATA", str(tmp_path_factory.mktemp("data")))
    monkeypatch.delenv("SEEDSCOPE_CACHE", raising=False)
    monkeypatch.delenv("SEEDSCOPE_SEEDS", raising=False)


@pytest.fixture
def seeds_copy(tmp_path: Path):
    """Copy some documents into a fresh seeds folder the test may edit."""

    def make(*sources: Path, name: str = "seeds") -> Path:
        target = tmp_path / name
        target.mkdir()
        for source in sources:
            if source.is_dir():
                for item in source.iterdir():
                    if item.is_file():
                        shutil.copy2(item, target / item.name)
            else:
                shutil.copy2(source, target / source.name)
        return target

    return make


@pytest.fixture(scope="session")
def real_corpus(corpus_dir: Path, tmp_path_factory: pytest.TempPathFactory):
    """The real corpus in ../shared/corpus, loaded once per run into its own cache."""
    from loaders import load_corpus

    return load_corpus(corpus_dir, tmp_path_factory.mktemp("real-corpus-cache"))
