"""The visit store in PostGIS, for a shared deployment: the same `VisitStore`, server-side.

One transaction per import; `INSERT … ON CONFLICT DO NOTHING` on (target, team, minute), so
concurrent imports from several app processes keep every record and report repeats as
duplicates.  Visit points are PostGIS geometries (EPSG:4326) with a spatial index.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import AbstractContextManager
from datetime import UTC

import pandas as pd
import psycopg
from psycopg import sql

from fieldwork.visits import (
    IMPORT_COLUMNS,
    VISIT_COLUMNS,
    ImportRecord,
    ImportResult,
    Visit,
    typed_frame,
)
from geo.errors import DataError
from geo.postgis import connected, place, redacted

__all__ = ["PostgisVisitStore"]

SCHEMA_LOCK = 7_204_117  # pg_advisory_xact_lock key: one process creates the tables
SCHEMA = """
CREATE EXTENSION IF NOT EXISTS postgis;
CREATE TABLE IF NOT EXISTS atlas_imports (
    id BIGSERIAL PRIMARY KEY,
    file_name TEXT NOT NULL,
    team TEXT NOT NULL,
    username TEXT NOT NULL DEFAULT '',
    townships TEXT NOT NULL DEFAULT '',
    datum TEXT NOT NULL,
    points INTEGER NOT NULL,
    recorded INTEGER NOT NULL DEFAULT 0,
    duplicates INTEGER NOT NULL DEFAULT 0,
    imported_at TIMESTAMPTZ NOT NULL
);
CREATE TABLE IF NOT EXISTS atlas_visits (
    id BIGSERIAL PRIMARY KEY,
    import_id BIGINT NOT NULL REFERENCES atlas_imports(id),
    target_layer TEXT NOT NULL,
    target_uid TEXT NOT NULL,
    visited_at TIMESTAMPTZ NOT NULL,
    visited_minute TIMESTAMPTZ NOT NULL,
    team TEXT NOT NULL,
    note TEXT NOT NULL,
    lon DOUBLE PRECISION NOT NULL,
    lat DOUBLE PRECISION NOT NULL,
    distance_m DOUBLE PRECISION NOT NULL,
    source_row TEXT NOT NULL,
    geom geometry(Point, 4326) NOT NULL,
    CONSTRAINT atlas_visits_once_per_minute UNIQUE (target_layer, target_uid, team, visited_minute)
);
CREATE INDEX IF NOT EXISTS atlas_visits_geom ON atlas_visits USING GIST (geom);
CREATE INDEX IF NOT EXISTS atlas_visits_target ON atlas_visits (target_layer, target_uid, visited_at);
"""
# Columns added since the tables were first made, and how the owner adds them to an older
# database (`make shared`'s set-up): an earlier import knows neither importer nor townships.
ADDED_COLUMNS = {
    "atlas_imports": {
        "username": "TEXT NOT NULL DEFAULT ''",
        "townships": "TEXT NOT NULL DEFAULT ''",
    },
}
_INSERT_VISIT = """
INSERT INTO atlas_visits (import_id, target_layer, target_uid, visited_at, visited_minute, team,
    note, lon, lat, distance_m, source_row, geom)
VALUES (%s, %s, %s, %s, date_trunc('minute', %s::timestamptz AT TIME ZONE 'UTC') AT TIME ZONE 'UTC',
    %s, %s, %s, %s, %s, %s, ST_SetSRID(ST_MakePoint(%s, %s), 4326))
ON CONFLICT ON CONSTRAINT atlas_visits_once_per_minute DO NOTHING
"""


class PostgisVisitStore:
    """A `VisitStore` in a PostGIS database shared by every app process."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.name = redacted(url)
        self.place = place(url)  # shown to people: database and host only
        with self._connection() as connection, connection.transaction():
            connection.execute("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK,))
            # Only the tables' owner creates or changes them; the app's role (shared
            # deployment) may not, and finds them made by the set-up.
            owner = connection.execute(
                "SELECT tableowner FROM pg_tables WHERE schemaname = current_schema()"
                " AND tablename = 'atlas_visits'"
            ).fetchone()
            if owner is None or owner[0] == connection.info.user:
                connection.execute(SCHEMA)
                _add_missing_columns(connection)
            missing = _missing_columns(connection)
        if missing:  # the app's role finds tables the set-up has not migrated: say so plainly
            raise DataError(
                self.place,
                f"the visit tables predate this version of the atlas ({', '.join(missing)}"
                " missing): run the set-up (`make shared`) again, which adds them as the"
                " tables' owner",
            )

    def __repr__(self) -> str:
        return f"PostgisVisitStore({self.name!r})"

    def record_import(self, record: ImportRecord, visits: Iterable[Visit]) -> ImportResult:
        """Store one import and its visits in one transaction; skip visits already stored."""
        recorded: list[Visit] = []
        duplicates: list[Visit] = []
        with self._connection() as connection, connection.transaction():
            import_id = connection.execute(
                "INSERT INTO atlas_imports (file_name, team, username, townships, datum, points,"
                " imported_at) VALUES (%s, %s, %s, %s, %s, %s, %s) RETURNING id",
                (
                    record.file_name,
                    record.team,
                    record.username,
                    record.township_text,
                    record.datum,
                    int(record.points),
                    record.imported_at,
                ),
            ).fetchone()[0]
            for visit in visits:
                cursor = connection.execute(_INSERT_VISIT, _visit_row(import_id, visit))
                (recorded if cursor.rowcount == 1 else duplicates).append(visit)
            connection.execute(
                "UPDATE atlas_imports SET recorded = %s, duplicates = %s WHERE id = %s",
                (len(recorded), len(duplicates), import_id),
            )
        return ImportResult(int(import_id), tuple(recorded), tuple(duplicates))

    def visits(self, target_layer: str | None = None) -> pd.DataFrame:
        """Stored visits (of one layer, or all), ordered by time of visit."""
        rows = self._read(
            "SELECT import_id, target_layer, target_uid, visited_at, team, note, lon, lat,"
            " distance_m, source_row FROM atlas_visits"
            " WHERE %s::text IS NULL OR target_layer = %s ORDER BY visited_at, id",
            (target_layer, target_layer),
        )
        return typed_frame(rows, VISIT_COLUMNS)

    def imports(self) -> pd.DataFrame:
        """Every import with its counts, oldest first."""
        rows = self._read(
            "SELECT id, file_name, team, username, townships, datum, points, recorded,"
            " duplicates, imported_at FROM atlas_imports ORDER BY id"
        )
        return typed_frame(rows, IMPORT_COLUMNS)

    def _read(self, query: str, parameters: tuple = ()) -> list[tuple]:
        with self._connection() as connection:
            return connection.execute(query, parameters).fetchall()

    def _connection(self) -> AbstractContextManager[psycopg.Connection]:
        return connected(self.url, self.name)


def _missing_columns(connection: psycopg.Connection) -> list[str]:
    """The added columns (as table.column) an older database lacks."""
    missing = []
    for table, columns in ADDED_COLUMNS.items():
        present = {
            row[0]
            for row in connection.execute(
                "SELECT attname FROM pg_attribute WHERE attrelid = to_regclass(%s)"
                " AND attnum > 0 AND NOT attisdropped",
                (table,),
            )
        }
        missing += [f"{table}.{column}" for column in columns if column not in present]
    return missing


def _add_missing_columns(connection: psycopg.Connection) -> None:
    """As the tables' owner: add the columns an older database lacks (no lock when none)."""
    for name in _missing_columns(connection):
        table, column = name.split(".")
        connection.execute(
            sql.SQL("ALTER TABLE {} ADD COLUMN IF NOT EXISTS {} {}").format(
                sql.Identifier(table),
                sql.Identifier(column),
                sql.SQL(ADDED_COLUMNS[table][column]),
            )
        )


def _visit_row(import_id: int, visit: Visit) -> tuple:
    at = visit.visited_at.astimezone(UTC)
    return (
        import_id,
        visit.target_layer,
        visit.target_uid,
        at,
        at,
        visit.team,
        visit.note,
        float(visit.lon),
        float(visit.lat),
        float(visit.distance_m),
        visit.source_row,
        float(visit.lon),
        float(visit.lat),
    )
