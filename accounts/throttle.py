"""Throttling wrong passwords: after `max_failures` within `window`, a user name and an address
are each locked for `lock`. Computed from the sign-in log, so every replica agrees.

A user's failures count since their last sign-in; an address's are never forgiven by a
sign-in (one account of one's own must not reset guesses at another's). Attempts while locked
are logged as `locked`, not as failures, so a lock ends `lock` after the failure that set it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timedelta

from accounts.records import AccountStore

__all__ = ["ThrottlePolicy", "locked_until", "record_failure"]

MAX_FAILURES_ENV = "ATLAS_SIGNIN_MAX_FAILURES"
WINDOW_ENV = "ATLAS_SIGNIN_WINDOW_MINUTES"
LOCK_ENV = "ATLAS_SIGNIN_LOCK_MINUTES"


@dataclass(frozen=True)
class ThrottlePolicy:
    """How many wrong passwords within which time lock a user or address for how long."""

    max_failures: int = 5
    window: timedelta = timedelta(minutes=15)
    lock: timedelta = timedelta(minutes=15)

    def __post_init__(self) -> None:
        if self.max_failures < 1 or self.window <= timedelta(0) or self.lock <= timedelta(0):
            raise ValueError("the sign-in throttle needs positive failures, window and lock")

    @classmethod
    def from_environment(cls) -> ThrottlePolicy:
        """$ATLAS_SIGNIN_MAX_FAILURES (5), $ATLAS_SIGNIN_WINDOW_MINUTES (15),
        $ATLAS_SIGNIN_LOCK_MINUTES (15)."""
        return cls(
            max_failures=int(_setting(MAX_FAILURES_ENV, 5)),
            window=timedelta(minutes=_setting(WINDOW_ENV, 15)),
            lock=timedelta(minutes=_setting(LOCK_ENV, 15)),
        )


def _setting(name: str, default: float) -> float:
    configured = os.environ.get(name, "").strip()
    if not configured:
        return default
    try:
        return float(configured)
    except ValueError as error:
        raise ValueError(f"{name} must be a number, not {configured!r}") from error


def _lock_end(failures: list[datetime], policy: ThrottlePolicy, now: datetime) -> datetime | None:
    """When the latest lock set by these failures (sorted) ends, if it has not ended by now."""
    ends = [
        failures[index] + policy.lock
        for index in range(policy.max_failures - 1, len(failures))
        if failures[index] - failures[index - policy.max_failures + 1] < policy.window
    ]
    return max(ends) if ends and max(ends) > now else None


def locked_until(
    store: AccountStore, policy: ThrottlePolicy, *, username: str, address: str, now: datetime
) -> datetime | None:
    """Until when `username` or `address` is locked (the later of the two), or None."""
    since = now - policy.window - policy.lock
    ends = [_lock_end(store.failures(since=since, username=username), policy, now)]
    if address:  # an unknown address ("") is nobody's: it locks no one
        ends.append(_lock_end(store.failures(since=since, address=address), policy, now))
    found = [end for end in ends if end is not None]
    return max(found) if found else None


def record_failure(
    store: AccountStore, policy: ThrottlePolicy, *, username: str, address: str, now: datetime
) -> datetime | None:
    """Log a wrong password; if it locks the user or address, log the lockout and say until when."""
    store.record("failure", username=username, address=address, now=now)
    until = locked_until(store, policy, username=username, address=address, now=now)
    if until is not None:
        store.record("lockout", username=username, address=address, now=now)
    return until
