"""accounts.postgis.prepare on a real PostGIS: idempotent, and the app role gets exactly what
signing in needs (no DELETE, no UPDATE of the log, no CREATE); the store works as that role."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import psycopg
import pytest

from accounts.postgis import PostgisAccountStore, prepare
from geo.errors import DataError

NOW = datetime(2026, 12, 3, 6, 0, tzinfo=UTC)
APP_ROLE = "atlas_app_test"


@pytest.fixture
def owner_url(postgis_url: str) -> str:
    with psycopg.connect(postgis_url, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_roles WHERE rolname = %s", (APP_ROLE,)
        ).fetchone()
        if not exists:
            connection.execute(f"CREATE ROLE {APP_ROLE} LOGIN NOSUPERUSER")
    return postgis_url


def _as_app(url: str) -> str:
    return psycopg.conninfo.make_conninfo(url, user=APP_ROLE)


def test_the_app_refuses_to_start_without_the_tables(owner_url: str) -> None:
    with pytest.raises(DataError, match="sign-in tables are missing"):
        PostgisAccountStore(_as_app(owner_url))


def test_prepare_is_idempotent_and_grants_exactly_what_is_needed(owner_url: str) -> None:
    with psycopg.connect(owner_url) as connection:  # a transaction open, as a caller may have
        prepare(connection, APP_ROLE)
        prepare(connection, APP_ROLE)
    with psycopg.connect(owner_url, autocommit=True) as connection:
        connection.execute(f"GRANT DELETE ON atlas_signin_log TO {APP_ROLE}")  # a stray grant
        prepare(connection, APP_ROLE)
        rights = connection.execute(
            "SELECT table_name, privilege_type FROM information_schema.role_table_grants"
            " WHERE grantee = %s ORDER BY 1, 2",
            (APP_ROLE,),
        ).fetchall()
    assert rights == [
        ("atlas_sessions", "INSERT"),
        ("atlas_sessions", "SELECT"),
        ("atlas_sessions", "UPDATE"),
        ("atlas_signin_log", "INSERT"),
        ("atlas_signin_log", "SELECT"),
    ]
    store = PostgisAccountStore(_as_app(owner_url))
    session = store.open_session("wang", address="10.0.0.7", now=NOW, lifetime=timedelta(hours=8))
    assert store.session_username(session, now=NOW) == "wang"
    store.record("failure", username="wang", address="10.0.0.7", now=NOW)
    assert store.failures(since=NOW - timedelta(minutes=1), username="wang") == [NOW]
    assert store.revoke_session(session, now=NOW, by="wang")
    assert store.session_username(session, now=NOW) is None
    with psycopg.connect(_as_app(owner_url), autocommit=True) as connection:
        for forbidden in (
            "DELETE FROM atlas_signin_log",
            "UPDATE atlas_signin_log SET username = 'x'",
            "DELETE FROM atlas_sessions",
            "CREATE TABLE atlas_mine (x int)",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                connection.execute(forbidden)
