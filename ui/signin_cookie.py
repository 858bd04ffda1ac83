"""The sign-in cookie: a JWT (HS256 only) naming the user, their session id and password
version, signed with ATLAS_COOKIE_KEY; and the client's address as the server can know it.

Anything but a well-formed HS256 token with our signature and the expected claims reads as
"no cookie": another algorithm (`none`, HS512), a bad signature, garbage, a wrong claim type,
a token past its expiry. The cookie is written by a browser component (JavaScript), so it can
be Secure (over HTTPS) and SameSite=Strict but not HttpOnly.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache

import extra_streamlit_components as stx
import jwt
import streamlit as st

__all__ = [
    "COOKIE_KEY_ENV",
    "COOKIE_NAME",
    "Claims",
    "clear_cookie",
    "client_address",
    "issue_token",
    "read_cookie",
    "set_cookie",
]

log = logging.getLogger("atlas")

COOKIE_KEY_ENV = "ATLAS_COOKIE_KEY"
COOKIE_NAME = "atlas_signin"
ALGORITHM = "HS256"
MAX_TOKEN_CHARS = 2048  # ours are ~250 characters
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


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


def read_cookie(*, now: datetime) -> Claims | None:
    """The claims of this request's sign-in cookie, or None when it is absent or not valid."""
    token = st.context.cookies.get(COOKIE_NAME)
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


def set_cookie(token: str, *, expires: datetime) -> None:
    """Have the browser keep `token` until `expires` (Secure when the page came over HTTPS)."""
    _manager("set").set(
        COOKIE_NAME,
        token,
        key="atlas-cookie-set",
        expires_at=expires.astimezone(UTC),  # with its zone: the browser's clock may be local
        secure=_https() or None,
        same_site="strict",
    )


def clear_cookie() -> None:
    """Have the browser drop the cookie (its session is revoked on the server anyway)."""
    _manager("clear").set(COOKIE_NAME, "", key="atlas-cookie-clear", expires_at=_EPOCH)


def _manager(purpose: str) -> stx.CookieManager:
    return stx.CookieManager(key=f"atlas-cookies-{purpose}")


def _https() -> bool:
    url = st.context.url or ""
    forwarded = st.context.headers.get("X-Forwarded-Proto", "")
    return url.startswith("https://") or forwarded.split(",")[0].strip() == "https"


def client_address() -> str:
    """The client's IP address; "" when no browser is connected (a script or test run).

    `st.context.ip_address` is the websocket's peer, None for a loopback peer. A peer on the
    network is the client itself: its headers could be forged, so they are not read. A
    loopback peer is nginx on this machine, which sets X-Real-IP to the address it saw
    (overwriting any the client sent); the last X-Forwarded-For entry is nginx's too. Without
    either the client is on this machine.
    """
    peer = st.context.ip_address
    if peer:
        return peer
    headers = st.context.headers
    if not len(headers):
        return ""
    forwarded = headers.get_all("X-Forwarded-For")
    last_forwarded = forwarded[-1].split(",")[-1] if forwarded else ""
    candidates = (headers.get("X-Real-IP", ""), last_forwarded)
    for candidate in candidates:
        try:
            return str(ipaddress.ip_address(candidate.strip()))
        except ValueError:
            continue
    return "127.0.0.1"
