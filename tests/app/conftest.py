"""A live app server and an offline headless Chromium for browser tests."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from scripts.shared_setup import wait_until_healthy

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SERVER_START_TIMEOUT_S = 60
PAGE_TIMEOUT_MS = 90_000

SERVER_LOG = ROOT / "test-output" / "streamlit-server.log"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def _served(
    audience: str, environment: dict[str, str] | None = None, *, name: str | None = None
) -> Iterator[str]:
    """A Streamlit server of the app for `audience` on a free local port, stopped afterwards.

    `environment` adds settings (a database URL, say); `name` tells its log from others."""
    port = _free_port()
    # The server's output goes to a file: an unread pipe fills up and blocks the server.
    log_path = SERVER_LOG.with_name(f"streamlit-server-{name or audience}.log")
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log = log_path.open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "app.py",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
        ],
        cwd=ROOT,
        env={
            **os.environ,
            "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
            "ATLAS_AUDIENCE": audience,
            **(environment or {}),
        },
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(url, process, SERVER_START_TIMEOUT_S, log_path)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=20)
        log.close()


@pytest.fixture(scope="session")
def app_url() -> Iterator[str]:
    with _served("internal") as url:
        yield url


@pytest.fixture(scope="session")
def promoter_url() -> Iterator[str]:
    with _served("promoter") as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    playwright_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium")
    with playwright_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def offline_page(browser):
    """A page that may reach only this machine: every outside request is aborted and recorded."""
    context = browser.new_context(viewport={"width": 1400, "height": 1200})
    page = context.new_page()
    page.set_default_timeout(PAGE_TIMEOUT_MS)
    page.outside_requests = []

    def only_local(route) -> None:
        url = route.request.url
        if url.startswith(("http://127.0.0.1", "http://localhost", "data:", "blob:", "about:")):
            route.continue_()
        else:
            page.outside_requests.append(url)
            route.abort()

    context.route("**/*", only_local)
    yield page
    context.close()
