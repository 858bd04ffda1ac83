"""Visits recorded by field teams, kept in an embedded SQLite file (or PostGIS when configured).

`SqliteVisitStore` implements `fieldwork.visits.VisitStore` with one file (WAL journal, one
transaction per import); `open_visit_store` picks the store the server's settings name.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import closing, contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from fieldwork.visits import (
    IMPORT_COLUMNS,
    VISIT_COLUMNS,
    ImportRecord,
    ImportResult,
    Visit,
    VisitStore,
    typed_frame,
)
from geo.errors import DataError
from geo.postgis import DATABASE_URL_ENV

__all__ = [
    "DATABASE_URL_ENV",
    "DEFAULT_VISITS_DB",
    "VISITS_DB_ENV",
    "SqliteVisitStore",
    "open_visit_store",
]

VISITS_DB_ENV = "ATLAS_VISITS_DB"
DEFAULT_VISITS_DB = Path(__file__).resolve().parents[1] / "data" / "field" / "visits.sqlite"

SCHEMA_VERSION = 2  # 2: imports record who made them and for which townships (issue 17)
BUSY_TIMEOUT_S = 30
SCHEMA = f"""
CREATE TABLE imports (
    id INTEGER PRIMARY KEY,
    file_name TEXT NOT NULL,
    team TEXT NOT NULL,
    username TEXT NOT NULL DEFAULT '',
    townships TEXT NOT NULL DEFAULT '',
    datum TEXT NOT NULL,
    points INTEGER NOT NULL,
    recorded INTEGER NOT NULL DEFAULT 0,
    duplicates INTEGER NOT NULL DEFAULT 0,
    imported_at TEXT NOT NULL
);
CREATE TABLE visits (
    id INTEGER PRIMARY KEY,
    import_id INTEGER NOT NULL REFERENCES imports(id),
    target_layer TEXT NOT NULL,
    target_uid TEXT NOT NULL,
    visited_at TEXT NOT NULL,
    visited_minute TEXT NOT NULL,
    team TEXT NOT NULL,
    note TEXT NOT NULL,
    lon REAL NOT NULL,
    lat REAL NOT NULL,
    distance_m REAL NOT NULL,
    source_row TEXT NOT NULL
);
CREATE UNIQUE INDEX visits_once_per_minute
    ON visits (target_layer, target_uid, team, visited_minute);
CREATE INDEX visits_by_import ON visits (import_id);
PRAGMA user_version = {SCHEMA_VERSION};
"""
# Version 1 → 2: an import made before knows neither its importer nor its townships (blank:
# a field team sees it only when it lies in its townships, so never).
MIGRATIONS = {
    1: """
ALTER TABLE imports ADD COLUMN username TEXT NOT NULL DEFAULT '';
ALTER TABLE imports ADD COLUMN townships TEXT NOT NULL DEFAULT '';
PRAGMA user_version = 2;
""",
}
EXPECTED_COLUMNS = {
    "imports": (
        "id",
        "file_name",
        "team",
        "username",
        "townships",
        "datum",
        "points",
        "recorded",
        "duplicates",
        "imported_at",
    ),
    "visits": (
        "id",
        "import_id",
        "target_layer",
        "target_uid",
        "visited_at",
        "visited_minute",
        "team",
        "note",
        "lon",
        "lat",
        "distance_m",
        "source_row",
    ),
}
UNIQUE_INDEX = "visits_once_per_minute"


def _utc_text(value: datetime) -> str:
    """An aware datetime as ISO 8601 UTC text of fixed width (sorts as it compares)."""
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def _utc_minute(value: datetime) -> str:
    """The UTC minute of an aware datetime as text: the granularity of duplicates."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%MZ")


@contextmanager
def _immediate(connection: sqlite3.Connection) -> Iterator[None]:
    """One write transaction: BEGIN IMMEDIATE, COMMIT on success, ROLLBACK on any error."""
    connection.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")


class SqliteVisitStore:
    """A `VisitStore` in one SQLite file: WAL journal, one transaction per import."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._sqlite_errors(), closing(self._connect(create=True)) as connection:
            if self._is_blank(connection):
                self._create_schema(connection)
            self._migrate(connection)
            self._check_schema(connection)
            connection.execute("PRAGMA journal_mode=WAL")

    def __repr__(self) -> str:
        return f"SqliteVisitStore({str(self.path)!r})"

    def record_import(self, record: ImportRecord, visits: Iterable[Visit]) -> ImportResult:
        """Store one import and its visits in one transaction; skip visits already stored."""
        recorded: list[Visit] = []
        duplicates: list[Visit] = []
        with self._transaction() as connection:
            import_id = self._insert_import(connection, record)
            for visit in visits:
                stored = self._insert_visit(connection, import_id, visit)
                (recorded if stored else duplicates).append(visit)
            connection.execute(
                "UPDATE imports SET recorded = ?, duplicates = ? WHERE id = ?",
                (len(recorded), len(duplicates), import_id),
            )
        return ImportResult(import_id, tuple(recorded), tuple(duplicates))

    def visits(self, target_layer: str | None = None) -> pd.DataFrame:
        """Stored visits (of one layer, or all), ordered by time of visit."""
        query = (
            "SELECT import_id, target_layer, target_uid, visited_at, team, note,"
            " lon, lat, distance_m, source_row FROM visits"
            " WHERE ? IS NULL OR target_layer = ? ORDER BY visited_at, id"
        )
        return typed_frame(self._read(query, (target_layer, target_layer)), VISIT_COLUMNS)

    def imports(self) -> pd.DataFrame:
        """Every import with its counts, oldest first."""
        query = (
            "SELECT id, file_name, team, username, townships, datum, points, recorded,"
            " duplicates, imported_at FROM imports ORDER BY id"
        )
        return typed_frame(self._read(query), IMPORT_COLUMNS)

    @staticmethod
    def _insert_import(connection: sqlite3.Connection, record: ImportRecord) -> int:
        """Insert the import row (counts filled in at the end) and return its id."""
        cursor = connection.execute(
            "INSERT INTO imports (file_name, team, username, townships, datum, points,"
            " imported_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                record.file_name,
                record.team,
                record.username,
                record.township_text,
                record.datum,
                int(record.points),
                _utc_text(record.imported_at),
            ),
        )
        return int(cursor.lastrowid)

    @staticmethod
    def _insert_visit(connection: sqlite3.Connection, import_id: int, visit: Visit) -> bool:
        """Insert one visit unless the store holds its target, team and minute; True if stored."""
        cursor = connection.execute(
            "INSERT OR IGNORE INTO visits (import_id, target_layer, target_uid, visited_at,"
            " visited_minute, team, note, lon, lat, distance_m, source_row)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                import_id,
                visit.target_layer,
                visit.target_uid,
                _utc_text(visit.visited_at),
                _utc_minute(visit.visited_at),
                visit.team,
                visit.note,
                float(visit.lon),
                float(visit.lat),
                float(visit.distance_m),
                visit.source_row,
            ),
        )
        return cursor.rowcount == 1

    def _read(self, query: str, parameters: tuple = ()) -> list[tuple]:
        """Rows of one query, read from one consistent snapshot."""
        with self._sqlite_errors(), closing(self._connect()) as connection:
            return connection.execute(query, parameters).fetchall()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """A connection inside BEGIN IMMEDIATE: committed on success, rolled back on any error."""
        with (
            self._sqlite_errors(),
            closing(self._connect()) as connection,
            _immediate(connection),
        ):
            yield connection

    def _connect(self, create: bool = False) -> sqlite3.Connection:
        """A new connection in autocommit mode (transactions are explicit), foreign keys on."""
        mode = "rwc" if create else "rw"
        connection = sqlite3.connect(
            f"{self.path.absolute().as_uri()}?mode={mode}",
            uri=True,
            timeout=BUSY_TIMEOUT_S,
            isolation_level=None,
        )
        connection.execute("PRAGMA foreign_keys=ON")
        return connection

    @staticmethod
    def _is_blank(connection: sqlite3.Connection) -> bool:
        """True for a new, empty database (no schema objects, version 0)."""
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        objects = connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        return version == 0 and objects == 0

    def _create_schema(self, connection: sqlite3.Connection) -> None:
        """Create the tables, unless another process did since the database was seen blank."""
        with _immediate(connection):
            if self._is_blank(connection):
                for statement in SCHEMA.split(";"):
                    if statement.strip():
                        connection.execute(statement)

    def _migrate(self, connection: sqlite3.Connection) -> None:
        """Bring a store of an older known version up to this one, one step per transaction
        (another process may have done it since: the version is read again inside)."""
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        while version in MIGRATIONS:
            with _immediate(connection):
                if connection.execute("PRAGMA user_version").fetchone()[0] == version:
                    try:
                        for statement in MIGRATIONS[version].split(";"):
                            if statement.strip():
                                connection.execute(statement)
                    except sqlite3.OperationalError as error:  # a version but not our tables
                        raise DataError(
                            self.path, f"cannot update the visit store ({error})"
                        ) from error
            version = connection.execute("PRAGMA user_version").fetchone()[0]

    def _check_schema(self, connection: sqlite3.Connection) -> None:
        """Raise DataError unless the database holds the visit store schema this code knows."""
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        if version == 0:
            raise DataError(self.path, "a SQLite database, but not a visit store")
        if version != SCHEMA_VERSION:
            raise DataError(
                self.path,
                f"not a visit store of schema version {SCHEMA_VERSION} (found version {version})",
            )
        for table, expected in EXPECTED_COLUMNS.items():
            rows = connection.execute(f"PRAGMA table_info({table})").fetchall()
            missing = [name for name in expected if name not in {row[1] for row in rows}]
            if missing:
                raise DataError(
                    self.path, f"visit store table {table!r} lacks columns {', '.join(missing)}"
                )
        index = connection.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?", (UNIQUE_INDEX,)
        ).fetchone()
        if index is None:
            raise DataError(self.path, f"visit store lacks its unique index {UNIQUE_INDEX!r}")

    @contextmanager
    def _sqlite_errors(self) -> Iterator[None]:
        """Turn SQLite's 'not a database' and 'cannot open' errors into DataError."""
        try:
            yield
        except sqlite3.DatabaseError as error:
            code = getattr(error, "sqlite_errorname", "")
            if code in {"SQLITE_NOTADB", "SQLITE_CORRUPT"}:
                raise DataError(self.path, f"not a SQLite database ({error})") from error
            if code.startswith("SQLITE_CANTOPEN"):
                raise DataError(self.path, f"cannot open the visit store ({error})") from error
            raise


def open_visit_store(path: Path | str | None = None) -> VisitStore:
    """The configured store: `path` (a file or a postgresql:// URL), else $ATLAS_DATABASE_URL,
    else $ATLAS_VISITS_DB, else DEFAULT_VISITS_DB."""
    configured = (
        path
        or os.environ.get(DATABASE_URL_ENV)
        or os.environ.get(VISITS_DB_ENV)
        or DEFAULT_VISITS_DB
    )
    if str(configured).startswith(("postgresql://", "postgres://")):
        from fieldwork.postgis_store import PostgisVisitStore  # only a shared deployment needs it

        return PostgisVisitStore(str(configured))
    return SqliteVisitStore(Path(configured).expanduser())
