"""The visit stores, SQLite and PostGIS, held to one contract: whole imports, duplicates,
crashes and concurrent writers."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pandas as pd
import pytest

from fieldwork.postgis_store import PostgisVisitStore
from fieldwork.store import (
    SqliteVisitStore,
    open_visit_store,
)
from fieldwork.visits import ImportRecord, Visit, VisitStore
from tests.fieldwork.visit_cases import REPO_ROOT, START, make_record, make_visit, many_visits

UTC_PLUS_8 = timezone(timedelta(hours=8))
VISIT_COLUMNS = [
    "import_id",
    "target_layer",
    "target_uid",
    "visited_at",
    "team",
    "note",
    "lon",
    "lat",
    "distance_m",
    "source_row",
]
IMPORT_COLUMNS = [
    "import_id",
    "file_name",
    "team",
    "username",
    "townships",
    "datum",
    "points",
    "recorded",
    "duplicates",
    "imported_at",
]

# Run in a child process: import `count` visits of `team` into the store `target` (a file or a
# database URL), waiting for a start file in `sync` (after printing "ready") and optionally
# dying with os._exit(1) after `crash_after` visits.
WORKER = """
import os, sys, time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from fieldwork.visits import ImportRecord, Visit
from fieldwork.store import open_visit_store

target, team, count, crash_after, sync = sys.argv[1:6]
count, crash_after = int(count), int(crash_after)
print("ready", flush=True)
deadline = time.monotonic() + 15
while not (Path(sync) / "start").exists():
    if time.monotonic() > deadline:
        sys.exit("start file never appeared")
    time.sleep(0.001)
store = open_visit_store(target)

def visits():
    for i in range(count):
        if i == crash_after:
            (Path(sync) / "crashing").touch()
            os._exit(1)
        when = datetime(2026, 5, 1, tzinfo=UTC) + timedelta(minutes=i)
        yield Visit("villages", f"{team}-{i}", when, team, "", 120.5, 41.5, 1.0, f"row {i + 1}")

store.record_import(ImportRecord(team + ".csv", team, "WGS84", count, datetime.now(UTC)), visits())
"""


def stored_visits(frame: pd.DataFrame) -> list[Visit]:
    """The rows of visits() rebuilt as Visit objects."""
    names = [field.name for field in dataclasses.fields(Visit)]
    return [Visit(**{name: row[name] for name in names}) for _, row in frame.iterrows()]


def run_worker(
    target: str, sync: Path, team: str, count: int, crash_after: int = -1
) -> subprocess.Popen:
    """Start WORKER in a child process that waits for `sync`/start before importing."""
    arguments = [target, team, str(count), str(crash_after), str(sync)]
    return subprocess.Popen(
        [sys.executable, "-c", WORKER, *arguments],
        cwd=REPO_ROOT,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def start_workers(sync: Path, workers: list[subprocess.Popen]) -> None:
    """Release workers together once every one of them is ready, then wait for them."""
    for worker in workers:
        assert worker.stdout.readline().strip() == "ready", worker.stderr.read()
    (sync / "start").touch()
    for worker in workers:
        worker.wait(timeout=60)


@pytest.fixture(params=["sqlite", "postgis"])
def target(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where a store lives: a new SQLite file, or a new database on the real PostGIS server."""
    if request.param == "sqlite":
        return str(tmp_path / "field" / "visits.sqlite")
    return request.getfixturevalue("postgis_url")


@pytest.fixture
def store(target: str) -> VisitStore:
    return open_visit_store(target)


@pytest.fixture
def sync(tmp_path: Path) -> Path:
    folder = tmp_path / "sync"
    folder.mkdir()
    return folder


def test_store_is_a_visit_store(store: VisitStore, target: str) -> None:
    assert isinstance(store, VisitStore)
    expected = SqliteVisitStore if not target.startswith("postgresql") else PostgisVisitStore
    assert isinstance(store, expected)


def test_empty_store_gives_empty_frames_with_columns(store: VisitStore) -> None:
    visits, imports = store.visits(), store.imports()
    assert list(visits.columns) == VISIT_COLUMNS and visits.empty
    assert list(imports.columns) == IMPORT_COLUMNS and imports.empty
    assert str(visits["visited_at"].dtype) == "datetime64[ns, UTC]"
    assert str(imports["imported_at"].dtype) == "datetime64[ns, UTC]"


def test_round_trip_keeps_values_and_instants(store: VisitStore) -> None:
    in_beijing_time = datetime(2026, 5, 1, 17, 30, 15, 123456, tzinfo=UTC_PLUS_8)
    visits = [
        make_visit("v2", minutes=90, note="门前有积水", distance_m=3.25, source_row="row 3"),
        make_visit("v1", visited_at=in_beijing_time, lon=120.4512345, lat=41.5678901),
        Visit("households", "h7", START, "B", "入户", 120.6, 41.7, 0.0, "waypoint 2"),
    ]
    record = ImportRecord(
        "王队.gpx",
        "A",
        "GCJ02",
        4,
        datetime(2026, 5, 2, 20, 0, tzinfo=UTC_PLUS_8),
        username="li",
        townships=("211302205", "211302101", "211302205"),
    )

    result = store.record_import(record, visits)

    assert result.recorded == tuple(visits) and result.duplicates == ()
    frame = store.visits()
    assert list(frame.columns) == VISIT_COLUMNS
    assert str(frame["visited_at"].dtype) == "datetime64[ns, UTC]"
    assert (frame["import_id"] == result.import_id).all()
    assert list(frame["target_uid"]) == ["h7", "v1", "v2"]  # ordered by visited_at
    assert stored_visits(frame) == [visits[2], visits[1], visits[0]]
    beijing_row = frame.iloc[1]["visited_at"]
    assert beijing_row == pd.Timestamp("2026-05-01 09:30:15.123456", tz="UTC")
    assert str(beijing_row.tz) == "UTC"
    assert list(store.visits("households")["target_uid"]) == ["h7"]
    assert store.visits("roads").empty

    imports = store.imports()
    assert list(imports.columns) == IMPORT_COLUMNS
    assert imports.to_dict("records") == [
        {
            "import_id": result.import_id,
            "file_name": "王队.gpx",
            "team": "A",
            "username": "li",
            "townships": "211302101,211302205",  # sorted, each once
            "datum": "GCJ02",
            "points": 4,
            "recorded": 3,
            "duplicates": 0,
            "imported_at": pd.Timestamp("2026-05-02 12:00", tz="UTC"),
        }
    ]


def test_duplicates_are_reported_and_not_stored_twice(store: VisitStore) -> None:
    first = make_visit("v1", minutes=0)
    store.record_import(make_record(), [first])
    same_minute = make_visit("v1", minutes=0.5, note="second check-in")
    same_instant_in_utc8 = make_visit("v1", visited_at=START.astimezone(UTC_PLUS_8))
    other_team = make_visit("v1", team="B")
    other_minute = make_visit("v1", minutes=1)
    inside_this_import = make_visit("v1", minutes=1.25)

    result = store.record_import(
        make_record(points=5),
        [same_minute, other_team, other_minute, same_instant_in_utc8, inside_this_import],
    )

    assert result.recorded == (other_team, other_minute)
    assert result.duplicates == (same_minute, same_instant_in_utc8, inside_this_import)
    frame = store.visits()
    assert len(frame) == 3
    assert list(zip(frame["team"], frame["visited_at"], strict=True)) == [
        ("A", pd.Timestamp(START)),
        ("B", pd.Timestamp(START)),
        ("A", pd.Timestamp(START + timedelta(minutes=1))),
    ]
    assert list(store.imports()["recorded"]) == [1, 2]
    assert list(store.imports()["duplicates"]) == [0, 3]


def test_failure_mid_import_leaves_store_as_it_was(store: VisitStore) -> None:
    store.record_import(make_record(points=3), many_visits(3, prefix="earlier"))
    visits_before, imports_before = store.visits(), store.imports()

    def failing_after_50() -> Iterator[Visit]:
        yield from many_visits(50)
        raise RuntimeError("reader failed at point 51")

    with pytest.raises(RuntimeError, match="point 51"):
        store.record_import(make_record(points=100), failing_after_50())

    pd.testing.assert_frame_equal(store.visits(), visits_before)
    pd.testing.assert_frame_equal(store.imports(), imports_before)
    later = store.record_import(make_record(points=50), many_visits(50))
    assert len(later.recorded) == 50
    assert len(store.visits()) == 53 and len(store.imports()) == 2


def test_crash_mid_import_leaves_store_as_it_was(
    store: VisitStore, target: str, sync: Path
) -> None:
    store.record_import(make_record(points=3), many_visits(3, prefix="earlier"))
    visits_before, imports_before = store.visits(), store.imports()

    worker = run_worker(target, sync, "crashing", count=200, crash_after=100)
    start_workers(sync, [worker])

    assert worker.returncode == 1, worker.stderr.read()
    assert (sync / "crashing").exists()  # it died inside the import
    reopened = open_visit_store(target)
    pd.testing.assert_frame_equal(reopened.visits(), visits_before)
    pd.testing.assert_frame_equal(reopened.imports(), imports_before)
    assert len(reopened.record_import(make_record(), many_visits(10)).recorded) == 10


@pytest.mark.parametrize("store_exists", [True, False], ids=["existing store", "new store"])
def test_concurrent_importers_both_keep_their_visits(
    target: str, sync: Path, store_exists: bool
) -> None:
    if store_exists:
        open_visit_store(target)
    elif not target.startswith("postgresql"):
        Path(target).parent.mkdir()
    workers = [run_worker(target, sync, team, count=300) for team in ("A", "B")]

    start_workers(sync, workers)

    for worker in workers:
        assert worker.returncode == 0, worker.stderr.read()
    store = open_visit_store(target)
    visits = store.visits()
    assert len(visits) == 600
    expected = {(team, f"{team}-{i}") for team in ("A", "B") for i in range(300)}
    assert set(zip(visits["team"], visits["target_uid"], strict=True)) == expected
    imports = store.imports()
    assert sorted(imports["team"]) == ["A", "B"]
    assert list(imports["recorded"]) == [300, 300]


def test_each_import_keeps_who_made_it_and_its_townships(store: VisitStore) -> None:
    laptop = store.record_import(make_record(), [make_visit("v1")])
    field = store.record_import(
        ImportRecord("b.csv", "B", "WGS84", 1, START, username="li", townships=("211302205",)),
        [make_visit("v2")],
    )

    imports = store.imports().set_index("import_id")
    assert imports.loc[laptop.import_id, ["username", "townships"]].tolist() == ["", ""]
    assert imports.loc[field.import_id, ["username", "townships"]].tolist() == ["li", "211302205"]
