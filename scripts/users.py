"""Add or change a user of a shared deployment in the users file (passwords stored as bcrypt).

    python scripts/users.py add USERNAME --role planner|promoter|field|admin
        [--name 名字] [--townships 211302205,211302100] [--file users.yaml] [--password-stdin]

The password is asked for twice (or read from standard input with --password-stdin) and only
its bcrypt hash is written. The file defaults to $ATLAS_USERS_FILE.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Sequence
from pathlib import Path

import streamlit_authenticator as stauth
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("STREAMLIT_LOGGER_LEVEL", "error")  # no bare-mode warnings on the console

from ui.signin import ROLES, USERS_FILE_ENV, load_users

MIN_PASSWORD = 8


def add_user(
    path: Path, username: str, *, role: str, name: str, password: str, townships: Sequence[str] = ()
) -> None:
    """Write (or replace) one user in the users file, the password as a bcrypt hash."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    if len(password) < MIN_PASSWORD:
        raise ValueError(f"the password must have at least {MIN_PASSWORD} characters")
    if role == "field" and not townships:
        raise ValueError("a field user needs --townships (statistical codes)")
    content = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else None
    content = content or {}
    users = content.setdefault("users", {})
    entry = {"name": name or username, "role": role, "password": stauth.Hasher.hash(password)}
    if townships:
        entry["townships"] = list(townships)
    users[username] = entry
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(content, allow_unicode=True, sort_keys=True), encoding="utf-8")
    path.chmod(0o600)
    load_users.cache_clear()
    load_users(path)  # the file still reads as a whole


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("密码 / password: ")
    if getpass.getpass("再输一次 / again: ") != first:
        sys.exit("the two passwords differ")
    return first


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=("add",))
    parser.add_argument("username")
    parser.add_argument("--role", required=True, choices=sorted(ROLES))
    parser.add_argument("--name", default="")
    parser.add_argument("--townships", default="")
    parser.add_argument("--file", type=Path, default=os.environ.get(USERS_FILE_ENV))
    parser.add_argument("--password-stdin", action="store_true")
    args = parser.parse_args(argv)
    if args.file is None:
        parser.error(f"give --file or set {USERS_FILE_ENV}")
    townships = [code.strip() for code in args.townships.split(",") if code.strip()]
    try:
        add_user(
            Path(args.file),
            args.username,
            role=args.role,
            name=args.name,
            password=_password(args.password_stdin),
            townships=townships,
        )
    except ValueError as error:
        sys.exit(str(error))
    print(f"{args.username} ({args.role}) written to {args.file}")


if __name__ == "__main__":
    main()
