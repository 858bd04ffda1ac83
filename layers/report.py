"""The figures published in the source report (data/sources/figures.csv), by key, and its date."""

from __future__ import annotations

import csv
import datetime
from functools import cache
from pathlib import Path

__all__ = [
    "FIGURES_CSV",
    "REPORT_DATE_CSV",
    "history_start",
    "published_figure",
    "published_figures",
    "report_date",
]

FIGURES_CSV = Path(__file__).resolve().parents[1] / "data" / "sources" / "figures.csv"
# The report names no date; the one inferred for it, and where the atlas's records begin.
REPORT_DATE_CSV = FIGURES_CSV.with_name("report_date.csv")


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


def report_date() -> datetime.date:
    """The date on which the report's figures hold (inferred: the text names none)."""
    return _dates()["report_date"]


def history_start() -> datetime.date:
    """Where the atlas's records begin: a feature with no history is in the atlas from here."""
    return _dates()["history_start"]


@cache
def _dates() -> dict[str, datetime.date]:
    with REPORT_DATE_CSV.open(encoding="utf-8", newline="") as handle:
        return {
            row["key"]: datetime.date.fromisoformat(row["value"]) for row in csv.DictReader(handle)
        }
