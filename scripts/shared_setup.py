"""The shared deployment on one machine: PostGIS, users, app replicas, nginx with HTTPS in front.

    python scripts/shared_setup.py up     [--port 8443] [--http-port 8080] [--replicas 2]
                                          [--replica-port 8501] [--pg-port 54329]
                                          [--tile-port 8601] [--folder var/shared]
                                          [--certificate FILE --key FILE]
    python scripts/shared_setup.py status [--folder var/shared]
    python scripts/shared_setup.py down   [--folder var/shared]

`up` brings the deployment to the wanted state whatever runs already: a part that runs and
answers is left alone, a missing or dead one is started, never a second copy. The database
server (socket only, passwords required) holds the layer store, seeded once while empty, and
the visits; its owner role loads and migrates, the replicas connect as the app role (see
scripts/shared/database.py); the tile server (scripts/shared/tile_server.py) serves stored
layers' vector tiles under /tiles/ to signed-in users. Demo users with random passwords
(printed once) are written unless a users file exists. Each replica must answer as the atlas
before nginx is (re)loaded, and nginx must reach every replica before success is printed.
`make shared`, `make shared-status` and `make shared-down` run these; the Makefile passes
PORT, HTTP_PORT, REPLICAS, REPLICA_PORT, TILE_PORT, TLS_CERT and TLS_KEY.
"""

from __future__ import annotations

import argparse
import os
import secrets
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("STREAMLIT_LOGGER_LEVEL", "error")

from maps.tiles import TILE_SERVER_ENV  # noqa: E402
from scripts.local_postgis import Cluster, postgres_bin  # noqa: E402
from scripts.shared.database import (  # noqa: E402
    APP_ROLE,
    DATABASE,
    OWNER_ROLE,
    app_role_url,
    prepare_database,
    seed_layer_store,
    tile_role_url,
)
from scripts.shared.deployment import (  # noqa: E402
    FOLDER_TAG,
    PORT_TAG,
    Settings,
    nginx_pids,
    process_environment,
    replicas_from_pid_files,
    replicas_running,
)
from scripts.shared.processes import PortBusy, alive, check_free, stop_process  # noqa: E402
from scripts.shared.tile_process import (  # noqa: E402
    TILE_PREFIX,
    ensure_tile_server,
    stop_tile_servers,
    tile_server_answers,
    tile_servers_running,
)
from scripts.shared.web import (  # noqa: E402
    answers_as_atlas,
    make_certificate,
    nginx_binary,
    nginx_config,
    start_replica,
    wait_for_proxy,
    wait_until_healthy,
)
from scripts.users import add_user  # noqa: E402

__all__ = [
    "APP_ROLE",
    "DATABASE",
    "DEMO_USERS",
    "OWNER_ROLE",
    "PortBusy",
    "Settings",
    "app_role_url",
    "down",
    "seed_layer_store",
    "status",
    "up",
    "wait_until_healthy",
]

DEMO_USERS = {  # username → (role, name, townships)
    "planner": ("planner", "规划科", ()),
    "promoter": ("promoter", "招商局", ()),
    "field": ("field", "长宝营子乡工作队", ("211302205",)),
    "admin": ("admin", "数据管理员", ()),
}
REPLICA_START_S = 90


def up(
    folder: Path,
    settings: Settings | None = None,
    *,
    announce: Callable[[str, str], None] | None = None,
) -> str:
    """Bring the deployment in `folder` to `settings`; the address users open.
    `announce(user, password)` is told each new demo user's password once (printed by
    default). PortBusy names a port another program holds; nothing is started then."""
    settings = settings if settings is not None else Settings()
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o711)  # the database server's account passes through to pg/, lists nothing
    running = replicas_running(folder)
    for port, pid in replicas_from_pid_files(folder).items():
        if running.get(port) != pid:  # started before replicas were tagged, with old settings
            stop_process(pid, group=True)
    nginx_running = bool(nginx_pids(folder))
    if not nginx_running:  # workers left by a master killed outright hold its ports
        for pid in nginx_pids(folder, (settings.port, settings.http_port)):
            stop_process(pid)
    for port in settings.replica_ports:
        if port not in running:
            check_free(port, f"replica {port - settings.replica_port + 1}", "127.0.0.1")
    if not nginx_running:
        check_free(settings.port, "HTTPS (nginx)")
        check_free(settings.http_port, "the HTTP redirect (nginx)")
    settings.save(folder)

    cluster, _, app_url = prepare_database(folder, settings.pg_port)
    _tidy_old_layout(folder)
    environment = {
        **os.environ,
        "ATLAS_DATABASE_URL": app_url,
        "ATLAS_USERS_FILE": str(_users(folder, announce)),
        "ATLAS_COOKIE_KEY": _secret(folder / "secrets" / "cookie.key"),
        "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
        TILE_SERVER_ENV: TILE_PREFIX,  # stored layers' tiles, from PostGIS through nginx
        FOLDER_TAG: str(folder.resolve()),
    }
    _replicas(folder, settings, running, environment)
    ensure_tile_server(folder, settings.tile_port, environment, tile_role_url(cluster, folder))
    _nginx(folder, settings, restart=not nginx_running)
    return f"https://localhost:{settings.port}"


def _tidy_old_layout(folder: Path) -> None:
    """A deployment from before secrets/: its cookie key moves there (users stay signed in);
    the old app role password file goes (the role has a new password in secrets/)."""
    old_key, key = folder / "cookie.key", folder / "secrets" / "cookie.key"
    if old_key.exists() and not key.exists():
        old_key.replace(key)
        key.chmod(0o600)
    for obsolete in ("app-role.password", "pg.port"):
        (folder / obsolete).unlink(missing_ok=True)


def _users(folder: Path, announce: Callable[[str, str], None] | None) -> Path:
    users = folder / "users.yaml"
    if not users.exists():
        for username, (role, name, townships) in DEMO_USERS.items():
            password = secrets.token_urlsafe(9)
            add_user(users, username, role=role, name=name, password=password, townships=townships)
            (announce or _print_password)(username, password)
    return users


def _secret(path: Path) -> str:
    if not path.exists():
        path.touch(mode=0o600)
        path.write_text(secrets.token_hex(32), encoding="utf-8")
    return path.read_text(encoding="utf-8").strip()


def _print_password(username: str, password: str) -> None:
    print(f"user {username:9s} {DEMO_USERS[username][0]:9s} password {password}")


def _replicas(
    folder: Path, settings: Settings, running: dict[int, int], environment: dict[str, str]
) -> None:
    """Start the missing replicas, stop those no longer wanted, and wait until every wanted
    one answers as the atlas (one that runs but does not answer is restarted)."""
    for port, pid in running.items():
        if port not in settings.replica_ports:
            stop_process(pid, group=True)
            (folder / f"replica-{port}.pid").unlink(missing_ok=True)
    started = {}
    for port in settings.replica_ports:
        pid = running.get(port)
        if pid is not None and not (_current(pid, environment) and _answers(port, pid)):
            stop_process(running.pop(port), group=True)
        if port not in running:
            process = start_replica(
                folder, port, {**environment, PORT_TAG: str(port)}, _log(folder, port)
            )
            started[port] = process
            running[port] = process.pid
        (folder / f"replica-{port}.pid").write_text(str(running[port]), encoding="utf-8")
    for port, process in started.items():
        wait_until_healthy(f"http://127.0.0.1:{port}", process, REPLICA_START_S, _log(folder, port))


def _current(pid: int, environment: dict[str, str]) -> bool:
    """Whether a running replica was told of the tile server (one started before was not)."""
    return process_environment(pid).get(TILE_SERVER_ENV) == environment[TILE_SERVER_ENV]


def _answers(port: int, pid: int) -> bool:
    try:
        wait_until_healthy(f"http://127.0.0.1:{port}", pid, REPLICA_START_S)
    except RuntimeError:
        return False
    return True


def _log(folder: Path, port: int) -> Path:
    return folder / f"replica-{port}.log"


def _certificate(folder: Path, settings: Settings) -> tuple[Path, Path]:
    """The office's certificate and key when set, else one made here once (self-signed)."""
    if settings.certificate:
        return Path(settings.certificate), Path(settings.key)
    tls = folder / "tls"
    tls.mkdir(mode=0o700, exist_ok=True)
    certificate, key = tls / "atlas.crt", tls / "atlas.key"
    if not (certificate.exists() and key.exists()):
        make_certificate(certificate, key)
    return certificate, key


def _nginx(folder: Path, settings: Settings, *, restart: bool) -> None:
    """Write nginx's configuration, check it, start nginx or reload a running one, and wait
    until it answers over HTTPS from every replica."""
    certificate, key = _certificate(folder, settings)
    conf = folder / "nginx.conf"
    text = nginx_config(
        folder,
        port=settings.port,
        http_port=settings.http_port,
        replica_ports=settings.replica_ports,
        certificate=certificate,
        key=key,
        tile_port=settings.tile_port,
    )
    if not restart and conf.exists() and conf.read_text(encoding="utf-8") == text:
        wait_for_proxy(folder, settings.port, settings.replica_ports)  # runs as wanted: left alone
        return
    conf.write_text(text, encoding="utf-8")
    command = [nginx_binary(), "-c", str(conf.resolve()), "-p", str(folder.resolve())]
    checked = subprocess.run([*command, "-t"], capture_output=True, text=True)
    if checked.returncode != 0:
        raise RuntimeError(f"nginx refuses its configuration {conf}: {checked.stderr.strip()}")
    signal = [] if restart else ["-s", "reload"]
    done = subprocess.run([*command, *signal], capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"nginx did not start: {done.stderr.strip()}")
    wait_for_proxy(folder, settings.port, settings.replica_ports)


def status(folder: Path) -> tuple[bool, list[str]]:
    """Whether every wanted part runs (and answers), and one line per part."""
    settings = Settings.saved(folder)
    if settings is None:
        return False, [f"no deployment in {folder}"]
    lines, everything = [], True
    cluster = _cluster(folder, settings)
    pid = cluster.pid() if cluster is not None else None
    everything &= pid is not None
    socket_at = f"socket {folder.resolve() / 'pg'} port {settings.pg_port}"
    lines.append(_line("database", pid, f"{socket_at}, database {DATABASE}"))
    running = replicas_running(folder)
    for port in sorted({*settings.replica_ports, *running}):
        pid = running.get(port)
        answers = pid is not None and answers_as_atlas(f"http://127.0.0.1:{port}")
        wanted = "" if port in settings.replica_ports else " (not wanted: next up stops it)"
        state = "" if pid is None or answers else " (not answering)"
        everything &= answers and port in settings.replica_ports
        where = (
            f"http://127.0.0.1:{port}{state}{wanted}{_stale(folder / f'replica-{port}.pid', pid)}"
        )
        lines.append(_line(f"replica {port}", pid, where))
    for port, pid in sorted({settings.tile_port: None, **tile_servers_running(folder)}.items()):
        answers = pid is not None and tile_server_answers(port)
        everything &= answers and port == settings.tile_port
        state = "" if pid is None or answers else " (not answering)"
        lines.append(_line("tile server", pid, f"http://127.0.0.1:{port}{state}"))
    pids = nginx_pids(folder, (settings.port, settings.http_port))
    everything &= bool(pids)
    where = f"https://localhost:{settings.port}, http :{settings.http_port} redirects"
    lines.append(_line("nginx", pids[0] if pids else None, where))
    return everything, lines


def _stale(pid_file: Path, pid: int | None) -> str:
    """A note when `pid_file` names another process than the one found running."""
    if not pid_file.exists():
        return ""
    named = pid_file.read_text(encoding="utf-8").strip()
    return "" if named == str(pid) else f" (pid file says {named}: stale, ignored)"


def _line(part: str, pid: int | None, where: str) -> str:
    state = f"running  pid {pid:<7d}" if pid is not None else f"stopped  {'':11s}"
    return f"{part:14s} {state} {where}"


def _cluster(folder: Path, settings: Settings) -> Cluster | None:
    binaries = postgres_bin()
    if binaries is None or not (folder / "pg" / "data").exists():
        return None
    return Cluster(folder / "pg", settings.pg_port, binaries)


def down(folder: Path) -> list[str]:
    """Stop nginx, every replica and the database server of the deployment in `folder`,
    whatever state they are in (data, users and secrets are kept); what was stopped."""
    stopped = []
    settings = Settings.saved(folder) or Settings()
    for pid in nginx_pids(folder, (settings.port, settings.http_port)):  # the master first
        if alive(pid):  # a worker stops with its master
            stop_process(pid)
            stopped.append(f"nginx pid {pid}")
    found = [*replicas_running(folder).items(), *replicas_from_pid_files(folder).items()]
    for port, pid in dict.fromkeys(found):  # tagged, or named by a pid file and verified
        stop_process(pid, group=True)
        stopped.append(f"replica {port} pid {pid}")
    stopped += stop_tile_servers(folder)
    for pid_file in [*folder.glob("replica-*.pid"), folder / "nginx.pid"]:
        pid_file.unlink(missing_ok=True)
    cluster = _cluster(folder, settings)
    if cluster is not None and cluster.running():
        stopped.append(f"database pid {cluster.pid()}")
        cluster.stop(remove=False)
    return stopped


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=("up", "down", "status"))
    parser.add_argument("--folder", type=Path, default=ROOT / "var" / "shared")
    defaults = Settings()
    parser.add_argument("--port", type=int, default=defaults.port, help="HTTPS")
    parser.add_argument("--http-port", type=int, default=defaults.http_port)
    parser.add_argument("--replicas", type=int, default=defaults.replicas)
    parser.add_argument("--replica-port", type=int, default=defaults.replica_port)
    parser.add_argument("--pg-port", type=int, default=defaults.pg_port)
    parser.add_argument("--tile-port", type=int, default=defaults.tile_port)
    parser.add_argument("--certificate", default=os.environ.get("ATLAS_TLS_CERT", ""))
    parser.add_argument("--key", default=os.environ.get("ATLAS_TLS_KEY", ""))
    args = parser.parse_args(argv)
    if args.command == "status":
        everything, lines = status(args.folder)
        print("\n".join(lines))
        return 0 if everything else 3
    if args.command == "down":
        stopped = down(args.folder)
        print("stopped: " + (", ".join(stopped) if stopped else "nothing was running"))
        return 0
    try:
        settings = Settings(
            port=args.port,
            http_port=args.http_port,
            replicas=args.replicas,
            replica_port=args.replica_port,
            pg_port=args.pg_port,
            tile_port=args.tile_port,
            certificate=args.certificate,
            key=args.key,
        )
        address = up(args.folder, settings)
    except (ValueError, RuntimeError) as error:  # PortBusy is a RuntimeError
        print(f"make shared failed: {error}", file=sys.stderr)
        return 2
    print(f"the atlas is served at {address} by {settings.replicas} replicas sharing PostGIS")
    print("\n".join(status(args.folder)[1]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
