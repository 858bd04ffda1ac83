"""Deep links in a real browser: a page's URL opens that page (no "Page not found" flash, not
even for the first page), survives the sign-in form, and a page this session may not open says
so in plain words instead of showing its content or another page."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime, timedelta

import jwt
import pytest

from scripts.users import add_user
from tests.app.browser import TIMEOUT_MS
from tests.app.conftest import _served
from ui.i18n import text
from ui.signin import COOKIE_KEY_ENV, COOKIE_NAME, USERS_FILE_ENV

COOKIE_KEY = "d" * 64
PASSWORD = "field-pass-12"
WATCH_S = 2.0
REFUSED = text("page_not_open", "zh")
# Polls every 50 ms and watches every change: a "Page not found" shown for an instant is caught.
NOT_FOUND_WATCH = """
window.__pageNotFound = false;
const look = () => {
  const shown = document.body ? document.body.innerText : "";
  if (shown.includes("Page not found") || shown.includes("找不到")) window.__pageNotFound = true;
};
setInterval(look, 50);
new MutationObserver(look).observe(document, {subtree: true, childList: true, characterData: true});
"""


@pytest.fixture
def watched(browser) -> Iterator:
    """A browser page that remembers whether "Page not found" was ever shown."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.add_init_script(NOT_FOUND_WATCH)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    yield page
    context.close()


@pytest.fixture(scope="module")
def signin_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    users = tmp_path_factory.mktemp("users") / "users.yaml"
    add_user(users, "li", role="field", name="工作队", password=PASSWORD, townships=["211302205"])
    with _served(
        "internal", {USERS_FILE_ENV: str(users), COOKIE_KEY_ENV: COOKIE_KEY}, name="deep-links"
    ) as url:
        yield url


def _wait_for_cookie(page) -> None:
    """Wait until the browser holds the sign-in cookie."""
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while not any(cookie["name"] == COOKIE_NAME for cookie in page.context.cookies()):
        assert time.monotonic() < deadline, "signing in set no cookie"
        page.wait_for_timeout(100)


def _open(page, url: str, heading: str) -> None:
    """Open `url`, wait for `heading`, and watch at least the first two seconds."""
    started = time.monotonic()
    page.goto(url)
    page.get_by_role("heading", name=heading).wait_for(timeout=TIMEOUT_MS)
    page.wait_for_timeout(max(0.0, WATCH_S - (time.monotonic() - started)) * 1000)
    assert not page.evaluate("() => window.__pageNotFound"), f"{url} flashed 'Page not found'"
    assert page.url == url, "the URL was rewritten"


def _refused(page, url: str, heading: str) -> None:
    """Open `url`: the refusal in plain words, never the page's heading, the URL kept."""
    page.goto(url)
    page.get_by_text(REFUSED).wait_for(timeout=TIMEOUT_MS)
    assert page.get_by_role("heading", name=heading).count() == 0
    assert page.url == url
    assert not page.evaluate("() => window.__pageNotFound")


@pytest.mark.parametrize(
    ("path", "heading"),
    [
        ("", "总览"),
        ("overview", "总览"),
        ("coverage", "覆盖核查"),
        ("data", "数据管理"),
        ("history", "变更记录"),
    ],
)
def test_an_internal_page_url_opens_that_page(app_url: str, watched, path, heading) -> None:
    _open(watched, f"{app_url}/{path}", heading)


def test_a_promoter_url_opens_its_page_and_refuses_the_others(promoter_url: str, watched) -> None:
    _open(watched, f"{promoter_url}/presentation", "双塔区飞地招商项目")
    _refused(watched, f"{promoter_url}/history", "变更记录")
    _refused(watched, f"{promoter_url}/data", "数据管理")
    assert watched.locator("[data-testid='stFileUploader']").count() == 0
    links = watched.locator("[data-testid='stSidebarNav']").inner_text()
    assert "招商展示" in links and "数据管理" not in links  # the menu: only the pages it may open
    watched.get_by_text("English").click()  # a rerun keeps the page, the refusal in English
    watched.get_by_text(text("page_not_open", "en")).wait_for(timeout=TIMEOUT_MS)
    assert watched.url == f"{promoter_url}/data"


def test_a_link_survives_the_sign_in_form(signin_url: str, watched) -> None:
    page = watched
    page.goto(f"{signin_url}/about")  # not her first page: signing in must not lose the link
    page.get_by_label("用户名").fill("li")
    assert page.get_by_role("heading", name="关于与数据").count() == 0  # nothing before sign-in
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_role("heading", name="关于与数据").wait_for(timeout=TIMEOUT_MS)
    assert page.url == f"{signin_url}/about"
    _wait_for_cookie(page)  # set by a component of its own, a moment after the page shows
    # New sessions signed in by the cookie: a link opens, or says it is not open to her.
    _open(page, f"{signin_url}/coverage", "覆盖核查")
    _refused(page, f"{signin_url}/enclave", "飞地招商")


@pytest.mark.parametrize(
    ("key", "expires"), [("forged" * 11, timedelta(days=1)), (COOKIE_KEY, -timedelta(hours=1))]
)
def test_a_forged_or_stale_cookie_gets_the_sign_in_form(
    signin_url: str, watched, key: str, expires: timedelta
) -> None:
    expiry = (datetime.now() + expires).timestamp()
    token = jwt.encode({"username": "li", "exp_date": expiry}, key, algorithm="HS256")
    watched.context.add_cookies([{"name": COOKIE_NAME, "value": token, "url": signin_url}])
    watched.goto(f"{signin_url}/coverage")
    watched.get_by_label("用户名").wait_for(timeout=TIMEOUT_MS)
    assert watched.get_by_role("heading", name="覆盖核查").count() == 0
    assert watched.url == f"{signin_url}/coverage"
