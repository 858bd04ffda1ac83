"""An illustrative history up to the report's date: enclave projects taken up, revised, signed
and started; closed communities completed. Each feature's last state is its built row."""

from __future__ import annotations

import csv
import datetime
import re
from collections.abc import Mapping
from itertools import pairwise
from pathlib import Path

import numpy as np
import pandas as pd

from layers.report import report_date
from scripts.sample_data.common import SEED

__all__ = ["HISTORY_COLUMNS", "HISTORY_LAYERS", "history_rows", "write_history"]

HISTORY_COLUMNS = ("uid", "effective", "action", "field", "value")
HISTORY_LAYERS = ("enclave_projects", "closed_communities")

_NEGOTIATING, _SIGNED, _STARTED = "洽谈", "签约", "落地开工"
_REVISED_INVESTMENTS = 6  # sample projects whose planned investment is revised once
_CHANGED_NOTES = 12  # negotiating projects whose notes follow their rounds of talks
_MIN_GAP = datetime.timedelta(days=14)  # between two events of one project
_ROUND = re.compile(r"第(\d+)轮")

# Weekdays that were public holidays in 2020 (State Council notice; the Spring Festival
# holiday extended to 2 February for COVID-19). Make-up working weekends are left out.
_HOLIDAYS_2020 = frozenset(
    datetime.date(2020, month, day)
    for month, day in (
        (1, 1),
        (1, 24),
        (1, 27),
        (1, 28),
        (1, 29),
        (1, 30),
        (1, 31),
        (4, 6),
        (5, 1),
        (5, 4),
        (5, 5),
        (6, 25),
        (6, 26),
        (10, 1),
        (10, 2),
        (10, 5),
        (10, 6),
        (10, 7),
        (10, 8),
    )
)

# Enclave projects: taken up from January to September, more in spring, few in the lockdown;
# a project that went on to sign or start was taken up earlier.
_ENCLAVE_FIRST = datetime.date(2020, 1, 6)
_ENCLAVE_LAST_ADD = {
    _STARTED: datetime.date(2020, 4, 30),
    _SIGNED: datetime.date(2020, 7, 31),
    _NEGOTIATING: datetime.date(2020, 9, 30),
}
_ENCLAVE_MONTHS = {1: 6, 2: 3, 3: 12, 4: 14, 5: 13, 6: 10, 7: 8, 8: 7, 9: 6}
# The named projects (金华园's phase one was nearly done by the report) are the first taken up
# and start by this date.
_NAMED_STARTED_BY = datetime.date(2020, 4, 30)
# Closed communities: completed from March, through the building season; demonstrations first.
_COMMUNITY_FIRST = datetime.date(2020, 3, 2)
_COMMUNITY_LAST = datetime.date(2020, 10, 14)
_DEMO_LAST = datetime.date(2020, 5, 29)
_COMMUNITY_MONTHS = {3: 5, 4: 9, 5: 12, 6: 14, 7: 14, 8: 13, 9: 12, 10: 5}

_Event = tuple[str, datetime.date, str, dict[str, str]]


def history_rows(layers: Mapping[str, pd.DataFrame]) -> dict[str, list[dict[str, str]]]:
    """The history rows (HISTORY_COLUMNS) of each layer of HISTORY_LAYERS, from the built frames."""
    events = {
        "enclave_projects": _enclave_events(layers["enclave_projects"]),
        "closed_communities": _community_events(layers["closed_communities"]),
    }
    return {key: _rows(events[key]) for key in HISTORY_LAYERS}


def write_history(layers: Mapping[str, pd.DataFrame], directory: Path) -> list[Path]:
    """Write <directory>/<key>.csv for each layer of HISTORY_LAYERS (UTF-8); the paths written."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for key, rows in history_rows(layers).items():
        path = directory / f"{key}.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=HISTORY_COLUMNS, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
        paths.append(path)
    return paths


def _enclave_events(frame: pd.DataFrame) -> list[_Event]:
    rng = np.random.default_rng(SEED + 10)
    sample = frame.loc[frame["name"].str.contains("示例"), "uid"].tolist()
    revised = set(rng.choice(sample, _REVISED_INVESTMENTS, replace=False).tolist())
    talking = frame[(frame["status"] == _NEGOTIATING) & (frame["notes"].map(_round) >= 2)]
    noted = set(rng.choice(talking["uid"].tolist(), _CHANGED_NOTES, replace=False).tolist())
    last = report_date() - datetime.timedelta(days=1)
    events: list[_Event] = []
    for row in frame.to_dict("records"):
        uid, status = row["uid"], row["status"]
        added = {"status": _NEGOTIATING}
        changes: list[dict[str, str]] = []
        if uid in noted:
            added["notes"] = _ROUND.sub("第1轮", row["notes"])
            changes += [
                {"notes": _ROUND.sub(f"第{n}轮", row["notes"])}
                for n in range(2, _round(row["notes"]) + 1)
            ]
        if status in (_SIGNED, _STARTED):
            changes.append({"status": _SIGNED})
        if status == _STARTED:
            changes.append({"status": _STARTED})
        if uid in revised:
            final = int(row["invest_wan"])
            added["invest_wan"] = str(_earlier_investment(rng, final))
            if status == _NEGOTIATING:  # revised in the talks
                changes.insert(int(rng.integers(len(changes) + 1)), {"invest_wan": str(final)})
            else:  # the contract fixes the investment
                changes[-2 if status == _STARTED else -1]["invest_wan"] = str(final)
        if "示例" in row["name"]:
            latest_add = min(_ENCLAVE_LAST_ADD[status], last - 2 * _MIN_GAP * len(changes))
            first = _weighted_day(rng, _workdays(_ENCLAVE_FIRST, latest_add), _ENCLAVE_MONTHS)
            dates = _later_days(rng, first, last, len(changes))
        else:
            first = _workdays(_ENCLAVE_FIRST, _ENCLAVE_FIRST)[0]
            dates = _later_days(rng, first, _NAMED_STARTED_BY, len(changes))
        events.append((uid, first, "add", added))
        events += [(uid, day, "change", fields) for day, fields in zip(dates, changes, strict=True)]
    return events


def _community_events(frame: pd.DataFrame) -> list[_Event]:
    rng = np.random.default_rng(SEED + 11)
    demo_days = _workdays(_COMMUNITY_FIRST, _DEMO_LAST)
    days = _workdays(_COMMUNITY_FIRST, _COMMUNITY_LAST)
    return [
        (
            uid,
            _weighted_day(rng, demo_days if demo == "是" else days, _COMMUNITY_MONTHS),
            "add",
            {},
        )
        for uid, demo in zip(frame["uid"], frame["demo"], strict=True)
    ]


def _rows(events: list[_Event]) -> list[dict[str, str]]:
    rows = []
    for uid, day, action, fields in sorted(events, key=lambda event: (event[0], event[1])):
        base = {"uid": uid, "effective": day.isoformat(), "action": action}
        rows += [{**base, "field": name, "value": value} for name, value in fields.items()] or [
            {**base, "field": "", "value": ""}
        ]
    return rows


def _round(notes: str) -> int:
    match = _ROUND.search(notes)
    return int(match.group(1)) if match else 0


def _earlier_investment(rng: np.random.Generator, final: int) -> int:
    """A first planned investment (万元, whole hundreds) 10-40 % above or below the final one."""
    factor = 1 + rng.choice([-1, 1]) * rng.uniform(0.1, 0.4)
    return max(100, round(final * factor / 100) * 100)


def _workdays(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    days = (first + datetime.timedelta(days=n) for n in range((last - first).days + 1))
    return [day for day in days if day.weekday() < 5 and day not in _HOLIDAYS_2020]


def _weighted_day(
    rng: np.random.Generator, days: list[datetime.date], months: dict[int, float]
) -> datetime.date:
    """One of `days`, each month as likely as its weight however many of its days are open."""
    per_month = pd.Series([day.month for day in days]).value_counts()
    weights = np.array([months[day.month] / per_month[day.month] for day in days])
    return days[int(rng.choice(len(days), p=weights / weights.sum()))]


def _later_days(
    rng: np.random.Generator, after: datetime.date, last: datetime.date, count: int
) -> list[datetime.date]:
    """`count` workdays after `after`, up to `last`, at least _MIN_GAP from each other."""
    days = _workdays(after + _MIN_GAP, last)
    for _ in range(1000):
        picked = sorted(days[i] for i in rng.choice(len(days), count, replace=False))
        if all(b - a >= _MIN_GAP for a, b in pairwise(picked)):
            return picked
    raise RuntimeError(f"no {count} days {_MIN_GAP.days} days apart between {after} and {last}")
