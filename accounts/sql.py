"""The account store's logic in SQL both backends run (`%s` placeholders; SQLite gets `?`).

A backend supplies a connection per call (`_query`, `_execute`) and its time conversion.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from accounts.records import (
    EVENTS,
    LogEntry,
    SessionRecord,
    clean_text,
    new_session_id,
    session_key,
)

__all__ = ["SqlAccountStore"]

_ACTIVE = "revoked_at IS NULL AND expires_at > %s"
_LONGEST_ID = 256  # a session id is 43 characters; anything much longer is not one


class SqlAccountStore(ABC):
    """`accounts.records.AccountStore` over two tables, `atlas_sessions` and `atlas_signin_log`."""

    @abstractmethod
    def _query(self, sql: str, parameters: tuple = ()) -> list[tuple]: ...

    @abstractmethod
    def _execute(self, sql: str, parameters: tuple = ()) -> int:
        """Run one statement in its own transaction; the number of rows it touched."""

    @abstractmethod
    def _to_db(self, moment: datetime) -> object: ...

    @abstractmethod
    def _from_db(self, value: object) -> datetime: ...

    def open_session(
        self, username: str, *, address: str, now: datetime, lifetime: timedelta
    ) -> str:
        session_id = new_session_id()
        self._execute(
            "INSERT INTO atlas_sessions (key, username, address, created_at, expires_at)"
            " VALUES (%s, %s, %s, %s, %s)",
            (
                session_key(session_id),
                username,
                clean_text(address),
                self._to_db(now),
                self._to_db(now + lifetime),
            ),
        )
        return session_id

    def session_username(self, session_id: str, *, now: datetime) -> str | None:
        if not isinstance(session_id, str) or not 0 < len(session_id) <= _LONGEST_ID:
            return None
        rows = self._query(
            f"SELECT username FROM atlas_sessions WHERE key = %s AND {_ACTIVE}",
            (session_key(session_id), self._to_db(now)),
        )
        return rows[0][0] if rows else None

    def revoke_session(self, session_id: str, *, now: datetime, by: str) -> bool:
        return self.revoke_keys([session_key(session_id)], now=now, by=by) > 0

    def revoke_keys(self, keys: Sequence[str], *, now: datetime, by: str) -> int:
        return sum(
            self._execute(
                f"UPDATE atlas_sessions SET revoked_at = %s, revoked_by = %s"
                f" WHERE key = %s AND {_ACTIVE}",
                (self._to_db(now), clean_text(by), key, self._to_db(now)),
            )
            for key in keys
        )

    def revoke_user(self, username: str, *, now: datetime, by: str) -> int:
        return self._execute(
            f"UPDATE atlas_sessions SET revoked_at = %s, revoked_by = %s"
            f" WHERE username = %s AND {_ACTIVE}",
            (self._to_db(now), clean_text(by), username, self._to_db(now)),
        )

    def sessions(self, *, now: datetime) -> list[SessionRecord]:
        rows = self._query(
            "SELECT key, username, address, created_at, expires_at FROM atlas_sessions"
            f" WHERE {_ACTIVE} ORDER BY created_at DESC",
            (self._to_db(now),),
        )
        return [
            SessionRecord(key, username, address, self._from_db(created), self._from_db(expires))
            for key, username, address, created, expires in rows
        ]

    def record(self, event: str, *, username: str, address: str, now: datetime) -> None:
        if event not in EVENTS:
            raise ValueError(f"unknown sign-in event {event!r}")
        self._execute(
            "INSERT INTO atlas_signin_log (at, event, username, address) VALUES (%s, %s, %s, %s)",
            (self._to_db(now), event, clean_text(username), clean_text(address)),
        )

    def log(self, *, limit: int = 500) -> list[LogEntry]:
        rows = self._query(
            "SELECT at, event, username, address FROM atlas_signin_log"
            " ORDER BY at DESC, id DESC LIMIT %s",
            (int(limit),),
        )
        return [
            LogEntry(self._from_db(at), event, user, address) for at, event, user, address in rows
        ]

    def failures(
        self, *, since: datetime, username: str | None = None, address: str | None = None
    ) -> list[datetime]:
        """Failure times after `since`: of a user since their last sign-in, or of an address."""
        if (username is None) == (address is None):
            raise ValueError("give either a username or an address")
        if username is not None:
            sql = (
                "SELECT at FROM atlas_signin_log WHERE event = 'failure' AND username = %s"
                " AND at > %s AND at > COALESCE((SELECT max(at) FROM atlas_signin_log"
                " WHERE event = 'signin' AND username = %s), %s) ORDER BY at"
            )
            since_db = self._to_db(since)
            parameters: tuple = (clean_text(username), since_db, clean_text(username), since_db)
        else:
            sql = (
                "SELECT at FROM atlas_signin_log WHERE event = 'failure' AND address = %s"
                " AND at > %s ORDER BY at"
            )
            parameters = (clean_text(address), self._to_db(since))
        return [self._from_db(row[0]) for row in self._query(sql, parameters)]


def utc(moment: datetime) -> datetime:
    """`moment` in UTC (a naive time is taken as UTC)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
