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
from scripts.shared.database import app_role_url, prepare_roles
from store.postgis import PostgisStore
from tests.fieldwork.visit_cases import REPO_ROOT, START, make_record, make_visit, many_visits
from tests.store.cases import TODAY, seed_layers


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
        connection.execute("PRAGMA user_version = 3")


@pytest.mark.parametrize(
    ("make_database", "problem"),
    [
        (_other_database, "not a visit store"),
        (_store_without_note, "'visits' lacks columns note"),
        (_store_from_the_future, "found version 3"),
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


# A visit store as version 1 made it (before imports knew their importer and townships).
_VERSION_1_IMPORTS = """
CREATE TABLE imports (id INTEGER PRIMARY KEY, file_name TEXT NOT NULL, team TEXT NOT NULL,
    datum TEXT NOT NULL, points INTEGER NOT NULL, recorded INTEGER NOT NULL DEFAULT 0,
    duplicates INTEGER NOT NULL DEFAULT 0, imported_at TEXT NOT NULL)
"""


def test_a_version_1_file_is_migrated_and_keeps_its_imports(tmp_path: Path) -> None:
    path = tmp_path / "visits.sqlite"
    SqliteVisitStore(path)
    with sqlite3.connect(path) as connection:  # back to version 1's imports table
        connection.execute("DROP TABLE imports")
        connection.execute(_VERSION_1_IMPORTS)
        connection.execute(
            "INSERT INTO imports (file_name, team, datum, points, imported_at)"
            " VALUES ('old.csv', 'A', 'WGS84', 3, '2026-05-01T09:00:00.000000+00:00')"
        )
        connection.execute("PRAGMA user_version = 1")

    store = SqliteVisitStore(path)

    imports = store.imports()
    assert imports[["file_name", "username", "townships"]].values.tolist() == [["old.csv", "", ""]]
    store.record_import(make_record(), many_visits(1))
    assert store.imports()["file_name"].tolist() == ["old.csv", "checkins.csv"]
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA user_version").fetchone()[0] == 2


def test_an_older_shared_database_is_refused_by_the_app_and_migrated_by_the_set_up(
    postgis_url: str,
) -> None:
    role = "atlas_app_older_visits"
    PostgisStore(postgis_url, today=lambda: TODAY).seed(seed_layers(), author="seed")  # layers
    app_url = app_role_url(postgis_url, "visits-secret", role=role)
    with psycopg.connect(postgis_url, autocommit=True) as connection:  # as made before the change
        connection.execute("ALTER TABLE atlas_imports DROP COLUMN username, DROP COLUMN townships")
        connection.execute(
            "INSERT INTO atlas_imports (file_name, team, datum, points, imported_at)"
            " VALUES ('old.csv', 'A', 'WGS84', 3, now())"
        )

    with pytest.raises(DataError, match=r"predate this version.*make shared") as refused:
        PostgisVisitStore(app_url)  # the app's role may not add the columns: a plain message
    assert "atlas_imports.username" in str(refused.value)
    assert "visits-secret" not in str(refused.value) and "host=" not in str(refused.value)

    prepare_roles(postgis_url, role)  # what `make shared`'s set-up runs, as the tables' owner

    store = PostgisVisitStore(app_url)
    record = ImportRecord(
        "new.csv", "B", "WGS84", 1, START, username="li", townships=("211302205",)
    )
    store.record_import(record, many_visits(1))
    imports = store.imports()
    assert imports[["file_name", "username", "townships"]].values.tolist() == [
        ["old.csv", "", ""],
        ["new.csv", "li", "211302205"],
    ]
