"""Signed-in roles in a real browser: what each role's browser receives (pages, websocket
messages, downloads) holds no internal field value, and a page outside the role, opened by
its URL, says it is not open to them."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader

from scripts.users import add_user
from tests.app.browser import TIMEOUT_MS, wait_for_drawn_map, wait_until_idle
from tests.app.conftest import _served
from tests.app.test_no_internal_fields import _internal_values, _Recorder
from ui.signin import COOKIE_KEY_ENV, USERS_FILE_ENV

PASSWORDS = {"zhao": "promoter-pass-1", "li": "field-pass-12"}


@pytest.fixture(scope="module")
def signin_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    users = tmp_path_factory.mktemp("users") / "users.yaml"
    add_user(users, "zhao", role="promoter", name="招商", password=PASSWORDS["zhao"])
    add_user(
        users, "li", role="field", name="工作队", password=PASSWORDS["li"], townships=["211302205"]
    )
    settings = {USERS_FILE_ENV: str(users), COOKIE_KEY_ENV: "c" * 64}
    with _served("internal", settings, name="signin") as url:
        yield url


def _sign_in(page, url: str, username: str) -> None:
    page.goto(f"{url}/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORDS[username])
    page.get_by_role("button", name="登录").click()


def test_a_promoter_receives_nothing_internal_and_no_other_page(
    signin_server: str, offline_page, tmp_path: Path
) -> None:
    page = offline_page
    recorder = _Recorder(page)
    _sign_in(page, signin_server, "zhao")
    page.get_by_role("heading", name="飞地招商").wait_for(timeout=TIMEOUT_MS)
    wait_for_drawn_map(page)
    wait_until_idle(page)
    with page.expect_download(timeout=TIMEOUT_MS) as download:
        page.get_by_role("button", name="项目资料 PDF").click()
    sheets = PdfReader(io.BytesIO(Path(download.value.path()).read_bytes()))
    recorder.chunks.append("\n".join(p.extract_text() for p in sheets.pages).encode())
    assert recorder.leaked(_internal_values()) == []
    # Editing the URL opens a new session, signed in again by the cookie: still a promoter,
    # so the poverty page says it is not open to them and shows none of its content.
    page.goto(f"{signin_server}/poverty")
    page.get_by_text("此页面不对您开放").wait_for(timeout=TIMEOUT_MS)
    assert page.get_by_role("heading", name="脱贫与产业").count() == 0

    assert page.outside_requests == []


def test_a_field_team_receives_nothing_internal(signin_server: str, offline_page) -> None:
    page = offline_page
    recorder = _Recorder(page)
    _sign_in(page, signin_server, "li")
    page.get_by_role("heading", name="覆盖核查").wait_for(timeout=TIMEOUT_MS)
    wait_for_drawn_map(page)
    links = [link.inner_text() for link in page.locator("[data-testid='stSidebarNavLink']").all()]
    assert [link.split()[-1] for link in links] == ["覆盖核查", "关于与数据"]
    assert recorder.leaked(_internal_values()) == []
    assert page.outside_requests == []
