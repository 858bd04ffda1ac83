"""Sign-in records for a shared deployment, without Streamlit: sessions, throttle, sign-in log."""

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

__all__ = [
    "EVENTS",
    "SESSION_HOURS_ENV",
    "AccountStore",
    "LogEntry",
    "SessionRecord",
    "clean_text",
    "new_session_id",
    "session_key",
    "session_lifetime",
]
