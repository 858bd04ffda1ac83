"""Throttle: 5 wrong passwords within 15 minutes lock the user and the address for 15 minutes
(settings), attempts while locked do not extend it, and the lock ends on time (injected clock)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from accounts import ThrottlePolicy, locked_until, open_account_store, record_failure

NOW = datetime(2026, 12, 3, 6, 0, tzinfo=UTC)
POLICY = ThrottlePolicy()


def test_the_fifth_failure_locks_the_user_for_the_lock_time(tmp_path: Path) -> None:
    store = open_account_store(tmp_path / "accounts.sqlite")
    for attempt in range(4):
        now = NOW + timedelta(minutes=attempt)
        assert (
            record_failure(store, POLICY, username="wang", address=f"10.0.0.{attempt}", now=now)
            is None
        )
    fifth = NOW + timedelta(minutes=4)
    until = record_failure(store, POLICY, username="wang", address="10.0.0.9", now=fifth)
    assert until == fifth + timedelta(minutes=15)
    check = {"username": "wang", "address": "10.9.9.9"}
    assert locked_until(store, POLICY, now=until - timedelta(seconds=1), **check) == until
    assert locked_until(store, POLICY, now=until, **check) is None  # unlocked on time
    assert locked_until(store, POLICY, username="li", address="10.0.0.1", now=fifth) is None
    assert [entry.event for entry in store.log()][:2] == ["lockout", "failure"]


def test_guesses_at_many_users_from_one_address_lock_the_address(tmp_path: Path) -> None:
    store = open_account_store(tmp_path / "accounts.sqlite")
    for attempt in range(5):
        until = record_failure(
            store, POLICY, username=f"user{attempt}", address="10.0.0.66", now=NOW
        )
    assert until == NOW + timedelta(minutes=15)
    assert locked_until(store, POLICY, username="wang", address="10.0.0.66", now=NOW) == until
    assert locked_until(store, POLICY, username="wang", address="10.0.0.1", now=NOW) is None


def test_failures_spread_wider_than_the_window_do_not_lock(tmp_path: Path) -> None:
    store = open_account_store(tmp_path / "accounts.sqlite")
    for attempt in range(10):
        now = NOW + timedelta(minutes=4 * attempt)
        assert record_failure(store, POLICY, username="wang", address="a", now=now) is None


def test_the_policy_comes_from_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ATLAS_SIGNIN_MAX_FAILURES", "3")
    monkeypatch.setenv("ATLAS_SIGNIN_LOCK_MINUTES", "60")
    policy = ThrottlePolicy.from_environment()
    assert (policy.max_failures, policy.window, policy.lock) == (
        3,
        timedelta(minutes=15),
        timedelta(minutes=60),
    )
    monkeypatch.setenv("ATLAS_SIGNIN_MAX_FAILURES", "0")
    with pytest.raises(ValueError):
        ThrottlePolicy.from_environment()
