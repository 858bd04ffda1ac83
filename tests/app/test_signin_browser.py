"""Sign-in in a real browser against a served app: the cookie a browser keeps signs a new tab
in until its owner signs out; after that the same cookie, copied, gets only the sign-in form;
a cookie naming another algorithm gets the form, never an error."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import jwt
import pytest

from scripts.users import add_user
from tests.app.browser import TIMEOUT_MS
from tests.app.conftest import _served
from ui.signin import COOKIE_KEY_ENV, COOKIE_NAME, USERS_FILE_ENV

COOKIE_KEY = "s" * 64
PASSWORD = "field-pass-12"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("signin")
    users = folder / "users.yaml"
    add_user(users, "li", role="field", name="工作队", password=PASSWORD, townships=["211302205"])
    settings = {
        USERS_FILE_ENV: str(users),
        COOKIE_KEY_ENV: COOKIE_KEY,
        "ATLAS_VISITS_DB": str(folder / "field" / "visits.sqlite"),
    }
    with _served("internal", settings, name="signin-sessions") as url:
        yield url


def _cookie(page) -> str | None:
    found = [c["value"] for c in page.context.cookies() if c["name"] == COOKIE_NAME]
    return found[0] if found and found[0] else None


def _wait(condition, what: str) -> None:
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.1)


def _new_tab(browser, url: str, cookie: str):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.add_cookies([{"name": COOKIE_NAME, "value": cookie, "url": url}])
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(f"{url}/about")
    return page


def test_signing_out_ends_a_copied_cookie(served: str, browser) -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(f"{served}/about")
    page.get_by_label("用户名").fill("li")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_role("heading", name="关于与数据").wait_for()
    _wait(lambda: _cookie(page) is not None, "signing in set no cookie")
    copied = _cookie(page)
    other = _new_tab(browser, served, copied)
    other.get_by_role("heading", name="关于与数据").wait_for()  # signed in by the cookie
    other.context.close()
    page.get_by_role("button", name="退出登录").click()
    page.get_by_label("用户名").wait_for()
    _wait(lambda: _cookie(page) is None, "signing out left the cookie")
    again = _new_tab(browser, served, copied)
    again.get_by_label("用户名").wait_for()
    assert again.get_by_role("heading", name="关于与数据").count() == 0
    again.context.close()
    context.close()


def _b64(part: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(part).encode()).rstrip(b"=").decode()


@pytest.mark.parametrize("algorithm", ["none", "HS512"])
def test_a_cookie_of_another_algorithm_gets_the_form(served: str, browser, algorithm: str) -> None:
    payload = {"sub": "li", "sid": "x", "pwv": "y", "exp": int(datetime.now(UTC).timestamp()) + 600}
    if algorithm == "none":
        token = _b64({"alg": "none", "typ": "JWT"}) + "." + _b64(payload) + "."
    else:
        token = jwt.encode(payload, COOKIE_KEY, algorithm="HS512")
    page = _new_tab(browser, served, token)
    page.get_by_label("用户名").wait_for()
    body = page.locator("body").inner_text()
    assert "Traceback" not in body and "Error" not in body and str(Path.cwd()) not in body
    page.context.close()
