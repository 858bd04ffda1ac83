"""Sign-in for a shared deployment (streamlit-authenticator): users, their roles, their pages.

Sign-in is on when the server's configuration names a users file (ATLAS_USERS_FILE). The
file holds only bcrypt hashes (scripts/users.py writes it); the cookie that keeps a user
signed in is signed with ATLAS_COOKIE_KEY, which every replica must share. Without a users
file the server's audience (ATLAS_AUDIENCE) decides the pages, as on a planner's laptop.
"""

from __future__ import annotations

import os
import re
import secrets
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import streamlit as st
import streamlit_authenticator as stauth
import yaml

from geo.errors import DataError
from ui.audience import ALL_PAGES, PROMOTER_PAGES
from ui.messages import plain_markdown

__all__ = [
    "COOKIE_KEY_ENV",
    "ROLES",
    "USERS_FILE_ENV",
    "User",
    "current_user",
    "load_users",
    "sign_in",
    "sign_out_button",
    "users_file",
]

USERS_FILE_ENV = "ATLAS_USERS_FILE"
COOKIE_KEY_ENV = "ATLAS_COOKIE_KEY"
COOKIE_NAME = "atlas_signin"
COOKIE_DAYS = 1.0
# The pages (url paths) each role may open; every page and export checks it on the server.
ROLES: dict[str, tuple[str, ...]] = {
    "planner": ALL_PAGES,
    "promoter": PROMOTER_PAGES,
    "field": ("coverage", "about"),
    "admin": ("data", "history", "about"),
}
_BCRYPT = re.compile(r"^\$2[aby]\$\d{2}\$[./A-Za-z0-9]{53}$")
_STATE = "atlas_user"


@dataclass(frozen=True)
class User:
    """Who signed in: their role and, for field teams, the townships they work in."""

    username: str
    name: str
    role: str
    townships: tuple[str, ...] = ()

    @property
    def pages(self) -> tuple[str, ...]:
        return ROLES[self.role]


def users_file() -> Path | None:
    """The configured users file, or None when sign-in is off."""
    configured = os.environ.get(USERS_FILE_ENV)
    return Path(configured).expanduser() if configured else None


@cache
def load_users(path: Path) -> dict[str, tuple[User, str]]:
    """username → (User, bcrypt hash); DataError naming the file and the first problem."""
    try:
        content = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as error:
        raise DataError(path, f"cannot read the users file ({error})") from error
    entries = content.get("users") if isinstance(content, dict) else None
    if not isinstance(entries, dict) or not entries:
        raise DataError(path, "no users: add some with scripts/users.py")
    users = {}
    for username, entry in entries.items():
        users[str(username)] = _user(path, str(username), entry)
    return users


def _user(path: Path, username: str, entry: object) -> tuple[User, str]:
    if not isinstance(entry, dict):
        raise DataError(path, f"user '{username}' is not a mapping")
    password = str(entry.get("password", ""))
    if not _BCRYPT.match(password):
        raise DataError(path, f"user '{username}': the password must be stored as a bcrypt hash")
    role = entry.get("role")
    if role not in ROLES:
        raise DataError(path, f"user '{username}': role {role!r} is not one of {', '.join(ROLES)}")
    townships = tuple(str(code) for code in entry.get("townships") or ())
    if role == "field" and not townships:
        raise DataError(path, f"field user '{username}' needs the townships they work in")
    return User(username, str(entry.get("name") or username), role, townships), password


def _cookie_key() -> str:
    key = os.environ.get(COOKIE_KEY_ENV)
    return key or _process_key()


@cache
def _process_key() -> str:
    """Without a configured key, cookies are valid for this process only."""
    return secrets.token_hex(32)


def sign_in(path: Path, lang: str) -> User | None:
    """The signed-in user, or None after showing the sign-in form."""
    users = load_users(path)
    credentials = {
        "usernames": {
            username: {"name": user.name, "password": password, "roles": [user.role], "email": ""}
            for username, (user, password) in users.items()
        }
    }
    authenticator = stauth.Authenticate(
        credentials, COOKIE_NAME, _cookie_key(), COOKIE_DAYS, auto_hash=False
    )
    st.session_state["atlas_authenticator"] = authenticator
    fields = (
        {
            "Form name": "Sign in",
            "Username": "User name",
            "Password": "Password",
            "Login": "Sign in",
        }
        if lang == "en"
        else {"Form name": "登录", "Username": "用户名", "Password": "密码", "Login": "登录"}
    )
    try:
        authenticator.login(location="main", fields=fields, key="atlas-login")
    except stauth.LoginError as error:
        st.error(str(error))
    status = st.session_state.get("authentication_status")
    username = st.session_state.get("username")
    if status is False:
        st.error("用户名或密码不正确。" if lang != "en" else "Wrong user name or password.")
    if not status or username not in users:
        st.session_state.pop(_STATE, None)
        return None
    user = users[username][0]
    st.session_state[_STATE] = user
    return user


def current_user() -> User | None:
    """The user signed in to this session (None when sign-in is off or nobody has)."""
    return st.session_state.get(_STATE)


def sign_out_button(lang: str) -> None:
    """The signed-in user's name and role, and a sign-out button, in the sidebar."""
    user = current_user()
    authenticator = st.session_state.get("atlas_authenticator")
    if user is None or authenticator is None:
        return
    st.sidebar.caption(plain_markdown(f"{user.name} · {user.role}"))  # names from the users file
    authenticator.logout(
        "退出登录" if lang != "en" else "Sign out", location="sidebar", key="atlas-logout"
    )
