"""The shipped history replays to the shapefiles, and as of the report's date to its figures."""

from __future__ import annotations

import datetime
import subprocess
import sys
from collections import Counter
from itertools import pairwise
from pathlib import Path

import pandas as pd
import pytest

from geo.io import read_vector
from layers import DATA_DIR, get_layer
from layers.history_seed import HISTORY_COLUMNS, HISTORY_DIR, read_history, replay
from layers.report import history_start, published_figure, report_date

KEYS = ("enclave_projects", "closed_communities")
STAGES = ("洽谈", "签约", "落地开工")
PREFIXES = {"落地开工": "enclave_started", "签约": "enclave_signed", "洽谈": "enclave_negotiating"}
MID_YEAR = datetime.date(2020, 6, 30)


def _kinds(key: str) -> dict[str, str]:
    return {f.name: f.kind for f in get_layer(key).fields}


@pytest.fixture(scope="module")
def events() -> dict[str, list]:
    return {
        key: replay(
            read_vector(DATA_DIR / get_layer(key).source),
            read_history(key),
            get_layer(key).id_field,
            _kinds(key),
        )
        for key in KEYS
    }


def _as_of(events: list, day: datetime.date) -> dict[str, dict]:
    state = {}
    for uid, effective, _, attributes in events:
        if effective <= day:
            state[uid] = attributes
    return state


def test_report_date_is_recorded_once_in_autumn_2020() -> None:
    assert report_date() == datetime.date(2020, 10, 15)
    assert history_start() == datetime.date(2020, 1, 1)


@pytest.mark.parametrize("key", KEYS)
def test_history_file_exists_and_parses(key: str) -> None:
    path = HISTORY_DIR / f"{key}.csv"
    assert path.is_file()
    history = read_history(key)
    assert tuple(history.columns) == HISTORY_COLUMNS
    assert len(history) > 0
    assert set(history["action"]) <= {"add", "change"}


def test_shipped_history_is_what_the_build_writes(tmp_path: Path) -> None:
    script = Path(__file__).resolve().parents[2] / "scripts" / "build_sample_data.py"
    output, history = tmp_path / "shapefiles", tmp_path / "history"
    command = [sys.executable, str(script), "--output", str(output), "--history", str(history)]
    subprocess.run(command, check=True, capture_output=True)
    for key in KEYS:
        built = (history / f"{key}.csv").read_bytes()
        assert built == (HISTORY_DIR / f"{key}.csv").read_bytes(), key


def test_missing_history_is_an_empty_frame() -> None:
    history = read_history("no_such_layer")
    assert tuple(history.columns) == HISTORY_COLUMNS
    assert history.empty


@pytest.mark.parametrize("key", KEYS)
def test_every_event_lies_between_history_start_and_report_date(key: str, events) -> None:
    days = [effective for _, effective, _, _ in events[key]]
    assert min(days) >= history_start()
    assert max(days) <= report_date()
    assert all(day.weekday() < 5 for day in days)


@pytest.mark.parametrize("key", KEYS)
def test_every_feature_has_a_history_that_replays_to_its_shapefile_row(key: str, events) -> None:
    final = read_vector(DATA_DIR / get_layer(key).source)
    last = {uid: attributes for uid, _, _, attributes in events[key]}
    assert set(last) == set(final["uid"])
    assert sum(action == "add" for _, _, action, _ in events[key]) == len(final)
    row = final.iloc[-1]
    assert last[row["uid"]]["name"] == row["name"]


def test_enclave_stages_only_move_forward(events) -> None:
    stages: dict[str, list[str]] = {}
    for uid, _, action, attributes in events["enclave_projects"]:
        if action == "add":
            assert attributes["status"] == "洽谈", uid
        stages.setdefault(uid, []).append(attributes["status"])
    for uid, path in stages.items():
        ranks = [STAGES.index(stage) for stage in path]
        assert ranks == sorted(ranks), uid
        assert all(b - a <= 1 for a, b in pairwise(ranks)), uid


def test_some_investments_and_notes_are_revised(events) -> None:
    invest: dict[str, set[int]] = {}
    notes: dict[str, set[str]] = {}
    for uid, _, _, attributes in events["enclave_projects"]:
        invest.setdefault(uid, set()).add(attributes["invest_wan"])
        notes.setdefault(uid, set()).add(attributes["notes"])
    assert sum(len(values) > 1 for values in invest.values()) == 6
    assert sum(len(values) > 1 for values in notes.values()) > 0


def test_as_of_report_date_enclave_figures_hold(events) -> None:
    state = _as_of(events["enclave_projects"], report_date())
    assert len(state) == published_figure("enclave_projects")
    counts = Counter(attributes["status"] for attributes in state.values())
    for stage, prefix in PREFIXES.items():
        assert counts[stage] == published_figure(f"{prefix}_count")
        invest = sum(a["invest_wan"] for a in state.values() if a["status"] == stage)
        assert invest == published_figure(f"{prefix}_investment")


def test_as_of_report_date_community_figures_hold(events) -> None:
    state = _as_of(events["closed_communities"], report_date())
    assert len(state) == published_figure("closed_communities")
    renovated = sum(attributes["reno_m2"] for attributes in state.values())
    assert renovated == published_figure("renovation_floor_area")


def test_history_is_not_flat(events) -> None:
    def started(state: dict[str, dict]) -> int:
        return sum(attributes["status"] == "落地开工" for attributes in state.values())

    enclave_then = _as_of(events["enclave_projects"], MID_YEAR)
    enclave_now = _as_of(events["enclave_projects"], report_date())
    assert len(enclave_then) < len(enclave_now)
    assert started(enclave_then) < started(enclave_now)
    communities_then = _as_of(events["closed_communities"], MID_YEAR)
    assert len(communities_then) < len(_as_of(events["closed_communities"], report_date()))


# --- replay refuses an inconsistent history ----------------------------------------------------

KINDS = {"uid": "text", "stage": "text", "amount": "int", "area": "float", "demo": "bool"}
FINAL = pd.DataFrame(
    {
        "uid": ["a", "b"],
        "stage": ["签约", "洽谈"],
        "amount": [300, 100],
        "area": [1.5, float("nan")],
        "demo": [True, False],
    }
)


def _history(*rows: tuple[str, str, str, str, str], source: str | None = None) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=list(HISTORY_COLUMNS))
    if source:
        frame.attrs["source"] = source
    return frame


def test_replay_returns_full_states_in_date_order() -> None:
    history = _history(
        ("a", "2020-03-02", "add", "stage", "洽谈"),
        ("a", "2020-03-02", "add", "amount", "200"),
        ("a", "2020-05-04", "change", "stage", "签约"),
        ("a", "2020-05-04", "change", "amount", "300"),
        ("b", "2020-04-01", "add", "", ""),
    )
    events = replay(FINAL, history, "uid", KINDS)
    assert [(uid, day.isoformat(), action) for uid, day, action, _ in events] == [
        ("a", "2020-03-02", "add"),
        ("b", "2020-04-01", "add"),
        ("a", "2020-05-04", "change"),
    ]
    assert events[0][3] == {"uid": "a", "stage": "洽谈", "amount": 200, "area": 1.5, "demo": True}
    assert events[1][3] == {"uid": "b", "stage": "洽谈", "amount": 100, "area": None, "demo": False}
    assert events[2][3]["amount"] == 300


def test_replay_of_no_history_returns_nothing() -> None:
    assert replay(FINAL, _history(), "uid", KINDS) == []


@pytest.mark.parametrize(
    ("rows", "problem"),
    [
        ([("z", "2020-03-02", "add", "", "")], "uid z: unknown feature"),
        ([("a", "2020-03-02", "add", "colour", "red")], "field 'colour'"),
        ([("a", "2020-03-02", "add", "amount", "many")], "'many' is not convertible to int"),
        ([("a", "2020-03-02", "add", "area", "wide")], "'wide' is not convertible to float"),
        ([("a", "2020-03-02", "add", "demo", "maybe")], "'maybe' is not convertible to bool"),
        ([("a", "2020-13-02", "add", "", "")], "effective '2020-13-02' is not a date"),
        ([("a", "2020-03-02", "remove", "", "")], "action 'remove'"),
        (
            [("a", "2020-05-04", "add", "", ""), ("a", "2020-03-02", "change", "", "")],
            "dates not increasing",
        ),
        (
            [("a", "2020-03-02", "add", "", ""), ("a", "2020-03-02", "change", "", "")],
            "dates not increasing",
        ),
        (
            [("a", "2020-03-02", "add", "", ""), ("a", "2020-05-04", "add", "", "")],
            "two adds",
        ),
        (
            [("a", "2020-03-02", "change", "", ""), ("a", "2020-05-04", "add", "", "")],
            "change before add",
        ),
        ([("a", "2020-03-02", "change", "", "")], "change before add"),
        ([("a", "2020-03-02", "add", "stage", "洽谈")], "last state ≠ final row (stage"),
        (
            [("a", "2020-03-02", "add", "", ""), ("a", "2020-05-04", "change", "amount", "250")],
            "last state ≠ final row (amount 250 ≠ 300)",
        ),
    ],
)
def test_replay_refuses_an_inconsistent_history(rows: list, problem: str) -> None:
    history = _history(*rows, source="data/history/sample.csv")
    with pytest.raises(ValueError, match=r"data/history/sample\.csv") as error:
        replay(FINAL, history, "uid", KINDS)
    assert problem in str(error.value)
    assert "uid " in str(error.value)
