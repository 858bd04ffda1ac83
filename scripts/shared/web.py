"""The web side of a shared deployment: Streamlit replicas, the TLS certificate and nginx.

nginx serves HTTPS on the main port and answers plain HTTP on a second port only with a
redirect to HTTPS. It sends each browser to one replica (a Streamlit session lives in one
process) by a consistent hash of a route cookie nginx itself sets on the first response: open
source nginx has no sticky cookie, and a hash of the address sends a whole office behind one
NAT to one replica.
"""

from __future__ import annotations

import shutil
import socket
import ssl
import subprocess
import sys
import time
import urllib.request
from collections.abc import Sequence
from pathlib import Path

from scripts.shared.processes import listening_pids

__all__ = [
    "HEALTH_MARKER",
    "HEALTH_PATH",
    "answers_as_atlas",
    "make_certificate",
    "nginx_binary",
    "nginx_config",
    "start_replica",
    "wait_for_proxy",
    "wait_until_healthy",
]

ROOT = Path(__file__).resolve().parents[2]
# A file only this app serves (static/atlas-health.txt): a reply from any other Streamlit app,
# or any other program, on a replica's port is not taken for the atlas.
HEALTH_PATH = "/app/static/atlas-health.txt"
HEALTH_MARKER = b"shuangta-atlas"
ROUTE_COOKIE = "atlas_route"
_NGINX_CONF = """
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/nginx-error.log;
events {{ worker_connections 1024; }}
http {{
    log_format atlas '$remote_addr [$time_local] "$request" $status $upstream_addr';
    access_log {folder}/nginx-access.log atlas;
    client_max_body_size 210m;
    server_tokens off;
    map $http_upgrade $connection_upgrade {{ default upgrade; '' close; }}
    # One route per browser: its cookie, or for a first visit a new random one (set below).
    map $cookie_{cookie} $atlas_route {{ '' $request_id; default $cookie_{cookie}; }}
    upstream atlas {{
        hash $atlas_route consistent;
{servers}
    }}
    server {{
        listen {http_port};
        return 301 https://$host:{port}$request_uri;
    }}
    server {{
        listen {port} ssl;
        ssl_certificate {certificate};
        ssl_certificate_key {key};
        ssl_protocols TLSv1.2 TLSv1.3;
        ssl_session_cache shared:atlas_tls:1m;
{tiles}
        location / {{
            proxy_pass http://atlas;
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_set_header Host $host;
            # The address nginx saw, replacing any the client sent (ui.signin_cookie reads
            # it for the per-address sign-in throttle and log); the page came over HTTPS.
            proxy_set_header X-Real-IP $remote_addr;
            proxy_set_header X-Forwarded-For $remote_addr;
            proxy_set_header X-Forwarded-Proto https;
            proxy_read_timeout 86400;
            proxy_next_upstream error timeout;
            # Cookies the replicas set (Streamlit's XSRF cookie) travel over HTTPS only.
            proxy_cookie_flags ~ secure samesite=lax;
            add_header Set-Cookie "{cookie}=$atlas_route; Path=/; Secure; HttpOnly; SameSite=Lax" always;
        }}
    }}
}}
"""


# The tile server (scripts/shared/tile_server.py) under /tiles/, the prefix stripped: it checks
# the sign-in cookie itself and answers nothing but tiles, each private and never stored.
_TILES_LOCATION = """
        location /tiles/ {{
            proxy_pass http://127.0.0.1:{tile_port}/;
            proxy_http_version 1.1;
            proxy_set_header Host $host;
            proxy_set_header X-Real-IP $remote_addr;
            proxy_set_header X-Forwarded-For $remote_addr;
            proxy_set_header X-Forwarded-Proto https;
            proxy_read_timeout 60;
            # Tiles shrink to about a third; they echo nothing of the request (no BREACH).
            gzip on;
            gzip_proxied any;
            gzip_types application/vnd.mapbox-vector-tile;
        }}"""


def nginx_binary() -> str:
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        raise RuntimeError("nginx is not installed: `make shared` installs it")
    return nginx


def nginx_config(
    folder: Path,
    *,
    port: int,
    http_port: int,
    replica_ports: Sequence[int],
    certificate: Path,
    key: Path,
    tile_port: int | None = None,
) -> str:
    """nginx's configuration: HTTPS to the replicas, /tiles/ to the tile server if any."""
    tiles = _TILES_LOCATION.format(tile_port=tile_port) if tile_port is not None else ""
    servers = "\n".join(
        f"        server 127.0.0.1:{p} max_fails=1 fail_timeout=5s;" for p in replica_ports
    )
    return _NGINX_CONF.format(
        folder=folder.resolve(),
        servers=servers,
        port=port,
        http_port=http_port,
        certificate=certificate.resolve(),
        key=key.resolve(),
        cookie=ROUTE_COOKIE,
        tiles=tiles,
    )


def make_certificate(certificate: Path, key: Path) -> None:
    """A self-signed certificate (and its 0600 key) for this machine's names, valid 825 days."""
    hostname = socket.gethostname()
    names = ",".join(dict.fromkeys(["DNS:localhost", f"DNS:{hostname}", "IP:127.0.0.1"]))
    key.touch(mode=0o600, exist_ok=True)
    key.chmod(0o600)
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-sha256",
            "-days", "825", "-subj", f"/CN={hostname}/O=Shuangta Project Atlas",
            "-addext", f"subjectAltName={names}",
            "-keyout", str(key), "-out", str(certificate),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip


def start_replica(
    folder: Path, port: int, environment: dict[str, str], log: Path
) -> subprocess.Popen:
    """One Streamlit process of the atlas on 127.0.0.1:`port`, in its own process group (not
    waited for: see `wait_until_healthy`)."""
    log.touch(mode=0o600, exist_ok=True)  # a traceback may name server paths: ours only
    with log.open("a") as output:
        return subprocess.Popen(
            [
                sys.executable, "-m", "streamlit", "run", "app.py",
                "--server.port", str(port), "--server.address", "127.0.0.1",
                "--server.headless", "true",
            ],
            cwd=ROOT,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip


def answers_as_atlas(url: str, *, context: ssl.SSLContext | None = None) -> bool:
    """Whether the server at `url` serves the atlas's health marker."""
    try:
        with urllib.request.urlopen(f"{url}{HEALTH_PATH}", timeout=3, context=context) as reply:
            return reply.status == 200 and reply.read(64).strip() == HEALTH_MARKER
    except OSError:
        return False


def wait_until_healthy(
    url: str, process: subprocess.Popen | int, timeout_s: float = 60, log: Path | None = None
) -> None:
    """Return once the app at `url` answers Streamlit's health check and the atlas's marker
    (and, for a port of ours, from `process` itself); RuntimeError if it exits or not in time
    (with its `log` when given)."""
    deadline = time.monotonic() + timeout_s
    pid = process if isinstance(process, int) else process.pid
    port = int(url.rsplit(":", 1)[1].split("/")[0])
    while time.monotonic() < deadline:
        exited = process.poll() if not isinstance(process, int) else None
        if exited is not None:
            output = f": {log.read_text()[-2000:]}" if log is not None else ""
            raise RuntimeError(f"the app at {url} exited with {exited}{output}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200 and answers_as_atlas(url):
                    holders = listening_pids(port)
                    if not holders or pid in holders:  # another's socket may be unreadable
                        return
                    raise RuntimeError(
                        f"port {port} is answered by process {sorted(holders)}, not the app"
                        f" started as process {pid}"
                    )
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"the app at {url} did not answer as the atlas within {timeout_s} s")


def wait_for_proxy(
    folder: Path, port: int, replica_ports: Sequence[int], timeout_s: float = 30
) -> None:
    """Until nginx serves the atlas over HTTPS from each replica (its access log names the
    replica that answered each request; a new route cookie per request spreads them)."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # an office certificate need not name localhost
    url = f"https://127.0.0.1:{port}"
    log = folder / "nginx-access.log"
    start = log.stat().st_size if log.exists() else 0
    wanted = {f"127.0.0.1:{p}" for p in replica_ports}
    deadline = time.monotonic() + timeout_s
    attempt, served = 0, set()
    while time.monotonic() < deadline:
        attempt += 1
        request = urllib.request.Request(
            url + "/app/static/atlas-health.txt",
            headers={"Cookie": f"{ROUTE_COOKIE}=probe-{attempt}"},
        )
        try:
            urllib.request.urlopen(request, timeout=3, context=context).close()
        except OSError:
            time.sleep(0.2)
            continue
        lines = log.read_bytes()[start:].decode(errors="replace").splitlines()
        served = {line.rsplit(" ", 1)[-1] for line in lines if "atlas-health" in line}
        if wanted <= served and answers_as_atlas(url, context=context):
            return
    missing = sorted(wanted - served)
    raise RuntimeError(f"nginx on port {port} did not reach {missing} in time")
