"""The users file: only bcrypt hashes, known roles, field users with townships; problems named."""

from __future__ import annotations

from pathlib import Path

import bcrypt
import pytest

from geo.errors import DataError
from scripts.users import add_user
from ui.signin import load_users


def test_users_are_written_with_hashes_only(tmp_path: Path) -> None:
    path = tmp_path / "users.yaml"
    add_user(path, "wang", role="planner", name="王规划", password="plan-2026-secret")
    add_user(
        path, "li", role="field", name="李", password="field-2026-secret", townships=["211302205"]
    )
    text = path.read_text(encoding="utf-8")
    assert "plan-2026-secret" not in text and "field-2026-secret" not in text
    users = load_users(path)
    user, hashed = users["wang"]
    assert (user.name, user.role) == ("王规划", "planner")
    assert bcrypt.checkpw(b"plan-2026-secret", hashed.encode())
    assert users["li"][0].townships == ("211302205",)
    assert oct(path.stat().st_mode & 0o777) == "0o600"


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        ("{password: secret, role: planner}", "must be stored as a bcrypt hash"),
        ("{password: '$2b$12$" + "a" * 53 + "', role: boss}", "role 'boss' is not one of"),
        ("{password: '$2b$12$" + "a" * 53 + "', role: field}", "needs the townships"),
    ],
)
def test_a_bad_users_file_is_refused_by_name(tmp_path: Path, entry: str, problem: str) -> None:
    path = tmp_path / "users.yaml"
    path.write_text(f"users:\n  wang: {entry}\n", encoding="utf-8")
    with pytest.raises(DataError, match=problem) as caught:
        load_users(path)
    assert str(path) in str(caught.value)


def test_weak_passwords_and_unknown_roles_are_not_written(tmp_path: Path) -> None:
    path = tmp_path / "users.yaml"
    with pytest.raises(ValueError, match="at least 8"):
        add_user(path, "wang", role="planner", name="", password="short")
    with pytest.raises(ValueError, match="needs --townships"):
        add_user(path, "li", role="field", name="", password="long-enough-1")
    assert not path.exists()
