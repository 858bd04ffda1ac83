"""Arrows point down: each package imports only the packages below it (read from the source).

geo ← store ← layers ← planning ← share;  layers ← maps ← share;  documents ← planning, share, fieldwork;  geo ← accounts ← ui ← views;  only pages (and
tests) import views.
Streamlit only in ui/, views/ and app.py.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# The packages below the Streamlit ones (ui and views may import every one of them).
DOMAIN = {
    "geo",
    "store",
    "layers",
    "maps",
    "documents",
    "planning",
    "share",
    "fieldwork",
    "accounts",
}
PROJECT = {*DOMAIN, "ui", "views", "scripts"}
# What each package may import of the project's packages (besides itself).
ALLOWED = {
    "geo": set(),
    "store": {"geo"},
    "documents": set(),
    "layers": {"geo", "store"},
    "maps": {"geo", "layers"},
    "planning": {"geo", "store", "layers", "documents"},
    "share": {"geo", "store", "layers", "maps", "documents", "planning"},
    "fieldwork": {"geo", "store", "layers", "documents", "accounts"},
    "accounts": {"geo"},
    "ui": DOMAIN,
    "views": DOMAIN | {"ui"},
}
NO_STREAMLIT = DOMAIN


def _imports(path: Path) -> set[str]:
    """The top-level names of every module `path` imports, at any depth of the file."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def _sources(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_a_package_imports_only_what_lies_below_it(package: str) -> None:
    wrong = {
        f"{path.relative_to(ROOT)} imports {name}"
        for path in _sources(package)
        for name in _imports(path) & PROJECT
        if name != package and name not in ALLOWED[package]
    }
    assert not wrong, sorted(wrong)


@pytest.mark.parametrize("package", sorted(NO_STREAMLIT))
def test_no_streamlit_below_the_pages(package: str) -> None:
    wrong = [
        str(path.relative_to(ROOT))
        for path in _sources(package)
        if _imports(path) & {"streamlit", "streamlit_folium", "extra_streamlit_components"}
    ]
    assert not wrong, wrong


def test_nothing_imports_the_pages() -> None:
    """Pages may share a declaration among themselves (and tests read them); nothing else."""
    below = PROJECT - {"views"}
    everything = [*ROOT.glob("*.py"), *(p for pkg in below for p in _sources(pkg))]
    everything += [*(ROOT / "benchmarks").rglob("*.py")]
    wrong = [str(p.relative_to(ROOT)) for p in everything if "views" in _imports(p)]
    assert not wrong, wrong


def test_the_rule_catches_a_wrong_arrow(tmp_path: Path) -> None:
    """The reader sees an import hidden in a function, as a wrong arrow would be written."""
    source = tmp_path / "x.py"
    source.write_text("def f():\n    from ui.panel import render_panel\n", encoding="utf-8")
    assert "ui" in _imports(source)
