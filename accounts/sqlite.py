"""The account store in a SQLite file, beside the field-visits database on one machine.

Every app process on the machine opens the same file (WAL journal, 30 s busy timeout), so a
session revoked through one is revoked for all. The log is append-only: triggers refuse
updates and deletes.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import UTC, datetime
from pathlib import Path

from accounts.records import EVENTS
from accounts.sql import SqlAccountStore, utc
from geo.errors import DataError

__all__ = ["FILE_NAME", "SqliteAccountStore"]

FILE_NAME = "accounts.sqlite"
BUSY_TIMEOUT_S = 30
_EVENT_LIST = ", ".join(f"'{event}'" for event in EVENTS)
SCHEMA = f"""
CREATE TABLE IF NOT EXISTS atlas_sessions (
    key TEXT PRIMARY KEY,
    username TEXT NOT NULL,
    address TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    revoked_at TEXT,
    revoked_by TEXT
);
CREATE INDEX IF NOT EXISTS atlas_sessions_user ON atlas_sessions (username);
CREATE TABLE IF NOT EXISTS atlas_signin_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    event TEXT NOT NULL CHECK (event IN ({_EVENT_LIST})),
    username TEXT NOT NULL,
    address TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS atlas_signin_log_user ON atlas_signin_log (username, at);
CREATE INDEX IF NOT EXISTS atlas_signin_log_address ON atlas_signin_log (address, at);
CREATE TRIGGER IF NOT EXISTS atlas_signin_log_no_update BEFORE UPDATE ON atlas_signin_log
BEGIN SELECT RAISE(ABORT, 'the sign-in log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS atlas_signin_log_no_delete BEFORE DELETE ON atlas_signin_log
BEGIN SELECT RAISE(ABORT, 'the sign-in log is append-only'); END;
"""


class SqliteAccountStore(SqlAccountStore):
    """Sessions and the sign-in log in one SQLite file (created with its tables on first use)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with closing(self._connect()) as connection:
                connection.execute("PRAGMA journal_mode=WAL")
                connection.executescript(SCHEMA)
        except (OSError, sqlite3.DatabaseError) as error:
            raise DataError(self.path, f"cannot open the sign-in store ({error})") from error

    def __repr__(self) -> str:
        return f"SqliteAccountStore({str(self.path)!r})"

    def _query(self, statement: str, parameters: tuple = ()) -> list[tuple]:
        with self._connection() as connection:
            return connection.execute(statement.replace("%s", "?"), parameters).fetchall()

    def _execute(self, statement: str, parameters: tuple = ()) -> int:
        with self._connection() as connection:
            return connection.execute(statement.replace("%s", "?"), parameters).rowcount

    def _to_db(self, moment: datetime) -> object:
        # One fixed format, so that text order is time order.
        return utc(moment).isoformat(timespec="microseconds")

    def _from_db(self, value: object) -> datetime:
        return datetime.fromisoformat(str(value)).astimezone(UTC)

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        with closing(self._connect()) as connection:
            yield connection
