"""Sign-in on the real shared deployment (`make shared` in a temporary folder, free ports):
a copied cookie works on either replica until its owner signs out, then on neither; wrong
passwords through the proxy lock with the time said, logged in PostGIS with nginx's address;
a forged-algorithm cookie gets the form; the tile server under /tiles/ answers a signed-in
planner's cookie with a layer's vector tile, a promoter's only for the enclave layer, and no
cookie with 401."""

from __future__ import annotations

import base64
import gzip
import json
import shutil
import ssl
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jwt
import mapbox_vector_tile
import psycopg
import pytest

from accounts import open_account_store
from accounts.users_file import load_users, password_version
from maps.tiles import SERVER_LAYER_NAME
from scripts.shared.deployment import process_environment, replicas_running
from scripts.shared.processes import stop_process
from scripts.shared.web import start_replica, wait_until_healthy
from scripts.shared_setup import APP_ROLE, DATABASE, Settings, down, up
from tests.app.browser import TIMEOUT_MS
from tests.app.test_shared_setup import _settings
from ui.signin import COOKIE_NAME


@pytest.fixture(scope="module")
def shared() -> Iterator[tuple[Path, Settings, dict[str, str]]]:
    folder = Path(tempfile.mkdtemp(prefix="atlas-signin-"))  # PostgreSQL runs as postgres
    passwords: dict[str, str] = {}
    settings = _settings()
    try:
        up(folder, settings, announce=lambda user, password: passwords.__setitem__(user, password))
        yield folder, settings, passwords
    finally:
        down(folder)
        shutil.rmtree(folder, ignore_errors=True)


def _context(browser):
    return browser.new_context(viewport={"width": 1400, "height": 1000}, ignore_https_errors=True)


def _open(browser, url: str, cookie: str | None = None):
    context = _context(browser)
    if cookie is not None:
        context.add_cookies([{"name": COOKIE_NAME, "value": cookie, "url": url}])
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(f"{url}/about")
    return page


def _submit(page, username: str, password: str) -> None:
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


def _cookie(page) -> str | None:
    found = [c["value"] for c in page.context.cookies() if c["name"] == COOKIE_NAME]
    return found[0] if found and found[0] else None


def _wait_for_cookie(page) -> str:
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while _cookie(page) is None:
        assert time.monotonic() < deadline, "signing in set no cookie"
        time.sleep(0.1)
    return _cookie(page)


def _signed_in(page) -> bool:
    """True once the about page shows, False once the sign-in form does."""
    page.locator("h1, [data-testid='stTextInput']").first.wait_for()
    return page.get_by_role("heading", name="关于与数据").count() > 0


def test_signing_out_ends_a_copied_cookie_on_every_replica(shared, browser) -> None:
    _, settings, passwords = shared
    proxy = f"https://localhost:{settings.port}"
    replicas = [f"http://127.0.0.1:{port}" for port in settings.replica_ports]
    page = _open(browser, proxy)
    _submit(page, "planner", passwords["planner"])
    page.get_by_role("heading", name="关于与数据").first.wait_for()
    copied = _wait_for_cookie(page)
    kept = next(c for c in page.context.cookies() if c["name"] == COOKIE_NAME)
    assert kept["secure"] and kept["sameSite"] == "Strict"  # over HTTPS; HttpOnly: see README
    for replica in replicas:
        tab = _open(browser, replica, copied)
        assert _signed_in(tab), replica
        tab.context.close()
    page.get_by_role("button", name="退出登录").click()
    page.get_by_label("用户名").wait_for()
    for replica in replicas:
        tab = _open(browser, replica, copied)
        assert not _signed_in(tab), replica
        tab.context.close()
    page.context.close()


def _events(app_url: str) -> list[tuple[str, str]]:
    with psycopg.connect(app_url) as connection:
        return connection.execute(
            "SELECT event, address FROM atlas_signin_log WHERE username = 'promoter' ORDER BY id"
        ).fetchall()


def _wait_for_events(app_url: str, count: int) -> list[tuple[str, str]]:
    """The log once it holds `count` rows (each submission waited for, none cut short)."""
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while len(rows := _events(app_url)) < count:
        assert time.monotonic() < deadline, rows
        time.sleep(0.1)
    return rows


def test_wrong_passwords_lock_and_are_logged_with_the_clients_address(shared, browser) -> None:
    folder, settings, passwords = shared
    app_url = _app_url(folder, settings)
    page = _open(browser, f"https://localhost:{settings.port}")
    for attempt in range(5):
        _submit(page, "promoter", f"wrong-{attempt}")
        _wait_for_events(app_url, attempt + 1)
    page.get_by_text("北京时间").wait_for()
    _submit(page, "promoter", passwords["promoter"])  # the right one, while locked
    rows = _wait_for_events(app_url, 7)
    page.get_by_text("北京时间").wait_for()
    assert page.get_by_role("heading", name="关于与数据").count() == 0
    page.context.close()
    assert [event for event, _ in rows] == [*["failure"] * 5, "lockout", "locked"]
    assert {address for _, address in rows} == {
        "127.0.0.1"
    }  # the browser as nginx saw it (X-Real-IP)


def _b64(part: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(part).encode()).rstrip(b"=").decode()


def test_a_cookie_naming_no_algorithm_gets_the_form(shared, browser) -> None:
    _, settings, _ = shared
    payload = {
        "sub": "admin",
        "sid": "x",
        "pwv": "y",
        "exp": int(datetime.now(UTC).timestamp()) + 600,
    }
    forged = _b64({"alg": "none", "typ": "JWT"}) + "." + _b64(payload) + "."
    page = _open(browser, f"https://localhost:{settings.port}", forged)
    assert not _signed_in(page)
    assert "Traceback" not in page.locator("body").inner_text()
    page.context.close()


def _get(settings: Settings, path: str, cookie: str | None, **headers: str):
    """GET `path` through nginx over HTTPS: (status, body, the reply's headers)."""
    context = ssl.create_default_context()
    context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
    headers |= {"Cookie": f"{COOKIE_NAME}={cookie}"} if cookie else {}
    request = urllib.request.Request(f"https://127.0.0.1:{settings.port}{path}", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10, context=context) as reply:
            return reply.status, reply.read(), reply.headers
    except urllib.error.HTTPError as refusal:
        return refusal.code, refusal.read(), refusal.headers


def _issued(folder: Path, settings: Settings, username: str) -> str:
    """A cookie as signing in issues it, its session opened in PostGIS (this address is locked
    out of the form by the test above)."""
    now = datetime.now(UTC)
    accounts = open_account_store(_app_url(folder, settings))
    session = accounts.open_session(
        username, address="127.0.0.1", now=now, lifetime=timedelta(hours=1)
    )
    _, hashed = load_users(folder / "users.yaml")[username]
    payload = {"sub": username, "sid": session, "pwv": password_version(hashed)}
    payload |= {"iat": int(now.timestamp()), "exp": int(now.timestamp()) + 3600}
    key = (folder / "secrets" / "cookie.key").read_text(encoding="utf-8").strip()
    return jwt.encode(payload, key, algorithm="HS256")


def _app_url(folder: Path, settings: Settings) -> str:
    return (
        f"postgresql://{APP_ROLE}@/{DATABASE}?host={folder}/pg&port={settings.pg_port}"
        f"&passfile={folder}/secrets/app.pgpass"
    )


def _tile(key: str) -> str:
    """The address of layer `key`'s tile over the city core (as ATLAS_TILE_SERVER names it)."""
    return f"/tiles/collections/atlas_tiles.{key}/tiles/WebMercatorQuad/12/3418/1527"


def test_tiles_come_through_the_proxy_to_signed_in_users_only(shared) -> None:
    folder, settings, _ = shared
    cookies = {name: _issued(folder, settings, name) for name in ("planner", "promoter")}
    tile = _tile("closed_communities")
    status, body, headers = _get(settings, tile, cookies["planner"])
    assert (status, headers["Cache-Control"]) == (200, "private, no-store")
    features = mapbox_vector_tile.decode(body)[SERVER_LAYER_NAME]["features"]
    assert features and {"_id", "_color", "name"} <= set(features[0]["properties"])
    assert _get(settings, _tile("closed_communities"), None)[:2] == (401, b"sign in first\n")
    assert _get(settings, _tile("eco_redline"), cookies["promoter"])[0] == 403
    assert _get(settings, _tile("enclave_projects"), cookies["promoter"])[0] == 200
    zipped = _get(settings, tile, cookies["planner"], **{"Accept-Encoding": "gzip"})
    assert zipped[2]["Content-Encoding"] == "gzip" and gzip.decompress(zipped[1]) == body
    for path in ("/tiles/", "/tiles/collections", "/tiles/api", "/tiles/healthz"):
        assert _get(settings, path, cookies["planner"])[:2] == (404, b"not found\n"), path
    for pid in replicas_running(folder).values():
        assert process_environment(pid)["ATLAS_TILE_SERVER"] == "/tiles"


def test_up_restarts_a_replica_started_before_the_tile_server(shared) -> None:
    folder, settings, _ = shared
    old_port, kept_port = settings.replica_ports
    running = replicas_running(folder)
    environment = process_environment(running[old_port])
    stop_process(running[old_port], group=True)
    del environment["ATLAS_TILE_SERVER"]  # as a deployment made before it was
    log = folder / f"replica-{old_port}.log"
    old = start_replica(folder, old_port, environment, log)
    wait_until_healthy(f"http://127.0.0.1:{old_port}", old, 90, log)
    up(folder, settings)
    after = replicas_running(folder)
    assert after[kept_port] == running[kept_port]  # told already: left alone
    assert after[old_port] != old.pid
    assert process_environment(after[old_port])["ATLAS_TILE_SERVER"] == "/tiles"
