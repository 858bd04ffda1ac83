"""The figures published in the source report (data/sources/figures.csv), by key."""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

__all__ = ["FIGURES_CSV", "published_figure", "published_figures"]

FIGURES_CSV = Path(__file__).resolve().parents[1] / "data" / "sources" / "figures.csv"


@cache
def published_figures() -> dict[str, int]:
    """Every published figure: key → value."""
    with FIGURES_CSV.open(encoding="utf-8", newline="") as handle:
        return {row["key"]: int(row["value"]) for row in csv.DictReader(handle)}


def published_figure(key: str) -> int:
    """One published figure; KeyError naming the key if the report has none."""
    figures = published_figures()
    if key not in figures:
        raise KeyError(f"no published figure '{key}' in {FIGURES_CSV.name}")
    return figures[key]
