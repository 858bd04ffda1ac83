"""Sign-in for a shared deployment: users and roles from the users file, sessions on the server.

Sign-in is on when the server's configuration names a users file (ATLAS_USERS_FILE). Signing
in opens a session in the account store (`accounts`: PostGIS when ATLAS_DATABASE_URL is set,
else a SQLite file beside the visits database), so every replica sees it; the cookie carries
its random id, signed with ATLAS_COOKIE_KEY. Every run checks the session again: signed out,
revoked by an admin, expired (ATLAS_SESSION_HOURS, 8 h), a user disabled, removed or given a
new password, or an unreadable cookie, all mean the sign-in form. Wrong passwords are
throttled per user and per address (accounts.throttle) and every attempt is logged.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from functools import cache
from pathlib import Path

import bcrypt
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from accounts import (
    AccountStore,
    ThrottlePolicy,
    clean_text,
    locked_until,
    open_account_store,
    record_failure,
    session_lifetime,
)
from accounts.signin_token import (
    COOKIE_KEY_ENV,
    COOKIE_NAME,
    Claims,
    issue_token,
    signed_in_user,
)
from accounts.sqlite import FILE_NAME
from accounts.users_file import (
    ROLES,
    USERS_FILE_ENV,
    User,
    load_users,
    password_version,
    users_file,
)
from fieldwork.store import DATABASE_URL_ENV, DEFAULT_VISITS_DB, VISITS_DB_ENV
from ui.i18n import text
from ui.messages import plain_markdown
from ui.signin_cookie import (
    clear_cookie,
    client_address,
    read_cookie,
    set_cookie,
    write_pending_cookie,
)

__all__ = [
    "COOKIE_KEY_ENV",
    "COOKIE_NAME",
    "ROLES",
    "USERS_FILE_ENV",
    "User",
    "account_store",
    "client_address",
    "current_user",
    "load_users",
    "now",
    "sign_in",
    "sign_out_button",
    "users_file",
]

log = logging.getLogger("atlas")

_STATE = "atlas_user"
_CLAIMS = "atlas_signin_claims"
_CLEAR_COOKIE = "atlas_clear_cookie"
MAX_USERNAME = 64
MAX_PASSWORD_BYTES = 72  # bcrypt reads no more
BEIJING = timezone(timedelta(hours=8))


@dataclass(frozen=True)
class _Attempt:
    username: str
    password: str
    address: str


def now() -> datetime:
    """The time sessions, locks and the log use (the tests put in their own clock)."""
    return datetime.now(UTC)


def account_store() -> AccountStore:
    """The configured account store: PostGIS with the layers, else beside the visits file."""
    url = os.environ.get(DATABASE_URL_ENV)
    visits = os.environ.get(VISITS_DB_ENV) or str(DEFAULT_VISITS_DB)
    if not url and visits.startswith(("postgresql://", "postgres://")):
        url = visits
    target = url or str(Path(visits).expanduser().parent / FILE_NAME)
    return _store(target)


@cache
def _store(target: str) -> AccountStore:
    return open_account_store(target)


def sign_in(path: Path, lang: str) -> User | None:
    """The signed-in user, or None after showing the sign-in form."""
    user = _signed_in_or_form(path, lang)
    write_pending_cookie()
    return user


def _signed_in_or_form(path: Path, lang: str) -> User | None:
    users = load_users(path)
    store, moment = account_store(), now()
    claims = st.session_state.get(_CLAIMS) or read_cookie(now=moment)
    user = signed_in_user(claims, users, store, moment)
    if user is not None:
        st.session_state[_CLAIMS] = claims
        st.session_state[_STATE] = user
        return user
    _forget()
    if st.session_state.pop(_CLEAR_COOKIE, False):
        clear_cookie()
    place = st.empty()
    attempt = _form(place, lang)
    user = _check(attempt, users, store, lang) if attempt is not None else None
    if user is not None:
        place.empty()  # the page follows in this run, without the form above it
    return user


def _form(place: DeltaGenerator, lang: str) -> _Attempt | None:
    """The sign-in form in `place`; what was submitted, if it was."""
    with place.form("atlas-login"):
        st.subheader(text("signin_title", lang))
        username = st.text_input(text("signin_user", lang), max_chars=MAX_USERNAME)
        password = st.text_input(text("signin_password", lang), type="password", max_chars=128)
        submitted = st.form_submit_button(text("signin_button", lang))
    if not submitted:
        return None
    return _Attempt(username.strip(), password, client_address())


def _check(
    attempt: _Attempt, users: dict[str, tuple[User, str]], store: AccountStore, lang: str
) -> User | None:
    """Throttle, check the password, log the attempt; the user when it signs in."""
    policy, moment = ThrottlePolicy.from_environment(), now()
    username = clean_text(attempt.username, MAX_USERNAME + 1)
    who = {"username": username, "address": attempt.address}
    until = locked_until(store, policy, now=moment, **who)
    if until is not None:
        store.record("locked", now=moment, **who)
        st.error(_locked_message(until, lang))
        return None
    entry = users.get(attempt.username) if len(attempt.username) <= MAX_USERNAME else None
    usable = entry is not None and not entry[0].disabled
    matches = _password_matches(attempt.password, entry[1] if usable else None)
    if not (usable and matches):
        until = record_failure(store, policy, now=moment, **who)
        st.error(_locked_message(until, lang) if until else text("signin_wrong", lang))
        return None
    user, hashed = entry
    lifetime = session_lifetime()
    session_id = store.open_session(
        user.username, address=attempt.address, now=moment, lifetime=lifetime
    )
    store.record("signin", now=moment, **who)
    claims = Claims(user.username, session_id, password_version(hashed), moment + lifetime)
    set_cookie(issue_token(claims, now=moment), expires=claims.expires)
    st.session_state[_CLAIMS] = claims
    st.session_state[_STATE] = user
    return user


def _password_matches(password: str, hashed: str | None) -> bool:
    """bcrypt's verdict; a password bcrypt cannot read (over 72 bytes) never matches."""
    encoded = password.encode("utf-8", "replace")
    readable = len(encoded) <= MAX_PASSWORD_BYTES
    checked = bcrypt.checkpw(encoded if readable else b"", (hashed or _dummy_hash()).encode())
    return checked and readable and hashed is not None


@cache
def _dummy_hash() -> str:
    """Checked when the user name is unknown or disabled, so that a wrong name takes as long
    as a wrong password (no telling which names exist by how long an answer takes)."""
    return bcrypt.hashpw(b"not a password", bcrypt.gensalt(12)).decode()


def _locked_message(until: datetime, lang: str) -> str:
    local = until.astimezone(BEIJING)
    return text("signin_locked", lang, until=local.strftime("%Y-%m-%d %H:%M:%S"))


def _forget() -> None:
    st.session_state.pop(_STATE, None)
    st.session_state.pop(_CLAIMS, None)


def current_user() -> User | None:
    """The user signed in to this session (None when sign-in is off or nobody has)."""
    return st.session_state.get(_STATE)


def _sign_out() -> None:
    """Revoke this session for every replica, log it, forget it; the next run clears the cookie."""
    claims, user = st.session_state.get(_CLAIMS), current_user()
    _forget()
    st.session_state[_CLEAR_COOKIE] = True
    if claims is None or user is None:
        return
    store, moment = account_store(), now()
    store.revoke_session(claims.session_id, now=moment, by=user.username)
    store.record("signout", username=user.username, address=client_address(), now=moment)


def sign_out_button(lang: str) -> None:
    """The signed-in user's name and role, and a sign-out button, in the sidebar."""
    user = current_user()
    if user is None:
        return
    st.sidebar.caption(plain_markdown(f"{user.name} · {user.role}"))  # names from the users file
    st.sidebar.button(text("signout", lang), key="atlas-logout", on_click=_sign_out)
