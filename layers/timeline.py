"""A programme over time: a layer's totals at the end of every month, from the start of the
records to the date being viewed (no Streamlit)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from layers import data_version, get_layer, load_layer, total_value, view_date, viewing
from layers.report import history_start
from layers.spec import LayerSpecError, Total
from store import beijing_today

__all__ = ["COUNT_OPS", "TIMELINE_COLUMNS", "Timeline", "month_ends", "timeline_table"]

TIMELINE_COLUMNS = ["month_end", "stage", "count", "value"]
COUNT_OPS = ("count", "count_where", "distinct")  # totals that count features: whole numbers


@dataclass(frozen=True)
class Timeline:
    """Two totals of one layer at every month's end: a count and a value (their labels, units and
    scales are the layer spec's), per stage of the layer's styled field in `stages` order, or for
    the whole layer when `stages` is empty."""

    layer: str
    count: str  # key of a counting total of the layer (e.g. "count": 个)
    value: str  # key of another total of the layer (e.g. "invest": 亿元)
    stages: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        try:
            spec = get_layer(self.layer)
        except KeyError as error:
            raise LayerSpecError(f"timeline: {error.args[0]}") from None
        totals = {total.key: total for total in spec.totals}
        problems = [
            f"layer '{self.layer}' has no total '{key}'"
            for key in (self.count, self.value)
            if key not in totals
        ]
        if self.count in totals and totals[self.count].op not in COUNT_OPS:
            problems.append(f"total '{self.count}' does not count features (op {COUNT_OPS})")
        styled = [category.value for category in spec.style.categories]
        problems += [
            f"'{stage}' is not a value of the styled field '{spec.style.by_field}'"
            for stage in self.stages
            if stage not in styled
        ]
        if len(set(self.stages)) != len(self.stages):
            problems.append("a stage is named twice")
        if problems:
            raise LayerSpecError(f"timeline of '{self.layer}': " + "; ".join(problems))

    def count_total(self) -> Total:
        return _total(self.layer, self.count)

    def value_total(self) -> Total:
        return _total(self.layer, self.value)


def month_ends(start: dt.date, end: dt.date) -> list[dt.date]:
    """The last day of every month from `start`'s month to `end`'s; the last month ends at `end`."""
    days = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        following = dt.date(year + month // 12, month % 12 + 1, 1)
        days.append(min(following - dt.timedelta(days=1), end))
        year, month = following.year, following.month
    return days


def timeline_table(timeline: Timeline) -> pd.DataFrame:
    """The tidy table of `timeline` up to the date viewed (today in Beijing when none): one row
    per month end (and stage), with `count` and `value` in their totals' units; stage is None
    for a timeline without stages."""
    end = view_date() or beijing_today()
    return _table(timeline, end, data_version()).copy()


@lru_cache(maxsize=64)
def _table(timeline: Timeline, end: dt.date, version: tuple) -> pd.DataFrame:
    """Computed once per version of the data being seen (and end date, which moves with today)."""
    count, value = timeline.count_total(), timeline.value_total()
    field = get_layer(timeline.layer).style.by_field
    rows = []
    for month_end in month_ends(history_start(), end):
        with viewing(month_end):  # the layer as it stood at the end of that day
            frame = load_layer(timeline.layer)
        parts = (
            [(stage, frame[frame[field] == stage]) for stage in timeline.stages]
            if timeline.stages
            else [(None, frame)]
        )
        rows += [
            (month_end, stage, round(total_value(count, part)), total_value(value, part))
            for stage, part in parts
        ]
    return pd.DataFrame(rows, columns=TIMELINE_COLUMNS)


def _total(layer: str, key: str) -> Total:
    return next(total for total in get_layer(layer).totals if total.key == key)
