"""The change log of every layer as people read it: who changed which feature, when, from what
to what, one row per changed field; and the filters the change log page offers.

Values of fields a spec marks internal are never in these tables (they leave the server).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from layers import REGISTRY, data_version, get_layer, is_layer, layer_store
from layers.change_tables import change_rows
from store import BEIJING, LayerStore

__all__ = [
    "FEATURE_COLUMNS",
    "LOG_COLUMNS",
    "LogFilter",
    "change_log",
    "feature_changes",
    "filter_log",
    "log_table",
]

# Column key → (zh, en) heading, in the order the table shows them.
LOG_COLUMNS = {
    "effective": ("生效日期", "Holds from"),
    "recorded": ("记录时间", "Recorded (Beijing)"),
    "layer": ("图层", "Layer"),
    "uid": ("要素编号", "Feature ID"),
    "name": ("名称", "Name"),
    "action": ("变化", "Change"),
    "field": ("字段", "Field"),
    "old": ("原值", "Old value"),
    "new": ("新值", "New value"),
    "author": ("操作人", "By"),
    "comment": ("说明", "Comment"),
    "version": ("版本", "Version"),
}
# A feature's own history leaves out what the panel already says (its layer and id), and puts
# what changed first: the panel is narrow.
FEATURE_COLUMNS = (
    "effective",
    "action",
    "field",
    "old",
    "new",
    "author",
    "comment",
    "name",
    "recorded",
    "version",
)


@dataclass(frozen=True)
class LogFilter:
    """What the change log page narrows the log to (None or empty: no limit)."""

    layers: tuple[str, ...] = ()
    author: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    township: str | None = None  # a township's code
    search: str = ""  # a piece of a feature's id or name, as typed (not a pattern)


def change_log() -> pd.DataFrame:
    """Every change of every layer, latest effective date first (the store's order, newest
    recorded first, within a date), with each
    feature's name and township code (None if its layer names none). Read once per version
    of the layers; callers filter it, never change it in place."""
    heads = data_version()
    return _log(layer_store(), heads)


@lru_cache(maxsize=4)
def _log(store: LayerStore, heads: tuple) -> pd.DataFrame:
    changes = store.changes()
    # By the date a change holds from: the shipped history was recorded in one go, at seeding.
    changes = changes.sort_values("effective", ascending=False, kind="stable", ignore_index=True)
    states = [
        after if after is not None else before
        for before, after in zip(changes["before"], changes["after"], strict=True)
    ]
    changes["name"] = [
        _text(state.get(get_layer(layer).name_field)) if is_layer(layer) and state else ""
        for layer, state in zip(changes["layer"], states, strict=True)
    ]
    changes["township"] = _townships(store, changes["layer"], states)
    return changes


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _townships(store: LayerStore, layers: pd.Series, states: list) -> list[str | None]:
    """The township code each change's feature names through its spec's township field (a
    code or a name), as the map pages' township filter resolves it."""
    townships = store.read("townships")
    codes = {str(code): str(code) for code in townships["code"]}
    codes |= {
        str(name): str(code)
        for name, code in zip(townships["name"], townships["code"], strict=True)
    }
    found = []
    for layer, state in zip(layers, states, strict=True):
        spec = REGISTRY.get(layer)
        field = spec.township_field if spec is not None else None
        found.append(codes.get(_text(state.get(field))) if field and state else None)
    return found


def feature_changes(layer: str, uid: str) -> pd.DataFrame:
    """The changes of one feature, newest first (read from the store: indexed, no log read)."""
    changes = layer_store().changes(layer=layer, uid=uid)
    return changes.sort_values("effective", ascending=False, kind="stable", ignore_index=True)


def filter_log(log: pd.DataFrame, chosen: LogFilter) -> pd.DataFrame:
    """The changes of `log` that `chosen` keeps, newest first still."""
    keep = pd.Series(True, index=log.index)
    if chosen.layers:
        keep &= log["layer"].isin(chosen.layers)
    if chosen.author is not None:
        keep &= log["author"] == chosen.author
    if chosen.since is not None:
        keep &= log["effective"] >= chosen.since
    if chosen.until is not None:
        keep &= log["effective"] <= chosen.until
    if chosen.township is not None:
        keep &= log["township"] == chosen.township
    if search := chosen.search.strip():
        keep &= log["uid"].astype(str).str.contains(search, case=False, regex=False) | log[
            "name"
        ].str.contains(search, case=False, regex=False)
    return log[keep]


def log_table(
    changes: pd.DataFrame, lang: str, *, columns: tuple[str, ...] = tuple(LOG_COLUMNS)
) -> pd.DataFrame:
    """`changes` (rows of the store's change log) as a table: one row per changed field (an
    added or retired feature: one row), recorded times in Beijing time, headings in `lang`."""
    rows = []
    for change in changes.itertuples(index=False):
        state = change.after if change.after is not None else change.before
        name = getattr(change, "name", None)
        if name is None and is_layer(change.layer) and state:
            name = state.get(get_layer(change.layer).name_field)
        common = {
            "effective": change.effective.isoformat(),
            "recorded": change.recorded_at.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M"),
            "layer": get_layer(change.layer).title(lang) if is_layer(change.layer) else "",
            "author": change.author,
            "comment": change.comment,
            "version": int(change.version),
        }
        for row in change_rows(
            change.layer,
            change.uid,
            name or None,
            change.action,
            change.fields,
            change.before,
            change.after,
            lang,
            hide_internal=True,
        ):
            rows.append({**common, **row})
    table = pd.DataFrame(rows, columns=list(LOG_COLUMNS))[list(columns)]
    return table.rename(columns={key: LOG_COLUMNS[key][lang == "en"] for key in columns})
