"""Which pages this session may open, decided on the server: the signed-in user's role when
sign-in is configured, else the server's audience. Pages check it again before drawing."""

from __future__ import annotations

import streamlit as st

from accounts.roles import sees_constraint_zones as role_sees_constraint_zones
from ui.audience import pages_for, server_audience
from ui.i18n import text
from ui.signin import current_user, sign_in, sign_out_button, users_file

__all__ = [
    "allowed_pages",
    "known_pages",
    "require_page",
    "sees_constraint_zones",
    "signed_in_username",
    "user_townships",
]


def known_pages() -> tuple[str, ...] | None:
    """The url paths this session may open as known before anything is drawn (the user who
    signed in on an earlier run); None while nobody has. Navigation needs them first."""
    if users_file() is None:
        return pages_for(server_audience())
    user = current_user()
    return user.pages if user is not None else None


def allowed_pages(lang: str) -> tuple[str, ...] | None:
    """The url paths this session may open; None while the sign-in form is showing."""
    path = users_file()
    if path is None:
        return pages_for(server_audience())
    user = sign_in(path, lang)
    if user is None:
        return None
    sign_out_button(lang)
    return user.pages


def require_page(key: str, lang: str) -> None:
    """Stop the run unless this session may see page `key` (a second check after navigation)."""
    path = users_file()
    if path is None:
        allowed = pages_for(server_audience())
    else:
        user = current_user()
        allowed = user.pages if user is not None else ()
    if key not in allowed:
        st.error(text("page_refused", lang))
        st.stop()


def user_townships() -> tuple[str, ...] | None:
    """The townships a signed-in field user works in; None for everyone else (no limit)."""
    user = current_user()
    if users_file() is None or user is None or user.role != "field":
        return None
    return user.townships


def signed_in_username() -> str:
    """Who is signed in to this session; "" without sign-in (a laptop) or before signing in."""
    user = current_user()
    return user.username if users_file() is not None and user is not None else ""


def sees_constraint_zones() -> bool:
    """Whether this session may see the 三区三线 zones and verdicts (internal data, never
    public): planners only, i.e. a signed-in planner, or anyone on an internal laptop server."""
    if users_file() is None:
        return server_audience() == "internal"
    user = current_user()
    return user is not None and role_sees_constraint_zones(user.role)
