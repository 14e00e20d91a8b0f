"""The layer contracts in pyproject.toml cover every page folder.

``make test`` runs ``lint-imports`` over ``[tool.importlinter]``. pages/ has no
``__init__.py`` (Streamlit's layout), so each of its folders is a root package
of its own and must be named in the contracts: a new folder that is not would
escape every rule without a word. This test says which names to add.
"""

from __future__ import annotations

import tomllib

from tests.conftest import ROOT


def importlinter() -> dict:
    with (ROOT / "pyproject.toml").open("rb") as handle:
        return tomllib.load(handle)["tool"]["importlinter"]


def page_packages() -> set[str]:
    """``pages.<folder>`` for every folder of pages/ that holds a page."""
    return {
        f"pages.{folder.name}"
        for folder in (ROOT / "pages").iterdir()
        if folder.is_dir() and any(folder.glob("*.py"))
    }


def test_every_page_folder_is_under_the_layer_contracts() -> None:
    config = importlinter()
    pages = page_packages()
    assert pages, "no page folders found under pages/"

    missing = sorted(pages - set(config["root_packages"]))
    assert not missing, f"add {missing} to [tool.importlinter] root_packages in pyproject.toml"

    for contract in config["contracts"]:
        named = set(contract.get("source_modules", [])) | set(contract.get("forbidden_modules", []))
        if named & pages:  # a contract about pages must be about all of them
            missing = sorted(pages - named)
            assert not missing, f"add {missing} to the contract {contract['name']!r}"


def test_the_pages_contract_forbids_importing_loaders_from_every_page() -> None:
    pages = page_packages()
    rules = [
        contract
        for contract in importlinter()["contracts"]
        if set(contract.get("source_modules", [])) >= pages
        and "loaders" in contract.get("forbidden_modules", [])
    ]
    assert rules, "no contract keeps pages/ from importing loaders/ directly"
