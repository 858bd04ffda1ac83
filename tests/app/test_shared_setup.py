"""The one command of a shared deployment (`make shared`): PostGIS, users, two replicas, nginx.
Brought up in a temporary folder on free ports; a user signs in through the proxy and gets
their role's pages; everything stops again."""

from __future__ import annotations

import shutil
import socket
import tempfile
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from scripts.shared_setup import DEMO_USERS, down, up
from tests.app.browser import TIMEOUT_MS


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def shared() -> Iterator[tuple[str, Path, dict]]:
    # Not under pytest's own folder: that is private to root, and PostgreSQL runs as postgres.
    folder = Path(tempfile.mkdtemp(prefix="atlas-shared-"))
    folder.chmod(0o755)
    printed: dict[str, str] = {}
    first = _free_port()
    while not all(_port_free(first + n) for n in range(2)):
        first = _free_port()
    try:
        address = up(
            folder,
            2,
            _free_port(),
            pg_port=_free_port(),
            first_replica_port=first,
            announce=lambda user, password: printed.__setitem__(user, password),
        )
        yield address, folder, printed
    finally:
        down(folder)
        shutil.rmtree(folder, ignore_errors=True)


def _port_free(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def test_the_proxy_serves_the_replicas_and_users_hold_hashes_only(shared) -> None:
    address, folder, passwords = shared
    with urllib.request.urlopen(f"{address}/_stcore/health", timeout=10) as response:
        assert response.status == 200
    users = yaml.safe_load((folder / "users.yaml").read_text(encoding="utf-8"))["users"]
    assert set(users) == set(DEMO_USERS) == set(passwords)
    for username, password in passwords.items():
        assert password not in str(users[username])
    assert len(list(folder.glob("replica-*.pid"))) == 2


def test_a_field_user_signs_in_through_the_proxy(shared, browser) -> None:
    address, _, passwords = shared
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(f"{address}/")
    page.get_by_label("用户名").fill("field")
    page.get_by_label("密码").fill(passwords["field"])
    page.get_by_role("button", name="登录").click()
    # .first: during the run after signing in, Streamlit may briefly hold the old heading too
    page.get_by_role("heading", name="覆盖核查").first.wait_for()
    links = [link.inner_text() for link in page.locator("[data-testid='stSidebarNavLink']").all()]
    assert [link.split()[-1] for link in links] == ["覆盖核查", "关于与数据"]
    page.close()
