"""The sign-in cookie in the browser: read from this request, set and cleared by a browser
component; and the client's address as the server can know it. The token itself (a JWT, HS256
only, signed with ATLAS_COOKIE_KEY) is accounts.signin_token's. The cookie is written by a
browser component (JavaScript), so it can be Secure (over HTTPS) and SameSite=Strict but not
HttpOnly.
"""

from __future__ import annotations

import ipaddress
from datetime import UTC, datetime

import streamlit as st
from extra_streamlit_components.CookieManager import _component_func as _cookie_writer

from accounts.signin_token import COOKIE_NAME, Claims, read_token

__all__ = [
    "clear_cookie",
    "client_address",
    "read_cookie",
    "set_cookie",
    "write_pending_cookie",
]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_PENDING = "atlas_cookie_pending"
# the writer is a frame of height 0: its row on the page takes no room either
_HIDE_EMPTY_FRAME = "<style>.element-container:has(iframe[height='0']) { display: none; }</style>"


def read_cookie(*, now: datetime) -> Claims | None:
    """The claims of this request's sign-in cookie, or None when it is absent or not valid."""
    return read_token(st.context.cookies.get(COOKIE_NAME), now=now)


def set_cookie(token: str, *, expires: datetime) -> None:
    """Have the browser keep `token` until `expires` (Secure when the page came over HTTPS);
    written by `write_pending_cookie`."""
    secure = {"secure": True} if _https() else {}
    _ask(token, expires.astimezone(UTC), secure)  # with its zone: the browser's clock may be local


def clear_cookie() -> None:
    """Have the browser drop the cookie (its session is revoked on the server anyway);
    written by `write_pending_cookie`."""
    _ask("", _EPOCH, {})


def write_pending_cookie() -> None:
    """Draw the writer of the latest cookie asked for, in every run until the browser says it
    wrote it (one writer a run: a sign-out's clearing replaces a sign-in's cookie unwritten).

    Any rerun (a widget, the page's map reporting its view) can come before the writer's frame
    has loaded; drawn only once, it would be taken off the page unrun and the user signed in
    for this tab only.
    """
    pending = st.session_state.get(_PENDING)
    if pending is None:
        return
    st.markdown(_HIDE_EMPTY_FRAME, unsafe_allow_html=True)
    key = f"atlas-cookie-{'set' if pending['value'] else 'clear'}"
    if _cookie_writer(method="set", key=key, default=False, **pending):
        st.session_state.pop(_PENDING, None)


def _ask(value: str, expires: datetime, extra: dict[str, bool]) -> None:
    options = {"path": "/", "expires": expires.isoformat(), "sameSite": "strict", **extra}
    st.session_state[_PENDING] = {"cookie": COOKIE_NAME, "value": value, "options": options}


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
