"""The users file: only bcrypt hashes, known roles, field users with townships; problems named."""

from __future__ import annotations

import io
import sys
import tomllib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import bcrypt
import psycopg
import pytest

from accounts import EVENTS, SESSION_HOURS_ENV, session_lifetime
from accounts.postgis import PostgisAccountStore, prepare
from accounts.sqlite import SqliteAccountStore
from geo.errors import DataError
from scripts.users import add_user, main
from ui.i18n import text
from ui.signin import _locked_message, account_store, load_users

ROOT = Path(__file__).resolve().parents[2]


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


def _cli(arguments: list[str], capsys: pytest.CaptureFixture[str], stdin: str = "") -> str:
    old = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        main(arguments)
    finally:
        sys.stdin = old
    return capsys.readouterr().out


def test_the_users_command_lists_adds_disables_resets_and_removes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = str(tmp_path / "users.yaml")
    _cli(
        ["add", "wang", "--role", "planner", "--name", "王", "--file", path, "--password-stdin"],
        capsys,
        "plan-2026-secret\n",
    )
    _cli(
        [
            "--file",
            path,
            "add",
            "li",
            "--role",
            "field",
            "--townships",
            "211302205,211302100",
            "--password-stdin",
        ],
        capsys,
        "field-2026-secret\n",
    )
    listed = _cli(["list", "--file", path], capsys)
    assert "'wang' ('王') planner" in listed
    assert "'li' ('li') field townships=211302205,211302100" in listed
    _cli(["disable", "wang", "--file", path], capsys)
    assert load_users(Path(path))["wang"][0].disabled
    assert "DISABLED" in _cli(["list", "--file", path], capsys)
    _cli(["enable", "wang", "--file", path], capsys)
    assert not load_users(Path(path))["wang"][0].disabled
    old_hash = load_users(Path(path))["wang"][1]
    _cli(["reset", "wang", "--file", path, "--password-stdin"], capsys, "new-2026-secret\n")
    new_hash = load_users(Path(path))["wang"][1]
    assert new_hash != old_hash and bcrypt.checkpw(b"new-2026-secret", new_hash.encode())
    _cli(["remove", "li", "--file", path], capsys)
    assert set(load_users(Path(path))) == {"wang"}
    with pytest.raises(SystemExit, match="last user"):
        _cli(["remove", "wang", "--file", path], capsys)
    with pytest.raises(SystemExit, match="no user 'nobody'"):
        _cli(["disable", "nobody", "--file", path], capsys)
    assert oct(Path(path).stat().st_mode & 0o777) == "0o600"
    assert [p.name for p in tmp_path.iterdir()] == ["users.yaml"]  # no temporary file left


@pytest.mark.parametrize(
    ("username", "password", "problem"),
    [
        ("<b>wang</b>", "long-enough-1", "only letters"),
        ("wang\x00", "long-enough-1", "only letters"),
        ("w" * 65, "long-enough-1", "1 to 64"),
        ("wang", "长" * 25, "at most 72 bytes"),
    ],
)
def test_hostile_names_and_passwords_are_not_written(
    tmp_path: Path, username: str, password: str, problem: str
) -> None:
    path = tmp_path / "users.yaml"
    with pytest.raises(ValueError, match=problem):
        add_user(path, username, role="planner", name="", password=password)
    assert not path.exists()


def test_a_changed_users_file_is_read_again(tmp_path: Path) -> None:
    path = tmp_path / "users.yaml"
    add_user(path, "wang", role="planner", name="", password="plan-2026-secret")
    assert set(load_users(path)) == {"wang"}
    add_user(path, "zhao", role="promoter", name="", password="promo-2026-secret")
    assert set(load_users(path)) == {"wang", "zhao"}
    path.write_text("users: {}\n", encoding="utf-8")  # edited by hand, badly
    with pytest.raises(DataError, match="no users"):
        load_users(path)


def test_the_account_store_lies_beside_the_visits_or_in_postgis(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, postgis_url: str
) -> None:
    monkeypatch.delenv("ATLAS_DATABASE_URL", raising=False)
    monkeypatch.setenv("ATLAS_VISITS_DB", str(tmp_path / "field" / "visits.sqlite"))
    local = account_store()
    assert isinstance(local, SqliteAccountStore)
    assert local.path == tmp_path / "field" / "accounts.sqlite"
    monkeypatch.setenv("ATLAS_DATABASE_URL", postgis_url)
    with pytest.raises(DataError, match="sign-in tables are missing"):  # the app creates none
        account_store()
    with psycopg.connect(postgis_url, autocommit=True) as connection:
        prepare(connection, "atlas")
    assert isinstance(account_store(), PostgisAccountStore)


@pytest.mark.parametrize("event", EVENTS)
def test_every_logged_event_reads_in_chinese_and_english(event: str) -> None:
    assert text(f"signin_event_{event}", "zh") != text(f"signin_event_{event}", "en")


def test_the_lock_message_names_the_time_in_beijing() -> None:
    until = datetime(2026, 12, 3, 16, 30, 5, tzinfo=UTC)
    assert "2026-12-04 00:30:05 Beijing time" in _locked_message(until, "en")
    assert "北京时间 2026-12-04 00:30:05" in _locked_message(until, "zh")


def test_no_traceback_reaches_a_browser() -> None:
    """The replicas run in the project folder, so its configuration is theirs."""
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["showErrorDetails"] == "none"


def test_the_session_lifetime_is_a_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(SESSION_HOURS_ENV, raising=False)
    assert session_lifetime() == timedelta(hours=8)
    monkeypatch.setenv(SESSION_HOURS_ENV, "2.5")
    assert session_lifetime() == timedelta(hours=2.5)
    for wrong in ("eight", "0", "-1", "100000"):
        monkeypatch.setenv(SESSION_HOURS_ENV, wrong)
        with pytest.raises(ValueError, match=SESSION_HOURS_ENV):
            session_lifetime()
