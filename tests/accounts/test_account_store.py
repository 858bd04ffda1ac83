"""The account store's contract, run on both backends (a SQLite file and a real PostGIS):
sessions open, expire and are revoked for every process; the log appends and is read back."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest

from accounts import AccountStore, open_account_store, session_key
from accounts.postgis import prepare

NOW = datetime(2026, 12, 3, 6, 0, tzinfo=UTC)
HOURS_8 = timedelta(hours=8)


@pytest.fixture(params=["sqlite", "postgis"])
def target(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "accounts.sqlite")
    url = request.getfixturevalue("postgis_url")
    with psycopg.connect(url, autocommit=True) as connection:
        prepare(connection, "atlas")  # the owner itself: nothing to grant
    return url


def test_a_session_is_seen_by_another_process_until_revoked(target: str) -> None:
    first, second = open_account_store(target), open_account_store(target)
    session = first.open_session("wang", address="10.0.0.7", now=NOW, lifetime=HOURS_8)
    assert second.session_username(session, now=NOW + timedelta(hours=1)) == "wang"
    assert second.session_username(session, now=NOW + HOURS_8) is None  # expired
    assert second.session_username("not-a-session", now=NOW) is None
    assert second.session_username("x" * 100_000, now=NOW) is None
    assert second.revoke_session(session, now=NOW, by="wang")
    assert first.session_username(session, now=NOW) is None
    assert not second.revoke_session(session, now=NOW, by="wang")  # once


def test_an_admin_sees_and_revokes_sessions(target: str) -> None:
    store: AccountStore = open_account_store(target)
    one = store.open_session("wang", address="10.0.0.7", now=NOW, lifetime=HOURS_8)
    two = store.open_session("wang", address="10.0.0.8", now=NOW, lifetime=HOURS_8)
    other = store.open_session("li", address="10.0.0.9", now=NOW, lifetime=HOURS_8)
    listed = store.sessions(now=NOW)
    assert {record.username for record in listed} == {"wang", "li"}
    assert session_key(one) in {record.key for record in listed}
    assert one not in str(listed)  # the id itself is never kept
    assert store.revoke_keys([session_key(other)], now=NOW, by="sun") == 1
    assert store.revoke_user("wang", now=NOW, by="sun") == 2
    assert store.sessions(now=NOW) == []
    assert store.session_username(two, now=NOW) is None


def test_the_log_keeps_every_event_and_cleans_hostile_text(target: str) -> None:
    store = open_account_store(target)
    hostile = "<script>alert(1)</script>\x00\x1b[31m**bold**\n" + "长" * 5000
    store.record("failure", username=hostile, address="10.0.0.7", now=NOW)
    store.record("signin", username="wang", address="10.0.0.7", now=NOW + timedelta(seconds=1))
    with pytest.raises(ValueError, match="unknown sign-in event"):
        store.record("drop table", username="wang", address="x", now=NOW)
    latest, first = store.log()
    assert (latest.event, latest.username, latest.at) == (
        "signin",
        "wang",
        NOW + timedelta(seconds=1),
    )
    assert first.event == "failure" and len(first.username) <= 128
    assert (
        "\x00" not in first.username and "\x1b" not in first.username and "\n" not in first.username
    )
    assert first.username.startswith("<script>")  # kept as text; the page shows it as text


def test_a_users_failures_count_since_their_last_sign_in(target: str) -> None:
    store = open_account_store(target)
    for minute in (1, 2):
        store.record("failure", username="wang", address="a", now=NOW + timedelta(minutes=minute))
    store.record("signin", username="wang", address="b", now=NOW + timedelta(minutes=3))
    store.record("failure", username="wang", address="b", now=NOW + timedelta(minutes=4))
    assert store.failures(since=NOW, username="wang") == [NOW + timedelta(minutes=4)]
    assert len(store.failures(since=NOW, address="a")) == 2  # an address is not forgiven


def test_the_sqlite_log_is_append_only(tmp_path: Path) -> None:
    path = tmp_path / "accounts.sqlite"
    open_account_store(path).record("signin", username="wang", address="a", now=NOW)
    with (
        sqlite3.connect(path) as connection,
        pytest.raises(sqlite3.DatabaseError, match="append-only"),
    ):
        connection.execute("DELETE FROM atlas_signin_log")
