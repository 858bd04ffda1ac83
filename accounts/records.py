"""What the account store keeps: sign-in sessions and the sign-in log, and the settings for both.

A session id is a random token carried in the signed cookie; the store keeps only its SHA-256
(`session_key`), so a copy of the database does not hold a usable id.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

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

SESSION_HOURS_ENV = "ATLAS_SESSION_HOURS"
DEFAULT_SESSION_HOURS = 8.0
MAX_SESSION_HOURS = 24.0 * 30
# signin: password accepted; failure: refused; lockout: a failure that locked the user or the
# address; locked: an attempt while locked (the password is not checked); signout; revoked:
# an admin ended sessions.
EVENTS = ("signin", "failure", "lockout", "locked", "signout", "revoked")
TEXT_LIMIT = 128


@dataclass(frozen=True)
class SessionRecord:
    """A session as an admin sees it (the key is the id's hash, never the id)."""

    key: str
    username: str
    address: str
    created_at: datetime
    expires_at: datetime


@dataclass(frozen=True)
class LogEntry:
    """One row of the sign-in log (times in UTC)."""

    at: datetime
    event: str
    username: str
    address: str


class AccountStore(Protocol):
    """Sessions and the sign-in log, shared by every app process (SQLite file or PostGIS)."""

    def open_session(
        self, username: str, *, address: str, now: datetime, lifetime: timedelta
    ) -> str: ...

    def session_username(self, session_id: str, *, now: datetime) -> str | None: ...

    def revoke_session(self, session_id: str, *, now: datetime, by: str) -> bool: ...

    def revoke_keys(self, keys: Sequence[str], *, now: datetime, by: str) -> int: ...

    def revoke_user(self, username: str, *, now: datetime, by: str) -> int: ...

    def sessions(self, *, now: datetime) -> list[SessionRecord]: ...

    def record(self, event: str, *, username: str, address: str, now: datetime) -> None: ...

    def log(self, *, limit: int = 500) -> list[LogEntry]: ...

    def failures(
        self, *, since: datetime, username: str | None = None, address: str | None = None
    ) -> list[datetime]: ...


def new_session_id() -> str:
    """A fresh random session id (256 bits)."""
    return secrets.token_urlsafe(32)


def session_key(session_id: str) -> str:
    """What the store keeps of a session id."""
    return hashlib.sha256(session_id.encode("utf-8", "replace")).hexdigest()


def clean_text(value: object, limit: int = TEXT_LIMIT) -> str:
    """A user name or address as the log keeps it: no control characters, at most `limit`."""
    text = "".join(
        " " if unicodedata.category(char).startswith("C") else char for char in str(value)
    )
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def session_lifetime() -> timedelta:
    """How long a sign-in lasts: $ATLAS_SESSION_HOURS (8 h by default, at most 30 days)."""
    configured = os.environ.get(SESSION_HOURS_ENV, "").strip()
    try:
        hours = float(configured) if configured else DEFAULT_SESSION_HOURS
    except ValueError as error:
        raise ValueError(
            f"{SESSION_HOURS_ENV} must be a number of hours, not {configured!r}"
        ) from error
    if not 0 < hours <= MAX_SESSION_HOURS:
        raise ValueError(f"{SESSION_HOURS_ENV} must lie between 0 and {MAX_SESSION_HOURS:g} hours")
    return timedelta(hours=hours)
