"""The shared deployment (`make shared`) as it runs on this machine: one deployment brought up in
a temporary folder on free ports and shared by the tests here, which attack it as another
local account and as the app's own database role, check HTTPS, the balancing per browser, busy
ports, bringing a partly running deployment back and stopping whatever runs (last)."""

from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
import yaml

from fieldwork.postgis_store import PostgisVisitStore
from scripts.local_postgis import Cluster, postgres_bin, start_cluster
from scripts.shared.database import prepare_database
from scripts.shared.deployment import nginx_pids, replicas_from_pid_files, replicas_running
from scripts.shared.processes import listening_pids
from scripts.shared.tile_process import tile_servers_running
from scripts.shared_setup import (
    APP_ROLE,
    DATABASE,
    DEMO_USERS,
    PortBusy,
    Settings,
    down,
    main,
    status,
    up,
)
from tests.app.browser import TIMEOUT_MS

PSQL = postgres_bin() / "psql" if postgres_bin() else Path("/usr/bin/psql")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _port_free(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def _settings() -> Settings:
    first = _free_port()
    while not all(_port_free(first + n) and first + n < 65535 for n in range(2)):
        first = _free_port()
    return Settings(
        port=_free_port(),
        http_port=_free_port(),
        replicas=2,
        replica_port=first,
        pg_port=_free_port(),
        tile_port=_free_port(),
    )


@pytest.fixture(scope="module")
def shared() -> Iterator[tuple[Path, Settings, dict[str, str]]]:
    # Not under pytest's own folder: that is private to root, and PostgreSQL runs as postgres.
    folder = Path(tempfile.mkdtemp(prefix="atlas-shared-"))
    printed: dict[str, str] = {}
    settings = _settings()
    try:
        up(folder, settings, announce=lambda user, password: printed.__setitem__(user, password))
        yield folder, settings, printed
    finally:
        down(folder)
        shutil.rmtree(folder, ignore_errors=True)


def _app_url(folder: Path, settings: Settings) -> str:
    return (
        f"postgresql://{APP_ROLE}@/{DATABASE}?host={folder}/pg&port={settings.pg_port}"
        f"&passfile={folder}/secrets/app.pgpass"
    )


def _tls(folder: Path) -> ssl.SSLContext:
    """Trust exactly the deployment's own self-signed certificate."""
    return ssl.create_default_context(cafile=str(folder / "tls" / "atlas.crt"))


def test_the_proxy_serves_the_replicas_and_users_hold_hashes_only(shared) -> None:
    folder, settings, passwords = shared
    with urllib.request.urlopen(
        f"https://localhost:{settings.port}/_stcore/health", timeout=10, context=_tls(folder)
    ) as response:
        assert response.status == 200
    users = yaml.safe_load((folder / "users.yaml").read_text(encoding="utf-8"))["users"]
    assert set(users) == set(DEMO_USERS) == set(passwords)
    for username, password in passwords.items():
        assert password not in str(users[username])
    assert sorted(replicas_running(folder)) == settings.replica_ports
    for secret in (folder / "secrets").iterdir():
        assert secret.stat().st_mode & 0o077 == 0, secret


def test_another_local_account_cannot_reach_the_database(shared) -> None:
    folder, settings, _ = shared
    assert (folder / "pg").stat().st_mode & 0o777 == 0o700
    as_nobody = ["runuser", "-u", "nobody", "--"] if os.geteuid() == 0 else []
    if not as_nobody:
        pytest.skip("runs as root to switch to another account")
    connect = f"host={folder}/pg port={settings.pg_port} dbname={DATABASE}"
    for user in ("atlas", "atlas_owner", APP_ROLE):
        result = subprocess.run(
            [*as_nobody, str(PSQL), f"{connect} user={user}", "-w", "-c", "SELECT 1"],
            capture_output=True,
            text=True,
        )
        assert result.returncode != 0
        assert "Permission denied" in result.stderr
    stolen = subprocess.run(
        [*as_nobody, "cat", str(folder / "secrets" / "app.pgpass")], capture_output=True
    )
    assert stolen.returncode != 0
    # Even the service account gets nowhere without a password: no trust left in pg_hba.
    with pytest.raises(psycopg.OperationalError, match="password"):
        psycopg.connect(f"{connect} user=atlas passfile=/dev/null")


def test_the_app_role_is_no_superuser_and_cannot_run_programs(shared) -> None:
    folder, settings, _ = shared
    denied = psycopg.errors.InsufficientPrivilege
    with psycopg.connect(_app_url(folder, settings), autocommit=True) as connection:
        flags = connection.execute(
            "SELECT rolsuper, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = current_user"
        ).fetchone()
        assert flags == (False, False, False)
        assert connection.execute("SELECT count(*) FROM layer_villages").fetchone()[0] > 0
        for statement in (
            "COPY (SELECT 1) TO PROGRAM 'id'",
            "SELECT rolpassword FROM pg_authid",
            "SELECT pg_read_file('/etc/hostname')",
            "DELETE FROM atlas_visits",
            "UPDATE atlas_visits SET note = ''",
            "DELETE FROM atlas_versions",
            "UPDATE atlas_changes SET layer = ''",
            "DELETE FROM history_villages",
            "CREATE TABLE stray (id int)",
        ):
            with pytest.raises(denied):
                connection.execute(statement)
        owned = connection.execute(
            "SELECT tablename FROM pg_tables WHERE tableowner = current_user"
        ).fetchall()
    assert owned == []


def test_https_answers_and_http_redirects(shared) -> None:
    folder, settings, _ = shared
    plain = http.client.HTTPConnection("127.0.0.1", settings.http_port, timeout=10)
    plain.request("GET", "/coverage?x=1")
    response = plain.getresponse()
    assert response.status == 301
    assert response.getheader("Location") == f"https://127.0.0.1:{settings.port}/coverage?x=1"
    with urllib.request.urlopen(
        f"https://localhost:{settings.port}/app/static/atlas-health.txt",
        timeout=10,
        context=_tls(folder),  # the certificate names localhost and verifies
    ) as secure:
        assert secure.read().strip() == b"shuangta-atlas"
        cookie = secure.headers["Set-Cookie"]
    assert {"Secure", "HttpOnly", "SameSite=Lax"} <= {p.strip() for p in cookie.split(";")}


def _served_by(
    folder: Path, settings: Settings, source: str, tag: str, cookie: str | None = None
) -> tuple[str, str]:
    """(replica port, route cookie) for one request from address `source`."""
    connection = http.client.HTTPSConnection(
        "127.0.0.1",
        settings.port,
        timeout=10,
        context=ssl._create_unverified_context(),  # the address is not in the certificate
        source_address=(source, 0),
    )
    headers = {"Cookie": f"atlas_route={cookie}"} if cookie else {}
    connection.request("GET", f"/app/static/atlas-health.txt?{tag}", headers=headers)
    response = connection.getresponse()
    response.read()
    route = re.search(r"atlas_route=([^;]+)", response.getheader("Set-Cookie")).group(1)
    connection.close()
    line = _logged(folder, f"?{tag} ")
    assert line.startswith(f"{source} ")  # nginx saw the address the client bound
    return line.rsplit(":", 1)[1], route


def _logged(folder: Path, text: str) -> str:
    """The access log's line holding `text` (nginx writes it just after it answers)."""
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        log = (folder / "nginx-access.log").read_text(encoding="utf-8")
        found = [line for line in log.splitlines() if text in line]
        if found:
            return found[-1]
        time.sleep(0.02)
    raise AssertionError(f"nginx logged no request with {text!r}")


def test_browsers_of_one_subnet_reach_both_replicas(shared) -> None:
    folder, settings, _ = shared
    wanted = {str(p) for p in settings.replica_ports}
    for source in ("127.0.0.2", "127.0.0.3"):
        # Twenty browsers behind one address: each new one gets its own route.
        replicas = {_served_by(folder, settings, source, f"{source}-{n}")[0] for n in range(20)}
        assert replicas == wanted, source
    # A browser keeps its replica while it keeps its cookie, whatever its address.
    replica, route = _served_by(folder, settings, "127.0.0.2", "first")
    for n, source in enumerate(["127.0.0.2", "127.0.0.3"] * 3):
        assert _served_by(folder, settings, source, f"again-{n}", route) == (replica, route)


def test_a_busy_port_fails_loudly_naming_it_and_starts_nothing(shared, capsys) -> None:
    _, settings, _ = shared
    other = Path(tempfile.mkdtemp(prefix="atlas-busy-"))
    try:
        with socket.socket() as holder:
            holder.bind(("127.0.0.1", 0))
            holder.listen()
            busy = holder.getsockname()[1]
            for wanted in (
                Settings(port=busy, http_port=_free_port(), replica_port=_free_port()),
                Settings(port=_free_port(), http_port=_free_port(), replica_port=busy - 1),
            ):
                with pytest.raises(PortBusy, match=rf"port {busy} .* by pid {os.getpid()} "):
                    up(other, wanted)
                assert replicas_running(other) == {}
                assert not (other / "pg").exists()
        # The running deployment's own HTTPS port, asked of a second deployment: named too.
        args = ["--port", str(settings.port), "--http-port", str(_free_port())]
        code = main(["up", "--folder", str(other), *args, "--replica-port", str(_free_port())])
        assert code == 2
        assert f"port {settings.port} (for HTTPS (nginx)) is already in use by pid" in (
            capsys.readouterr().err
        )
    finally:
        down(other)
        shutil.rmtree(other, ignore_errors=True)


def _pids(folder: Path, settings: Settings) -> dict[str, object]:
    return {
        "replicas": replicas_running(folder),
        "tiles": tile_servers_running(folder),
        "nginx": nginx_pids(folder)[0],
        "listeners": {p: listening_pids(p) for p in settings.replica_ports},
    }


def test_up_again_and_after_a_killed_replica_runs_each_part_once(shared, capsys) -> None:
    folder, settings, _ = shared
    before = _pids(folder, settings)
    assert all(len(pids) == 1 for pids in before["listeners"].values())
    up(folder, settings)
    assert _pids(folder, settings) == before  # nothing restarted, nothing doubled

    killed_port, killed = sorted(before["replicas"].items())[0]
    os.kill(killed, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while killed_port in replicas_running(folder) and time.monotonic() < deadline:
        time.sleep(0.1)
    everything, lines = status(folder)
    assert not everything
    line = next(line for line in lines if line.startswith(f"replica {killed_port}"))
    assert " stopped " in line and f"pid file says {killed}: stale" in line
    # Meanwhile every browser, whichever replica its route named, is served by the other.
    (alive_port,) = {str(p) for p in settings.replica_ports} - {str(killed_port)}
    for n in range(6):
        assert _served_by(folder, settings, "127.0.0.1", f"failover-{n}", f"r{n}")[0] == alive_port

    args = ["--folder", str(folder), "--port", str(settings.port)]
    args += ["--http-port", str(settings.http_port), "--replica-port", str(settings.replica_port)]
    args += ["--tile-port", str(settings.tile_port)]
    assert main(["up", *args, "--pg-port", str(settings.pg_port)]) == 0
    printed = capsys.readouterr().out
    assert f"served at https://localhost:{settings.port} by 2 replicas" in printed
    after = _pids(folder, settings)
    assert after["nginx"] == before["nginx"]
    assert after["tiles"] == before["tiles"] and list(after["tiles"]) == [settings.tile_port]
    kept = {p: pid for p, pid in before["replicas"].items() if p != killed_port}
    assert {p: after["replicas"][p] for p in kept} == kept
    assert after["replicas"][killed_port] != killed
    assert all(pids == {after["replicas"][p]} for p, pids in after["listeners"].items())
    assert (folder / f"replica-{killed_port}.pid").read_text() == str(
        after["replicas"][killed_port]
    )

    assert main(["status", "--folder", str(folder)]) == 0
    printed = capsys.readouterr().out.splitlines()
    parts = ["database", "replica", "replica", "tile", "nginx"]
    assert [line.split()[0] for line in printed] == parts
    assert all(" running " in line for line in printed)
    assert f"https://localhost:{settings.port}" in printed[-1]


def test_a_deployment_made_with_trust_is_switched_to_passwords() -> None:
    folder = Path(tempfile.mkdtemp(prefix="atlas-old-"))
    folder.chmod(0o711)  # the server's account passes through, as `up` leaves it
    pg_port = _free_port()
    try:
        old = start_cluster(folder / "pg", port=pg_port)  # as `make shared` made it before
        with psycopg.connect(old.url("postgres"), autocommit=True) as connection:
            connection.execute(f"CREATE DATABASE {DATABASE} TEMPLATE atlas_template OWNER atlas")
            connection.execute(f"CREATE ROLE {APP_ROLE} LOGIN PASSWORD 'old'")
        PostgisVisitStore(old.url(DATABASE))
        with psycopg.connect(old.url(DATABASE), autocommit=True) as connection:
            connection.execute(f"ALTER TABLE atlas_imports OWNER TO {APP_ROLE}")
        assert "trust" in (folder / "pg" / "data" / "pg_hba.conf").read_text()

        _, owner_url, _ = prepare_database(folder, pg_port)

        hba = (folder / "pg" / "data" / "pg_hba.conf").read_text()
        assert "trust" not in hba and "scram-sha-256" in hba
        with pytest.raises(psycopg.OperationalError, match="password"):
            psycopg.connect(f"{old.url(DATABASE)}&passfile=/dev/null")
        with psycopg.connect(owner_url, autocommit=True) as connection:
            owners = dict(
                connection.execute(
                    "SELECT tablename, tableowner FROM pg_tables WHERE tablename LIKE 'atlas_%'"
                ).fetchall()
            )
        assert owners["atlas_imports"] == "atlas_owner"
        assert set(owners.values()) == {"atlas_owner"}
    finally:
        Cluster(folder / "pg", pg_port, postgres_bin()).stop(remove=False)
        shutil.rmtree(folder, ignore_errors=True)


def test_a_replica_started_before_the_tags_is_stopped_by_down(tmp_path: Path) -> None:
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port)],
        cwd=Path(__file__).resolve().parents[2],
        env={**os.environ, "STREAMLIT_SERVER_HEADLESS": "true"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        (tmp_path / f"replica-{port}.pid").write_text(str(process.pid), encoding="utf-8")
        (tmp_path / f"replica-{port + 1}.pid").write_text(str(os.getpid()), encoding="utf-8")
        assert replicas_from_pid_files(tmp_path) == {port: process.pid}  # pytest is no replica
        assert down(tmp_path) == [f"replica {port} pid {process.pid}"]
        assert process.wait(timeout=30) is not None
    finally:
        if process.poll() is None:
            process.kill()


def test_a_field_user_signs_in_through_the_proxy(shared, browser) -> None:
    _, settings, passwords = shared
    context = browser.new_context(
        viewport={"width": 1400, "height": 1000}, ignore_https_errors=True
    )
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(f"https://localhost:{settings.port}/")
    page.get_by_label("用户名").fill("field")
    page.get_by_label("密码").fill(passwords["field"])
    page.get_by_role("button", name="登录").click()
    # .first: during the run after signing in, Streamlit may briefly hold the old heading too
    page.get_by_role("heading", name="覆盖核查").first.wait_for()
    links = [link.inner_text() for link in page.locator("[data-testid='stSidebarNavLink']").all()]
    assert [link.split()[-1] for link in links] == ["覆盖核查", "关于与数据"]
    context.close()


def test_down_after_a_partial_state_leaves_nothing_running(shared) -> None:
    folder, settings, _ = shared  # last: the fixture's own down then finds nothing
    os.kill(nginx_pids(folder)[0], signal.SIGKILL)  # its workers are left holding the ports
    os.kill(min(replicas_running(folder).values()), signal.SIGKILL)
    (folder / f"replica-{settings.replica_port + 1}.pid").write_text("1", encoding="utf-8")

    stopped = down(folder)

    assert any(part.startswith("database") for part in stopped)
    assert replicas_running(folder) == {}
    assert nginx_pids(folder, (settings.port, settings.http_port)) == []
    for port in (settings.port, settings.http_port, settings.tile_port, *settings.replica_ports):
        assert _port_free(port), port
    assert tile_servers_running(folder) == {}
    assert not (folder / "pg" / f".s.PGSQL.{settings.pg_port}").exists()
    everything, lines = status(folder)
    assert not everything and all(" stopped " in line for line in lines)
    assert os.path.exists("/proc/1")  # the stale pid file named pid 1: it was not signalled
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(f"http://127.0.0.1:{settings.http_port}/", timeout=3)
