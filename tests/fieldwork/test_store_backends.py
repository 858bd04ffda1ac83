"""What only the SQLite file has to get right, what only PostGIS has, which store opens,
and the visits and import records both refuse."""

from __future__ import annotations

import os
import sqlite3
from datetime import datetime
from pathlib import Path

import pandas as pd
import psycopg
import pytest

from fieldwork.postgis_store import PostgisVisitStore
from fieldwork.store import (
    DATABASE_URL_ENV,
    DEFAULT_VISITS_DB,
    VISITS_DB_ENV,
    SqliteVisitStore,
    open_visit_store,
)
from fieldwork.visits import ImportRecord
from geo.errors import DataError
from tests.fieldwork.visit_cases import REPO_ROOT, START, make_record, make_visit, many_visits


def test_an_import_does_not_rewrite_the_file(tmp_path: Path) -> None:
    store = SqliteVisitStore(tmp_path / "visits.sqlite")
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


def test_postgis_keeps_visit_points_as_indexed_geometry(postgis_url: str) -> None:
    store = open_visit_store(postgis_url)
    store.record_import(make_record(points=2), many_visits(2))
    with psycopg.connect(postgis_url) as connection:
        srid, kind = connection.execute(
            "SELECT DISTINCT ST_SRID(geom), GeometryType(geom) FROM atlas_visits"
        ).fetchone()
        indexes = {
            row[0]
            for row in connection.execute(
                "SELECT indexname FROM pg_indexes WHERE tablename = 'atlas_visits'"
            )
        }
    assert (srid, kind) == (4326, "POINT")
    assert "atlas_visits_geom" in indexes


def test_an_unreachable_database_is_named_without_its_password(tmp_path: Path) -> None:
    url = f"postgresql://atlas:secret@/nowhere?host={tmp_path}&port=1"
    with pytest.raises(DataError, match="cannot connect") as caught:
        open_visit_store(url)
    assert "secret" not in str(caught.value) and "dbname=nowhere" in str(caught.value)


def test_the_database_url_setting_moves_visits_to_postgis(
    postgis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(DATABASE_URL_ENV, postgis_url)
    assert isinstance(open_visit_store(), PostgisVisitStore)
