"""The shared deployment on one machine: PostGIS, users, two app replicas, nginx in front.

    python scripts/shared_setup.py up   [--replicas 2] [--port 8080] [--folder var/shared]
    python scripts/shared_setup.py down [--folder var/shared]

`up` starts (or reuses) a PostgreSQL + PostGIS server in the folder, seeds the layer store
when it is empty (never again: edits made since are kept), makes the app's own database role
(it may add versions but never change or delete the history), writes demo users with random
passwords (printed once) unless a users file exists, a cookie key every replica shares,
starts the replicas (ports 8501, 8502 …, connecting as that role) and nginx on --port, which
sends each browser to one replica (ip_hash: a Streamlit session lives in one process) and
passes the websocket through. `make shared` runs `up`; `make shared-down` runs `down`.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Sequence
from pathlib import Path

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("STREAMLIT_LOGGER_LEVEL", "error")

from scripts.local_postgis import USER, Cluster, postgres_bin, start_cluster  # noqa: E402
from scripts.users import add_user  # noqa: E402
from store.postgis import PostgisStore, grant_app_role  # noqa: E402

DATABASE = "atlas"
# The role the replicas connect as: not the owner, so it cannot UPDATE or DELETE the history.
APP_ROLE = "atlas_app"
PG_PORT = 54329
FIRST_REPLICA_PORT = 8501
DEMO_USERS = {  # username → (role, name, townships)
    "planner": ("planner", "规划科", ()),
    "promoter": ("promoter", "招商局", ()),
    "field": ("field", "长宝营子乡工作队", ("211302205",)),
    "admin": ("admin", "数据管理员", ()),
}
NGINX_CONF = """
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/nginx-error.log;
events {{ worker_connections 1024; }}
http {{
    access_log {folder}/nginx-access.log;
    client_max_body_size 210m;
    map $http_upgrade $connection_upgrade {{ default upgrade; '' close; }}
    upstream atlas {{
        ip_hash;
{servers}
    }}
    server {{
        listen {port};
        location / {{
            proxy_pass http://atlas;
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_set_header Host $host;
            proxy_read_timeout 86400;
        }}
    }}
}}
"""


def database_url(cluster: Cluster) -> str:
    return cluster.url(DATABASE)


def up(
    folder: Path,
    replicas: int,
    port: int,
    *,
    pg_port: int = PG_PORT,
    first_replica_port: int = FIRST_REPLICA_PORT,
    announce: Callable[[str, str], None] | None = None,
) -> str:
    """Bring everything up; the address users open. `announce(user, password)` is told each
    new demo user's password once (printed by default)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "pg.port").write_text(str(pg_port), encoding="utf-8")
    cluster = start_cluster(folder / "pg", port=pg_port)
    url = database_url(cluster)
    with psycopg.connect(cluster.url("postgres"), autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (DATABASE,)
        ).fetchone()
        if not exists:
            connection.execute(f"CREATE DATABASE {DATABASE} TEMPLATE atlas_template OWNER {USER}")
    seed_layer_store(url, ROOT / "data" / "shapefiles")
    app_url = app_role_url(url, _app_password(folder))
    users = folder / "users.yaml"
    if not users.exists():
        for username, (role, name, townships) in DEMO_USERS.items():
            password = secrets.token_urlsafe(9)
            add_user(users, username, role=role, name=name, password=password, townships=townships)
            (announce or _print_password)(username, password)
    key = folder / "cookie.key"
    if not key.exists():
        key.write_text(secrets.token_hex(32), encoding="utf-8")
        key.chmod(0o600)
    environment = {
        **os.environ,
        "ATLAS_DATABASE_URL": app_url,
        "ATLAS_USERS_FILE": str(users),
        "ATLAS_COOKIE_KEY": key.read_text(encoding="utf-8").strip(),
        "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
    }
    ports = [first_replica_port + n for n in range(replicas)]
    for replica_port in ports:
        start_replica(folder, replica_port, environment)
    start_nginx(folder, port, ports)
    return f"http://localhost:{port}"


def seed_layer_store(url: str, data_dir: Path) -> bool:
    """Load the shipped layers (and their history) into the store only while it is empty, as
    the owner; whether they were loaded. A store that holds layers is left as it is."""
    store = PostgisStore(url)
    if not store.is_empty():
        return False
    from layers import LAYERS  # the registry, read only when there is something to seed
    from layers.store_seed import SEED_AUTHOR, seed_layers

    store.seed(seed_layers(LAYERS, data_dir), author=SEED_AUTHOR)
    return True


def app_role_url(url: str, password: str, role: str = APP_ROLE) -> str:
    """Make (or update) `role`: it logs in and owns none of the layer store, may read every
    table, add versions and change the current features, but only SELECT and INSERT the
    history, versions and changes. The URL the app connects with (same server, as `role`)."""
    from fieldwork.postgis_store import PostgisVisitStore

    PostgisVisitStore(url)  # the visit tables exist before they are granted
    with psycopg.connect(url, autocommit=True) as connection, connection.transaction():
        exists = connection.execute("SELECT FROM pg_roles WHERE rolname = %s", (role,)).fetchone()
        connection.execute(
            sql.SQL("{} ROLE {} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD {}").format(
                sql.SQL("ALTER" if exists else "CREATE"),
                sql.Identifier(role),
                sql.Literal(password),
            )
        )
        grant_app_role(connection, role)
        # The visit store runs CREATE TABLE/INDEX IF NOT EXISTS each time it opens, which
        # PostgreSQL allows only to a table's owner: the app's role owns the two visit tables
        # (never the layer store's) until the visit store checks before it creates.
        connection.execute(
            sql.SQL("GRANT CREATE ON SCHEMA public TO {}").format(sql.Identifier(role))
        )
        for table in ("atlas_imports", "atlas_visits"):
            connection.execute(
                sql.SQL("ALTER TABLE {} OWNER TO {}").format(
                    sql.Identifier(table), sql.Identifier(role)
                )
            )
    info = psycopg.conninfo.conninfo_to_dict(url)
    return url.replace(f"{info['user']}@", f"{role}:{password}@", 1)


def _app_password(folder: Path) -> str:
    """The app role's password, made once and kept beside the server (owner only)."""
    path = folder / "app-role.password"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(18), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


def _print_password(username: str, password: str) -> None:
    print(f"user {username:9s} {DEMO_USERS[username][0]:9s} password {password}")


def start_replica(folder: Path, port: int, environment: dict[str, str]) -> subprocess.Popen:
    """One Streamlit process of the atlas on `port`; waits until it answers."""
    log = (folder / f"replica-{port}.log").open("w")
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
            "--server.headless",
            "true",
        ],
        cwd=ROOT,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    (folder / f"replica-{port}.pid").write_text(str(process.pid), encoding="utf-8")
    wait_until_healthy(f"http://127.0.0.1:{port}", process)
    return process


def wait_until_healthy(
    url: str, process: subprocess.Popen, timeout_s: float = 60, log: Path | None = None
) -> None:
    """Return once the app at `url` answers its health check; RuntimeError if it exits or not
    in time (with its `log` when given)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = f": {log.read_text()}" if log is not None else ""
            raise RuntimeError(f"the app at {url} exited with {process.returncode}{output}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"the app at {url} did not answer within {timeout_s} s")


def start_nginx(folder: Path, port: int, replica_ports: Sequence[int]) -> None:
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        raise RuntimeError("nginx is not installed: `make shared` installs it")
    servers = "\n".join(f"        server 127.0.0.1:{p};" for p in replica_ports)
    conf = folder / "nginx.conf"
    conf.write_text(
        NGINX_CONF.format(folder=folder.resolve(), servers=servers, port=port), encoding="utf-8"
    )
    subprocess.run([nginx, "-c", str(conf.resolve()), "-p", str(folder.resolve())], check=True)


def down(folder: Path) -> None:
    """Stop nginx, the replicas and the database server (data and users are kept)."""
    conf = folder / "nginx.conf"
    if (folder / "nginx.pid").exists():
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        subprocess.run(
            [nginx, "-c", str(conf.resolve()), "-p", str(folder.resolve()), "-s", "stop"]
        )
    for pid_file in folder.glob("replica-*.pid"):
        with contextlib.suppress(ProcessLookupError, ValueError):  # already gone
            os.killpg(int(pid_file.read_text()), signal.SIGTERM)
        pid_file.unlink()
    if (folder / "pg" / "data" / "postmaster.pid").exists():
        pg_port = (
            int((folder / "pg.port").read_text()) if (folder / "pg.port").exists() else PG_PORT
        )
        Cluster(folder / "pg", pg_port, postgres_bin()).stop(remove=False)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=("up", "down"))
    parser.add_argument("--folder", type=Path, default=ROOT / "var" / "shared")
    parser.add_argument("--replicas", type=int, default=2)
    parser.add_argument("--port", type=int, default=8080)
    args = parser.parse_args(argv)
    if args.command == "up":
        address = up(args.folder, args.replicas, args.port)
        print(f"the atlas is served at {address} by {args.replicas} replicas sharing PostGIS")
    else:
        down(args.folder)
        print("stopped")


if __name__ == "__main__":
    main()
