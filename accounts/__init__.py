"""Sign-in records for a shared deployment, without Streamlit: sessions, throttle, sign-in log."""

from __future__ import annotations

from pathlib import Path

from accounts.records import (
    EVENTS,
    SESSION_HOURS_ENV,
    AccountStore,
    LogEntry,
    SessionRecord,
    clean_text,
    new_session_id,
    session_key,
    session_lifetime,
)
from accounts.throttle import ThrottlePolicy, locked_until, record_failure

__all__ = [
    "EVENTS",
    "SESSION_HOURS_ENV",
    "AccountStore",
    "LogEntry",
    "SessionRecord",
    "ThrottlePolicy",
    "clean_text",
    "locked_until",
    "new_session_id",
    "open_account_store",
    "record_failure",
    "session_key",
    "session_lifetime",
]


def open_account_store(target: str | Path) -> AccountStore:
    """The store at `target`: a postgresql:// URL (tables prepared by the owner) or a SQLite file."""
    if str(target).startswith(("postgresql://", "postgres://")):
        from accounts.postgis import PostgisAccountStore  # only a shared deployment needs it

        return PostgisAccountStore(str(target))
    from accounts.sqlite import SqliteAccountStore

    return SqliteAccountStore(Path(target).expanduser())
