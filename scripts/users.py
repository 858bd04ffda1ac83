"""Manage the users of a shared deployment in the users file (passwords stored as bcrypt).

    python scripts/users.py list
    python scripts/users.py add USERNAME --role planner|promoter|field|admin
        [--name 名字] [--townships 211302205,211302100] [--password-stdin]
    python scripts/users.py disable USERNAME      (enable USERNAME undoes it)
    python scripts/users.py remove USERNAME
    python scripts/users.py reset USERNAME [--password-stdin]

Every command takes --file (default $ATLAS_USERS_FILE). A password is asked for twice (or
read from standard input) and only its hash is written. The running app reads the file again
when it changes: a disabled or removed user, or one whose password was reset, is signed out
on their next click, on every replica.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import bcrypt
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from accounts.users_file import ROLES, USERS_FILE_ENV, load_users

MIN_PASSWORD = 8
MAX_PASSWORD_BYTES = 72  # bcrypt reads no more
MAX_USERNAME = 64


def add_user(
    path: Path, username: str, *, role: str, name: str, password: str, townships: Sequence[str] = ()
) -> None:
    """Write (or replace) one user in the users file, the password as a bcrypt hash."""
    _check_username(username)
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    if role == "field" and not townships:
        raise ValueError("a field user needs --townships (statistical codes)")
    entry = {"name": name or username, "role": role, "password": _hash(password)}
    if townships:
        entry["townships"] = list(townships)
    content = _content(path)
    content.setdefault("users", {})[username] = entry
    _write(path, content)


def set_disabled(path: Path, username: str, *, disabled: bool) -> None:
    """Disable a user (they cannot sign in, and are signed out) or enable them again."""
    content = _content(path)
    entry = _entry(path, content, username)
    if disabled:
        entry["disabled"] = True
    else:
        entry.pop("disabled", None)
    _write(path, content)


def remove_user(path: Path, username: str) -> None:
    """Remove a user; the last one cannot be removed (a users file without users is refused)."""
    content = _content(path)
    _entry(path, content, username)
    if len(content["users"]) == 1:
        raise ValueError("cannot remove the last user: disable them instead")
    del content["users"][username]
    _write(path, content)


def reset_password(path: Path, username: str, password: str) -> None:
    """Give a user a new password; their sessions end (the cookie names the old hash)."""
    content = _content(path)
    _entry(path, content, username)["password"] = _hash(password)
    _write(path, content)


def list_users(path: Path) -> list[str]:
    """One line per user: name, role, townships, disabled."""
    lines = []
    for username, (user, _hashed) in sorted(load_users(path).items()):
        townships = f" townships={','.join(user.townships)}" if user.townships else ""
        state = " DISABLED" if user.disabled else ""
        lines.append(f"{username!r} ({user.name!r}) {user.role}{townships}{state}")
    return lines


def _check_username(username: str) -> None:
    if not username or len(username) > MAX_USERNAME:
        raise ValueError(f"a user name has 1 to {MAX_USERNAME} characters")
    if not all(char.isalnum() or char in "._-@" for char in username):
        raise ValueError("a user name holds only letters, digits and . _ - @")


def _hash(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise ValueError(f"the password must have at least {MIN_PASSWORD} characters")
    if len(password.encode()) > MAX_PASSWORD_BYTES:
        raise ValueError(f"the password must have at most {MAX_PASSWORD_BYTES} bytes (UTF-8)")
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(12)).decode()


def _content(path: Path) -> dict:
    content = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else None
    return content if isinstance(content, dict) else {}


def _entry(path: Path, content: dict, username: str) -> dict:
    entry = (content.get("users") or {}).get(username)
    if not isinstance(entry, dict):
        raise ValueError(f"no user {username!r} in {path}")
    return entry


def _write(path: Path, content: dict) -> None:
    """Replace the file in one step (readers see the old or the new one), mode 0600; the
    result must read as a whole, else the old file stays."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            yaml.safe_dump(content, file, allow_unicode=True, sort_keys=True)
        os.chmod(temporary, 0o600)
        load_users(Path(temporary))
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("密码 / password: ")
    if getpass.getpass("再输一次 / again: ") != first:
        sys.exit("the two passwords differ")
    return first


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, default=os.environ.get(USERS_FILE_ENV))
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("list")
    add = commands.add_parser("add")
    add.add_argument("username")
    add.add_argument("--role", required=True, choices=sorted(ROLES))
    add.add_argument("--name", default="")
    add.add_argument("--townships", default="")
    add.add_argument("--password-stdin", action="store_true")
    for command in ("disable", "enable", "remove"):
        commands.add_parser(command).add_argument("username")
    reset = commands.add_parser("reset")
    reset.add_argument("username")
    reset.add_argument("--password-stdin", action="store_true")
    for sub in commands.choices.values():  # --file after the command too
        sub.add_argument("--file", type=Path, default=argparse.SUPPRESS)
    return parser


def main(argv: Sequence[str] | None = None) -> None:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.file is None:
        parser.error(f"give --file or set {USERS_FILE_ENV}")
    path = Path(args.file)
    try:
        if args.command == "list":
            print("\n".join(list_users(path)))
            return
        if args.command == "add":
            townships = [code.strip() for code in args.townships.split(",") if code.strip()]
            password = _password(args.password_stdin)
            add_user(
                path,
                args.username,
                role=args.role,
                name=args.name,
                password=password,
                townships=townships,
            )
        elif args.command in ("disable", "enable"):
            set_disabled(path, args.username, disabled=args.command == "disable")
        elif args.command == "remove":
            remove_user(path, args.username)
        else:
            reset_password(path, args.username, _password(args.password_stdin))
    except (ValueError, OSError) as error:  # DataError is a ValueError
        sys.exit(str(error))
    print(f"{args.command}: {args.username} in {path}")


if __name__ == "__main__":
    main()
