"""The illustrative history shipped with the sample data (data/history/<key>.csv), replayed.

A history file is long: one row per attribute an event sets (`uid,effective,action,field,value`);
rows sharing (uid, effective, action) are one event. The state after a feature's `add` is its
final row with the add's fields overridden, each `change` overrides its fields, and the state
after the last event must be the final row again. Features with no events are not replayed:
they are in the atlas from `layers.report.history_start()`.
"""

from __future__ import annotations

import datetime
import math
from pathlib import Path

import pandas as pd

from geo.errors import DataError

__all__ = ["ACTIONS", "HISTORY_COLUMNS", "HISTORY_DIR", "read_history", "replay"]

HISTORY_DIR = Path(__file__).resolve().parents[1] / "data" / "history"
HISTORY_COLUMNS = ("uid", "effective", "action", "field", "value")
ACTIONS = ("add", "change")

_TRUE = ("true", "1", "yes", "是")
_FALSE = ("false", "0", "no", "否")

Event = tuple[str, datetime.date, str, dict]


def read_history(key: str) -> pd.DataFrame:
    """The history of layer `key`, every column text; an empty frame when it has none."""
    path = HISTORY_DIR / f"{key}.csv"
    if not path.is_file():
        frame = pd.DataFrame({column: pd.Series(dtype=str) for column in HISTORY_COLUMNS})
    else:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
        if tuple(frame.columns) != HISTORY_COLUMNS:
            raise DataError(path, f"columns are {list(frame.columns)}, not {list(HISTORY_COLUMNS)}")
    frame.attrs["source"] = str(path)
    return frame


def replay(
    final: pd.DataFrame, history: pd.DataFrame, id_field: str, kinds: dict[str, str]
) -> list[Event]:
    """Every event of `history` as (uid, effective, action, state after it), by date.

    `final` holds the features as they are now (one row per `id_field` value); `kinds` maps
    each attribute to its Field.kind, and the states hold exactly those attributes, converted.
    Events come in date order (features in the order of `final` on one date). A ValueError
    (DataError) names the history's source, the feature and the problem when the history
    contradicts itself or `final`.
    """
    source = history.attrs.get("source", "history")
    missing = [name for name in (id_field, *kinds) if name not in final.columns]
    if missing:
        raise DataError(source, f"the final features have no field {', '.join(missing)}")
    finals = {
        str(row[id_field]): {name: _final_value(row[name], kind) for name, kind in kinds.items()}
        for row in final.to_dict("records")
    }
    order = {uid: position for position, uid in enumerate(finals)}
    events: list[Event] = []
    for uid, rows in _rows_by_uid(history, source).items():
        if uid not in finals:
            raise DataError(source, f"uid {uid}: unknown feature (not in the final layer)")
        events += _replay_feature(uid, rows, finals[uid], id_field, kinds, source)
    return sorted(events, key=lambda event: (event[1], order[event[0]]))


def _rows_by_uid(history: pd.DataFrame, source: str) -> dict[str, list[dict[str, str]]]:
    missing = [column for column in HISTORY_COLUMNS if column not in history.columns]
    if missing:
        raise DataError(source, f"no column {', '.join(missing)}")
    by_uid: dict[str, list[dict[str, str]]] = {}
    for row in history.loc[:, list(HISTORY_COLUMNS)].astype(str).to_dict("records"):
        by_uid.setdefault(row["uid"], []).append(row)
    return by_uid


def _replay_feature(
    uid: str,
    rows: list[dict[str, str]],
    final: dict,
    id_field: str,
    kinds: dict[str, str],
    source: str,
) -> list[Event]:
    """The events of one feature, from its rows in file order."""
    where = f"uid {uid}"
    events: list[tuple[datetime.date, str, dict]] = []
    for row in rows:
        day = _date(row["effective"], source, where)
        action = row["action"]
        if action not in ACTIONS:
            raise DataError(source, f"{where}: action '{action}' is not one of {ACTIONS}")
        if not events or (events[-1][0], events[-1][1]) != (day, action):
            if events and day <= events[-1][0]:
                raise DataError(
                    source,
                    f"{where}: dates not increasing ({action} on {day} after "
                    f"{events[-1][1]} on {events[-1][0]})",
                )
            events.append((day, action, {}))
        name = row["field"]
        if not name:
            continue
        if name not in kinds or name == id_field:
            raise DataError(
                source, f"{where}: field '{name}' is not an attribute of the layer (or is its id)"
            )
        fields = events[-1][2]
        if name in fields:
            raise DataError(source, f"{where}: {action} on {day} sets '{name}' twice")
        fields[name] = _history_value(row["value"], kinds[name], source, f"{where}, {name}")
    adds = [day for day, action, _ in events if action == "add"]
    if len(adds) > 1:
        raise DataError(source, f"{where}: two adds ({adds[0]} and {adds[1]})")
    if events[0][1] != "add":
        first = f"first add on {adds[0]}" if adds else "no add"
        raise DataError(source, f"{where}: change before add (change on {events[0][0]}, {first})")
    state = dict(final)
    replayed = []
    for day, action, fields in events:
        state.update(fields)
        replayed.append((uid, day, action, dict(state)))
    different = [name for name in kinds if state[name] != final[name]]
    if different:
        shown = ", ".join(f"{name} {state[name]!r} ≠ {final[name]!r}" for name in different)
        raise DataError(source, f"{where}: last state ≠ final row ({shown})")
    return replayed


def _date(text: str, source: str, where: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise DataError(source, f"{where}: effective '{text}' is not a date YYYY-MM-DD") from None


def _history_value(text: str, kind: str, source: str, where: str) -> object:
    """A value of the history file (text) as the field's kind; empty is null, or "" for text."""
    if kind == "text":
        return text
    if text == "":
        return None
    try:
        if kind == "int":
            return int(text)
        if kind == "float":
            return float(text)
        if text.strip().lower() in _TRUE:
            return True
        if text.strip().lower() in _FALSE:
            return False
    except ValueError:
        pass
    raise DataError(source, f"{where}: value '{text}' is not convertible to {kind}")


def _final_value(value: object, kind: str) -> object:
    """A value of the final frame as the field's kind (null as None, or "" for text)."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return "" if kind == "text" else None
    if kind == "text":
        return str(value)
    if kind == "int":
        return int(value)
    if kind == "float":
        return float(value)
    if isinstance(value, str):
        return value.strip().lower() in _TRUE
    return bool(value)
