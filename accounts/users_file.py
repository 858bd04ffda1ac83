"""The users file of a shared deployment: who may sign in, with which role, and their hash.

Read again whenever the file changes (a new inode, size or modification time), so adding,
disabling, removing or resetting a user (scripts/users.py) takes effect without a restart.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from accounts.roles import ROLES
from geo.errors import DataError

__all__ = ["ROLES", "USERS_FILE_ENV", "User", "load_users", "password_version", "users_file"]

USERS_FILE_ENV = "ATLAS_USERS_FILE"
_BCRYPT = re.compile(r"^\$2[aby]\$\d{2}\$[./A-Za-z0-9]{53}$")


@dataclass(frozen=True)
class User:
    """Who signed in: their role and, for field teams, the townships they work in."""

    username: str
    name: str
    role: str
    townships: tuple[str, ...] = ()
    disabled: bool = False

    @property
    def pages(self) -> tuple[str, ...]:
        return ROLES[self.role]


def users_file() -> Path | None:
    """The configured users file, or None when sign-in is off."""
    configured = os.environ.get(USERS_FILE_ENV)
    return Path(configured).expanduser() if configured else None


def load_users(path: Path) -> dict[str, tuple[User, str]]:
    """username → (User, bcrypt hash), as the file reads now; DataError naming the problem."""
    try:
        status = path.stat()
    except OSError as error:
        raise DataError(path, f"cannot read the users file ({error.strerror})") from error
    return _read(path, status.st_ino, status.st_size, status.st_mtime_ns)


def password_version(hashed: str) -> str:
    """A short fingerprint of a user's hash: a cookie names it, so a reset ends old sign-ins."""
    return hashlib.sha256(hashed.encode()).hexdigest()[:16]


@lru_cache(maxsize=8)
def _read(path: Path, inode: int, size: int, mtime_ns: int) -> dict[str, tuple[User, str]]:
    """The file's users; the stat values are the cache key (any change reads it again)."""
    try:
        content = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise DataError(path, f"cannot read the users file ({error})") from error
    entries = content.get("users") if isinstance(content, dict) else None
    if not isinstance(entries, dict) or not entries:
        raise DataError(path, "no users: add some with scripts/users.py")
    return {str(username): _user(path, str(username), entry) for username, entry in entries.items()}


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
    name = str(entry.get("name") or username)
    return User(username, name, role, townships, bool(entry.get("disabled", False))), password
