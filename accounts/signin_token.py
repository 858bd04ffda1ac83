"""The sign-in cookie's token, without Streamlit: a JWT (HS256 only) naming the user, their
session id and password version, signed with ATLAS_COOKIE_KEY; and whether the user it names
is signed in still (its session open in the account store, the users file saying so).

Anything but a well-formed HS256 token with our signature and the expected claims reads as
"no cookie": another algorithm (`none`, HS512), a bad signature, garbage, a wrong claim type,
a token past its expiry.
"""

from __future__ import annotations

import logging
import os
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache

import jwt

from accounts.records import AccountStore
from accounts.users_file import User, password_version

__all__ = [
    "COOKIE_KEY_ENV",
    "COOKIE_NAME",
    "Claims",
    "cookie_key",
    "issue_token",
    "read_token",
    "signed_in_user",
]

log = logging.getLogger("atlas")

COOKIE_KEY_ENV = "ATLAS_COOKIE_KEY"
COOKIE_NAME = "atlas_signin"
ALGORITHM = "HS256"
MAX_TOKEN_CHARS = 2048  # ours are ~250 characters


@dataclass(frozen=True)
class Claims:
    """What a valid cookie says: who, which session, which password version, until when."""

    username: str
    session_id: str
    password_version: str
    expires: datetime


def cookie_key() -> str:
    """ATLAS_COOKIE_KEY; without it, a key valid for this process only."""
    return os.environ.get(COOKIE_KEY_ENV) or _process_key()


@cache
def _process_key() -> str:
    return secrets.token_hex(32)


def issue_token(claims: Claims, *, now: datetime) -> str:
    """The signed cookie value for `claims`."""
    payload = {
        "sub": claims.username,
        "sid": claims.session_id,
        "pwv": claims.password_version,
        "iat": int(now.timestamp()),
        "exp": int(claims.expires.timestamp()),
    }
    return jwt.encode(payload, cookie_key(), algorithm=ALGORITHM)


def read_token(token: str | None, *, now: datetime) -> Claims | None:
    """The claims of a sign-in cookie's value, or None when it is absent or not valid."""
    if not token:
        return None
    if len(token) > MAX_TOKEN_CHARS:
        log.info("sign-in cookie refused: %d characters", len(token))
        return None
    try:
        # Expiry is checked below against the app's clock (one clock for cookie and session).
        payload = jwt.decode(
            token,
            cookie_key(),
            algorithms=[ALGORITHM],
            options={"require": ["sub", "sid", "pwv", "exp"], "verify_exp": False},
        )
    except jwt.InvalidTokenError as error:  # the base of every refusal PyJWT makes
        log.info("sign-in cookie refused: %s", type(error).__name__)
        return None
    return _claims(payload, now)


def _claims(payload: dict, now: datetime) -> Claims | None:
    username, session_id, version, expiry = (payload.get(k) for k in ("sub", "sid", "pwv", "exp"))
    if not all(isinstance(value, str) and value for value in (username, session_id, version)):
        return None
    if isinstance(expiry, bool) or not isinstance(expiry, int):
        return None
    try:
        expires = datetime.fromtimestamp(expiry, UTC)
    except (OverflowError, OSError, ValueError):
        return None
    return Claims(username, session_id, version, expires) if expires > now else None


def signed_in_user(
    claims: Claims | None,
    users: dict[str, tuple[User, str]],
    store: AccountStore,
    now: datetime,
) -> User | None:
    """The user `claims` sign in, if their session is open and the users file still says so
    (not disabled, not removed, the same password)."""
    if claims is None or claims.expires <= now or claims.username not in users:
        return None
    user, hashed = users[claims.username]
    if user.disabled or claims.password_version != password_version(hashed):
        return None
    if store.session_username(claims.session_id, now=now) != claims.username:
        return None
    return user
