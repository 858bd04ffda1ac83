"""The account store in PostGIS, for a shared deployment: every replica sees every session.

The deployment's owner role runs `prepare(connection, app_role)` (scripts/shared_setup.py):
it creates the two tables and grants the app role only what signing in needs. The app itself
never creates anything here; `PostgisAccountStore` refuses to start without the tables.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from datetime import UTC, datetime

import psycopg
from psycopg import sql

from accounts.records import EVENTS
from accounts.sql import SqlAccountStore, utc
from geo.errors import DataError
from geo.postgis import connected, redacted

__all__ = ["TABLES", "PostgisAccountStore", "prepare"]

TABLES = ("atlas_sessions", "atlas_signin_log")
SCHEMA_LOCK = 7_204_118  # pg_advisory_xact_lock key: one process prepares the tables
_EVENT_LIST = ", ".join(f"'{event}'" for event in EVENTS)
SCHEMA = f"""
CREATE TABLE IF NOT EXISTS atlas_sessions (
    key TEXT PRIMARY KEY,
    username TEXT NOT NULL,
    address TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    revoked_at TIMESTAMPTZ,
    revoked_by TEXT
);
CREATE INDEX IF NOT EXISTS atlas_sessions_user ON atlas_sessions (username);
CREATE TABLE IF NOT EXISTS atlas_signin_log (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at TIMESTAMPTZ NOT NULL,
    event TEXT NOT NULL CHECK (event IN ({_EVENT_LIST})),
    username TEXT NOT NULL,
    address TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS atlas_signin_log_user ON atlas_signin_log (username, at);
CREATE INDEX IF NOT EXISTS atlas_signin_log_address ON atlas_signin_log (address, at);
"""
# Exactly what the app does: open, read and revoke sessions; append to and read the log.
GRANTS = {
    "atlas_sessions": ("SELECT", "INSERT", "UPDATE"),
    "atlas_signin_log": ("SELECT", "INSERT"),
}


def prepare(connection: psycopg.Connection, app_role: str) -> None:
    """Create the sign-in tables if missing and grant `app_role` exactly what the app needs.

    Idempotent: run it at every set-up. Earlier grants to `app_role` on these tables are
    revoked first, so the role ends with SELECT/INSERT/UPDATE on the sessions and SELECT/INSERT
    on the log (no DELETE anywhere, no UPDATE of the log). When `app_role` owns the tables
    (a one-role set-up) nothing is granted: an owner has every right anyway.
    """
    role = sql.Identifier(app_role)
    with connection.transaction():
        connection.execute("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK,))
        connection.execute(SCHEMA)
        owner = connection.execute(
            "SELECT tableowner FROM pg_tables WHERE schemaname = current_schema()"
            " AND tablename = 'atlas_sessions'"
        ).fetchone()
        if owner is not None and owner[0] == app_role:
            return
        connection.execute(
            sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(
                sql.Identifier(connection.execute("SELECT current_schema()").fetchone()[0]), role
            )
        )
        for table, rights in GRANTS.items():
            connection.execute(
                sql.SQL("REVOKE ALL ON {} FROM {}").format(sql.Identifier(table), role)
            )
            connection.execute(
                sql.SQL("GRANT {} ON {} TO {}").format(
                    sql.SQL(", ").join(sql.SQL(right) for right in rights),
                    sql.Identifier(table),
                    role,
                )
            )


class PostgisAccountStore(SqlAccountStore):
    """Sessions and the sign-in log in the deployment's PostGIS database."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.name = redacted(url)
        found = self._query(
            "SELECT count(*) FROM unnest(%s::text[]) AS t(name) WHERE to_regclass(name) IS NOT NULL",
            (list(TABLES),),
        )[0][0]
        if found != len(TABLES):
            raise DataError(
                self.name,
                "the sign-in tables are missing: the database owner prepares them "
                "(scripts/shared_setup.py, or accounts.postgis.prepare)",
            )

    def __repr__(self) -> str:
        return f"PostgisAccountStore({self.name!r})"

    def _query(self, statement: str, parameters: tuple = ()) -> list[tuple]:
        with self._connection() as connection:
            return connection.execute(statement, parameters).fetchall()

    def _execute(self, statement: str, parameters: tuple = ()) -> int:
        with self._connection() as connection:
            return connection.execute(statement, parameters).rowcount

    def _to_db(self, moment: datetime) -> object:
        return utc(moment)

    def _from_db(self, value: object) -> datetime:
        assert isinstance(value, datetime)
        return value.astimezone(UTC)

    def _connection(self) -> AbstractContextManager[psycopg.Connection]:
        return connected(self.url, self.name)


def main(argv: list[str] | None = None) -> None:
    """`python -m accounts.postgis APP_ROLE`: prepare the tables in $ATLAS_DATABASE_URL, run as
    the database owner (for a set-up by hand; scripts/shared_setup.py calls `prepare` itself)."""
    import argparse
    import os

    from geo.postgis import DATABASE_URL_ENV

    parser = argparse.ArgumentParser(description=main.__doc__.splitlines()[0])
    parser.add_argument("app_role", help="the role the app connects as")
    args = parser.parse_args(argv)
    url = os.environ.get(DATABASE_URL_ENV)
    if not url:
        parser.error(f"set {DATABASE_URL_ENV} to the database (connecting as its owner)")
    with psycopg.connect(url, autocommit=True) as connection:
        prepare(connection, args.app_role)
    print(f"sign-in tables ready in {redacted(url)} for role {args.app_role}")


if __name__ == "__main__":
    main()
