"""Sign-in in AppTest against the real account store: forged or stale cookies give the form,
sign-out and an admin end a session for every replica, wrong passwords lock (injected clock),
every attempt is logged, and users-file changes apply without a restart.

Two AppTest sessions sharing one store stand in for two replicas; the browser (its cookie,
nginx's X-Real-IP header, the websocket peer) is Streamlit's client context, replaced here.
"""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import jwt
import pytest
import streamlit.runtime.context
from streamlit.testing.v1 import AppTest

from accounts.signin_token import COOKIE_NAME, Claims, issue_token
from accounts.users_file import load_users, password_version
from scripts.users import add_user, remove_user, reset_password, set_disabled
from ui import signin
from ui.signin import COOKIE_KEY_ENV, USERS_FILE_ENV, account_store

APP = str(Path(__file__).resolve().parents[2] / "app.py")
KEY = "k" * 64
PASSWORD = "sun-secret-2026"
FORM = ["用户名", "密码"]


@pytest.fixture
def browser(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> SimpleNamespace:
    """One users file and account store for this test; the browser the next run comes from."""
    users = tmp_path / "users.yaml"
    add_user(users, "sun", role="admin", name="孙管理", password=PASSWORD)
    add_user(users, "wang", role="planner", name="王", password="wang-secret-2026")
    monkeypatch.setenv(USERS_FILE_ENV, str(users))
    monkeypatch.setenv(COOKIE_KEY_ENV, KEY)
    monkeypatch.setenv("ATLAS_VISITS_DB", str(tmp_path / "field" / "visits.sqlite"))
    monkeypatch.delenv("ATLAS_DATABASE_URL", raising=False)
    client = SimpleNamespace(
        cookies={}, headers=[("Host", "atlas"), ("X-Real-IP", "10.1.2.3")], remote_ip="127.0.0.1"
    )
    monkeypatch.setattr(streamlit.runtime.context, "_get_client_context", lambda: client)
    client.users = users
    return client


def _app() -> AppTest:
    return AppTest.from_file(APP, default_timeout=120)


def _form_shown(app: AppTest) -> bool:
    assert not app.exception, app.exception
    return [field.label for field in app.text_input] == FORM


def _submit(app: AppTest, username: str, password: str) -> AppTest:
    app.text_input[0].set_value(username)
    app.text_input[1].set_value(password)
    return app.button[0].click().run()


def _cookie_for(app: AppTest) -> str:
    """The cookie the browser was given when `app` signed in."""
    claims = app.session_state["atlas_signin_claims"]
    return issue_token(claims, now=signin.now())


def _b64(part: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(part).encode()).rstrip(b"=").decode()


def _payload(**changes: object) -> dict:
    payload = {
        "sub": "sun",
        "sid": "x",
        "pwv": "y",
        "exp": int(datetime.now(UTC).timestamp()) + 3600,
    }
    return {**payload, **changes}


FORGED = {
    "alg none": _b64({"alg": "none", "typ": "JWT"}) + "." + _b64(_payload()) + ".",
    "HS512 with our key": jwt.encode(_payload(), KEY, algorithm="HS512"),
    "HS256 another key": jwt.encode(_payload(), "another-key-" * 4, algorithm="HS256"),
    "garbage": "garbage",
    "three dots": "a.b.c",
    "header a list": _b64([]) + "." + _b64(_payload()) + ".c2ln",  # type: ignore[arg-type]
    "claims of wrong types": jwt.encode(_payload(sub=7, exp="soon"), KEY, algorithm="HS256"),
    "very long": "e" * 100_000,
    "markup": "<script>alert(1)</script>",
    "old library cookie": jwt.encode({"username": "sun", "exp_date": 4e9}, KEY, algorithm="HS256"),
}


@pytest.mark.parametrize("cookie", FORGED.values(), ids=FORGED.keys())
def test_a_forged_or_unreadable_cookie_means_signed_out(
    browser: SimpleNamespace, cookie: str
) -> None:
    browser.cookies = {COOKIE_NAME: cookie}
    app = _app().run()
    assert _form_shown(app)
    assert not app.metric and not app.title
    signed_in = _submit(app, "sun", PASSWORD)  # the form still works with the cookie there
    assert not _form_shown(signed_in)


def test_an_expired_cookie_of_a_real_session_means_signed_out(browser: SimpleNamespace) -> None:
    first = _submit(_app().run(), "sun", PASSWORD)
    claims = first.session_state["atlas_signin_claims"]
    stale = Claims(claims.username, claims.session_id, claims.password_version, signin.now())
    browser.cookies = {COOKIE_NAME: issue_token(stale, now=signin.now())}
    assert _form_shown(_app().run())
    browser.cookies = {COOKIE_NAME: _cookie_for(first)}  # the same session, its real expiry
    assert not _form_shown(_app().run())


def test_signing_out_ends_the_session_on_every_replica(browser: SimpleNamespace) -> None:
    replica_a = _submit(_app().run(), "sun", PASSWORD)
    assert not _form_shown(replica_a)
    browser.cookies = {COOKIE_NAME: _cookie_for(replica_a)}  # copied before signing out
    replica_b = _app().run()
    assert not _form_shown(replica_b)
    replica_a.sidebar.button(key="atlas-logout").click().run()
    assert _form_shown(replica_a)
    assert _form_shown(replica_b.run())  # the other replica's next run
    assert _form_shown(_app().run())  # and a new visit with the copied cookie
    events = [entry.event for entry in account_store().log()]
    assert events[:2] == ["signout", "signin"]


def test_an_admin_ends_another_users_sessions(browser: SimpleNamespace) -> None:
    wang = _submit(_app().run(), "wang", "wang-secret-2026")
    assert not _form_shown(wang)
    admin = _submit(_app().run(), "sun", PASSWORD)
    admin.switch_page("views/data/page.py").run()
    assert not admin.exception
    assert "wang" in admin.dataframe[-2].value.iloc[:, 0].tolist()  # the sessions table
    wang_key = next(
        r.key for r in account_store().sessions(now=signin.now()) if r.username == "wang"
    )
    admin.multiselect[0].set_value([wang_key])
    admin.button(key="FormSubmitter:atlas-revoke-sessions-结束所选会话").click().run()
    assert not admin.exception and "已结束 1 个会话。" in [s.value for s in admin.success]
    assert _form_shown(wang.run())
    assert not _form_shown(admin.run())  # the admin's own session goes on
    log = admin.dataframe[-1].value
    assert {"登录", "被管理员结束"} <= set(log["事件"])
    # Shown in Beijing time, as every time in the atlas (stored in UTC).
    latest = datetime.strptime(log["时间（北京时间）"].iloc[0], "%Y-%m-%d %H:%M:%S")
    beijing_now = datetime.now(UTC) + timedelta(hours=8)
    assert abs(beijing_now.replace(tzinfo=None) - latest) < timedelta(minutes=5)


def test_wrong_passwords_lock_the_user_until_the_time_said(
    browser: SimpleNamespace, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = [datetime(2026, 12, 3, 1, 0, tzinfo=UTC)]
    monkeypatch.setattr(signin, "now", lambda: clock[0])
    app = _app().run()
    for attempt in range(4):
        clock[0] += timedelta(seconds=30)
        _submit(app, "sun", f"wrong-{attempt}")
        assert [error.value for error in app.error] == ["用户名或密码不正确。"]
    clock[0] += timedelta(seconds=30)  # 01:02:30 UTC = 09:02:30 in Beijing
    _submit(app, "sun", "wrong-again")
    locked = "登录失败次数过多，已暂时锁定，请于北京时间 2026-12-03 09:17:30 之后再试。"
    assert [error.value for error in app.error] == [locked]
    clock[0] += timedelta(minutes=14)
    _submit(app, "sun", PASSWORD)  # the right password does not open a lock
    assert _form_shown(app) and [error.value for error in app.error] == [locked]
    clock[0] += timedelta(minutes=1)  # 01:17:30: the lock is over
    _submit(app, "sun", PASSWORD)
    assert not _form_shown(app)
    log = account_store().log()
    assert [entry.event for entry in reversed(log)] == [
        *["failure"] * 5,
        "lockout",
        "locked",
        "signin",
    ]
    assert {(entry.username, entry.address) for entry in log} == {("sun", "10.1.2.3")}
    assert log[0].at == clock[0]


def test_guesses_from_one_address_lock_that_address_only(browser: SimpleNamespace) -> None:
    app = _app().run()
    for attempt in range(5):
        _submit(app, f"guess{attempt}", "wrong-password")
    assert "锁定" in app.error[0].value
    _submit(app, "wang", "wang-secret-2026")
    assert _form_shown(app)  # every name from this address is locked
    browser.headers = [("Host", "atlas"), ("X-Real-IP", "10.1.2.4")]
    assert not _form_shown(_submit(_app().run(), "wang", "wang-secret-2026"))


def test_a_direct_peer_is_logged_and_its_forwarding_headers_ignored(
    browser: SimpleNamespace,
) -> None:
    browser.remote_ip = "192.168.5.9"
    browser.headers = [("Host", "atlas"), ("X-Real-IP", "1.2.3.4"), ("X-Forwarded-For", "5.6.7.8")]
    _submit(_app().run(), "sun", "wrong-password")
    assert account_store().log()[0].address == "192.168.5.9"


HOSTILE = {
    "markup": "<img src=x onerror=alert(1)>",
    "markdown": "**[click](javascript:alert(1))** :material/home:",
    "control characters": "sun\x00\x1b[31m\r\nadmin",
    "very long": "长" * 20_000,
}


@pytest.mark.parametrize("username", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_user_names_are_refused_and_logged_as_text(
    browser: SimpleNamespace, username: str
) -> None:
    app = _submit(_app().run(), username, "x" * 5000)
    assert _form_shown(app)
    assert [error.value for error in app.error] == ["用户名或密码不正确。"]
    entry = account_store().log()[0]
    assert entry.event == "failure" and len(entry.username) <= 65
    assert not any(ord(char) < 32 for char in entry.username)


def test_users_file_changes_apply_without_a_restart(browser: SimpleNamespace) -> None:
    users = browser.users
    session = _submit(_app().run(), "wang", "wang-secret-2026")
    assert not _form_shown(session)
    add_user(users, "zhao", role="promoter", name="赵", password="zhao-secret-2026")
    assert not _form_shown(_submit(_app().run(), "zhao", "zhao-secret-2026"))
    set_disabled(users, "wang", disabled=True)
    assert _form_shown(session.run())  # signed out on the next click
    assert _form_shown(_submit(_app().run(), "wang", "wang-secret-2026"))
    set_disabled(users, "wang", disabled=False)
    session = _submit(_app().run(), "wang", "wang-secret-2026")
    assert not _form_shown(session)
    reset_password(users, "wang", "wang-new-secret-1")
    assert _form_shown(session.run())  # a reset ends the old sign-ins
    session = _submit(_app().run(), "wang", "wang-new-secret-1")
    assert not _form_shown(session)
    remove_user(users, "wang")
    assert _form_shown(session.run())
    assert "wang" not in load_users(users)


def test_the_cookie_names_the_session_and_the_password_version(browser: SimpleNamespace) -> None:
    app = _submit(_app().run(), "sun", PASSWORD)
    token = jwt.decode(_cookie_for(app), KEY, algorithms=["HS256"])
    hashed = load_users(browser.users)["sun"][1]
    assert token["sub"] == "sun" and token["pwv"] == password_version(hashed)
    assert len(token["sid"]) >= 43
    # The cookie above is issued a moment after signing in (seconds, on a busy machine).
    lifetime = token["exp"] - token["iat"]
    assert 8 * 3600 - 60 <= lifetime <= 8 * 3600  # ATLAS_SESSION_HOURS' default


def _cookie_written(app: AppTest) -> list[str]:
    """The session ids (or "" for clearing) the page's cookie writers ask the browser to keep."""
    values = [
        json.loads(writer.proto.json_args)["value"] for writer in app.get("component_instance")
    ]
    return [value and jwt.decode(value, KEY, algorithms=["HS256"])["sid"] for value in values]


def test_the_cookie_is_asked_for_until_the_browser_has_written_it(
    browser: SimpleNamespace,
) -> None:
    app = _submit(_app().run(), "sun", PASSWORD)
    session = app.session_state["atlas_signin_claims"].session_id
    assert _cookie_written(app) == [session]
    # A rerun before the writer's frame has loaded (any widget, the map reporting its view)
    # must not take it off the page unrun: the user would be signed in for this tab only.
    assert _cookie_written(app.run()) == [session]
    app.session_state["atlas-cookie-set"] = True  # what the writer reports once it has written
    app.run()
    assert _cookie_written(app.run()) == []
    app.sidebar.button(key="atlas-logout").click().run()
    assert _form_shown(app)
    assert _cookie_written(app.run()) == [""]  # cleared, asked for again until done
