"""Tests for fieldwork.store: visits in SQLite, whole imports, crashes and concurrent writers."""

from __future__ import annotations

import dataclasses
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pandas as pd
import pytest

from fieldwork.store import (
    DEFAULT_VISITS_DB,
    VISITS_DB_ENV,
    ImportRecord,
    SqliteVisitStore,
    Visit,
    VisitStore,
    open_visit_store,
)
from geo.errors import DataError

REPO_ROOT = Path(__file__).resolve().parents[2]
UTC_PLUS_8 = timezone(timedelta(hours=8))
START = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)
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
    "datum",
    "points",
    "recorded",
    "duplicates",
    "imported_at",
]

# Run in a child process: import `count` visits of `team`, optionally waiting for a start file
# (after printing "ready") and optionally dying with os._exit(1) after `crash_after` visits.
WORKER = """
import os, sys, time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from fieldwork.store import ImportRecord, SqliteVisitStore, Visit

db, team, count, crash_after, start_file = sys.argv[1:6]
count, crash_after = int(count), int(crash_after)
if start_file:
    print("ready", flush=True)
    deadline = time.monotonic() + 15
    while not Path(start_file).exists():
        if time.monotonic() > deadline:
            sys.exit("start file never appeared")
        time.sleep(0.001)
store = SqliteVisitStore(db)

def visits():
    for i in range(count):
        if i == crash_after:
            Path(db + ".crashing").touch()
            os._exit(1)
        when = datetime(2026, 5, 1, tzinfo=UTC) + timedelta(minutes=i)
        yield Visit("villages", f"{team}-{i}", when, team, "", 120.5, 41.5, 1.0, f"row {i + 1}")

store.record_import(ImportRecord(team + ".csv", team, "WGS84", count, datetime.now(UTC)), visits())
"""


def make_visit(uid: str = "v1", minutes: float = 0, team: str = "A", **changes: object) -> Visit:
    """A visit to village `uid` by `team`, `minutes` after START."""
    fields = {
        "target_layer": "villages",
        "target_uid": uid,
        "visited_at": START + timedelta(minutes=minutes),
        "team": team,
        "note": "",
        "lon": 120.5,
        "lat": 41.5,
        "distance_m": 10.0,
        "source_row": f"row {uid}",
    }
    return Visit(**{**fields, **changes})


def make_record(team: str = "A", points: int = 1, file_name: str = "checkins.csv") -> ImportRecord:
    """An import record of `points` points by `team`."""
    return ImportRecord(file_name, team, "WGS84", points, datetime(2026, 5, 2, 18, 0, tzinfo=UTC))


def many_visits(count: int, team: str = "A", prefix: str = "v") -> list[Visit]:
    """`count` distinct visits, one minute apart."""
    return [make_visit(f"{prefix}{i}", minutes=i, team=team) for i in range(count)]


def stored_visits(frame: pd.DataFrame) -> list[Visit]:
    """The rows of visits() rebuilt as Visit objects."""
    names = [field.name for field in dataclasses.fields(Visit)]
    return [Visit(**{name: row[name] for name in names}) for _, row in frame.iterrows()]


def run_worker(db: Path, team: str, count: int, crash_after: int = -1) -> subprocess.Popen:
    """Start WORKER in a child process that waits for `db`.start before importing."""
    arguments = [str(db), team, str(count), str(crash_after), str(db) + ".start"]
    return subprocess.Popen(
        [sys.executable, "-c", WORKER, *arguments],
        cwd=REPO_ROOT,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def start_workers(db: Path, workers: list[subprocess.Popen]) -> None:
    """Release workers together once every one of them is ready, then wait for them."""
    for worker in workers:
        assert worker.stdout.readline().strip() == "ready", worker.stderr.read()
    Path(str(db) + ".start").touch()
    for worker in workers:
        worker.wait(timeout=60)


@pytest.fixture
def store(tmp_path: Path) -> SqliteVisitStore:
    return SqliteVisitStore(tmp_path / "visits.sqlite")


def test_store_is_a_visit_store(store: SqliteVisitStore) -> None:
    assert isinstance(store, VisitStore)
    assert store.path.is_file()


def test_empty_store_gives_empty_frames_with_columns(store: SqliteVisitStore) -> None:
    visits, imports = store.visits(), store.imports()
    assert list(visits.columns) == VISIT_COLUMNS and visits.empty
    assert list(imports.columns) == IMPORT_COLUMNS and imports.empty
    assert str(visits["visited_at"].dtype) == "datetime64[ns, UTC]"
    assert str(imports["imported_at"].dtype) == "datetime64[ns, UTC]"


def test_round_trip_keeps_values_and_instants(store: SqliteVisitStore) -> None:
    in_beijing_time = datetime(2026, 5, 1, 17, 30, 15, 123456, tzinfo=UTC_PLUS_8)
    visits = [
        make_visit("v2", minutes=90, note="门前有积水", distance_m=3.25, source_row="row 3"),
        make_visit("v1", visited_at=in_beijing_time, lon=120.4512345, lat=41.5678901),
        Visit("households", "h7", START, "B", "入户", 120.6, 41.7, 0.0, "waypoint 2"),
    ]
    record = ImportRecord(
        "王队.gpx", "A", "GCJ02", 4, datetime(2026, 5, 2, 20, 0, tzinfo=UTC_PLUS_8)
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
            "datum": "GCJ02",
            "points": 4,
            "recorded": 3,
            "duplicates": 0,
            "imported_at": pd.Timestamp("2026-05-02 12:00", tz="UTC"),
        }
    ]


def test_duplicates_are_reported_and_not_stored_twice(store: SqliteVisitStore) -> None:
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


def test_failure_mid_import_leaves_store_as_it_was(store: SqliteVisitStore) -> None:
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


def test_crash_mid_import_leaves_store_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "visits.sqlite"
    store = SqliteVisitStore(path)
    store.record_import(make_record(points=3), many_visits(3, prefix="earlier"))
    visits_before, imports_before = store.visits(), store.imports()

    worker = run_worker(path, "crashing", count=200, crash_after=100)
    start_workers(path, [worker])

    assert worker.returncode == 1, worker.stderr.read()
    assert Path(str(path) + ".crashing").exists()  # it died inside the import
    reopened = SqliteVisitStore(path)
    pd.testing.assert_frame_equal(reopened.visits(), visits_before)
    pd.testing.assert_frame_equal(reopened.imports(), imports_before)
    assert len(reopened.record_import(make_record(), many_visits(10)).recorded) == 10


@pytest.mark.parametrize("store_exists", [True, False], ids=["existing store", "new file"])
def test_concurrent_importers_both_keep_their_visits(tmp_path: Path, store_exists: bool) -> None:
    path = tmp_path / "field" / "visits.sqlite"
    if store_exists:
        SqliteVisitStore(path)
    else:
        path.parent.mkdir()
    workers = [run_worker(path, team, count=300) for team in ("A", "B")]

    start_workers(path, workers)

    for worker in workers:
        assert worker.returncode == 0, worker.stderr.read()
    store = SqliteVisitStore(path)
    visits = store.visits()
    assert len(visits) == 600
    expected = {(team, f"{team}-{i}") for team in ("A", "B") for i in range(300)}
    assert set(zip(visits["team"], visits["target_uid"], strict=True)) == expected
    imports = store.imports()
    assert sorted(imports["team"]) == ["A", "B"]
    assert list(imports["recorded"]) == [300, 300]


def test_an_import_does_not_rewrite_the_file(store: SqliteVisitStore) -> None:
    store.record_import(make_record(points=20), many_visits(20, prefix="first"))
    inode_before = os.stat(store.path).st_ino
    first_visits = store.visits()

    store.record_import(make_record(points=20), many_visits(20, prefix="second"))

    assert os.stat(store.path).st_ino == inode_before
    after = store.visits()
    earlier_rows = after[after["import_id"] == first_visits["import_id"].iloc[0]]
    pd.testing.assert_frame_equal(earlier_rows.reset_index(drop=True), first_visits)
    assert len(after) == 40


def test_text_file_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "visits.sqlite"
    path.write_text("team,lon,lat\nA,120.5,41.5\n", encoding="utf-8")

    with pytest.raises(DataError, match="not a SQLite database") as raised:
        SqliteVisitStore(path)

    assert str(path) in str(raised.value)
    assert path.read_text(encoding="utf-8") == "team,lon,lat\nA,120.5,41.5\n"
    assert list(tmp_path.iterdir()) == [path]


def _other_database(path: Path) -> None:
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE households (id INTEGER, name TEXT)")


def _store_without_note(path: Path) -> None:
    SqliteVisitStore(path)
    with sqlite3.connect(path) as connection:
        connection.execute("ALTER TABLE visits DROP COLUMN note")


def _store_from_the_future(path: Path) -> None:
    SqliteVisitStore(path)
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA user_version = 2")


@pytest.mark.parametrize(
    ("make_database", "problem"),
    [
        (_other_database, "not a visit store"),
        (_store_without_note, "'visits' lacks columns note"),
        (_store_from_the_future, "found version 2"),
    ],
    ids=["other database", "missing column", "newer schema"],
)
def test_database_that_is_not_a_visit_store_is_refused(
    tmp_path: Path, make_database, problem: str
) -> None:
    path = tmp_path / "other.sqlite"
    make_database(path)
    size_before = path.stat().st_size

    with pytest.raises(DataError, match=problem) as raised:
        SqliteVisitStore(path)

    assert str(path) in str(raised.value)
    assert path.stat().st_size == size_before


def test_open_visit_store_follows_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    configured = tmp_path / "nested" / "field" / "visits.sqlite"
    monkeypatch.setenv(VISITS_DB_ENV, str(configured))

    store = open_visit_store()

    assert store.path == configured
    assert configured.is_file()
    explicit = open_visit_store(tmp_path / "explicit.sqlite")
    assert explicit.path == tmp_path / "explicit.sqlite"


def test_default_store_lies_under_data() -> None:
    assert DEFAULT_VISITS_DB == REPO_ROOT / "data" / "field" / "visits.sqlite"


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="visited_at"):
        make_visit(visited_at=datetime(2026, 5, 1, 9, 0))
    with pytest.raises(ValueError, match="imported_at"):
        ImportRecord("f.csv", "A", "WGS84", 1, datetime(2026, 5, 1, 9, 0))


def test_unknown_datum_is_refused() -> None:
    with pytest.raises(ValueError, match="datum"):
        ImportRecord("f.csv", "A", "CGCS2000", 1, START)
