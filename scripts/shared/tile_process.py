"""The tile server's process in a shared deployment: uvicorn running scripts/shared/
tile_server.py on 127.0.0.1 at its own port, in its own process group, tagged in its
environment with the deployment's folder and its port (found again from /proc, never started
twice), checked by its answer to a tile request without a cookie (401 from the gate)."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from scripts.shared.deployment import PORT_TAG, tagged_processes
from scripts.shared.processes import check_free, listening_pids
from scripts.shared.processes import stop_process as stop
from scripts.shared.tile_server import TILES_DATABASE_URL_ENV

__all__ = [
    "TILE_PORT_TAG",
    "TILE_PREFIX",
    "ensure_tile_server",
    "stop_tile_servers",
    "tile_server_answers",
    "tile_servers_running",
]

TILE_PORT_TAG = "ATLAS_TILE_SERVER_PORT"
TILE_PREFIX = "/tiles"  # where nginx serves it, and what the replicas are told (ATLAS_TILE_SERVER)
START_S = 60
_PROBE = "/collections/atlas_tiles.district/tiles/WebMercatorQuad/0/0/0"
_GATE_ANSWER = b"sign in first\n"


def tile_servers_running(folder: Path) -> dict[int, int]:
    """port → pid of this deployment's live tile servers (the process group leaders)."""
    return tagged_processes(folder, TILE_PORT_TAG)


def tile_server_answers(port: int) -> bool:
    """Whether the tile server's gate answers on `port` (a tile without a cookie: 401)."""
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{port}{_PROBE}", timeout=3).close()
    except urllib.error.HTTPError as refusal:
        return refusal.code == 401 and refusal.read(64) == _GATE_ANSWER
    except OSError:
        return False
    return False


def ensure_tile_server(
    folder: Path, port: int, environment: dict[str, str], tiles_database_url: str
) -> int:
    """The tile server on `port` running and answering: one that answers is left alone, one on
    another port or not answering is stopped, a missing one started; its pid."""
    running = tile_servers_running(folder)
    for other, pid in running.items():
        if other != port or not tile_server_answers(port):
            stop(pid, group=True)
    if port in running and tile_server_answers(port):
        return running[port]
    check_free(port, "the tile server", "127.0.0.1")
    log = folder / "tile-server.log"
    log.touch(mode=0o600, exist_ok=True)
    wanted = {key: value for key, value in environment.items() if key != PORT_TAG}
    wanted |= {TILES_DATABASE_URL_ENV: tiles_database_url, TILE_PORT_TAG: str(port)}
    with log.open("a") as output:
        process = subprocess.Popen(
            [
                sys.executable, "-m", "uvicorn", "--factory",
                "scripts.shared.tile_server:app_from_environment",
                "--host", "127.0.0.1", "--port", str(port),
                "--no-server-header", "--no-access-log", "--workers", "1",
            ],
            cwd=Path(__file__).resolve().parents[2],
            env=wanted,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    _wait(process, port, log)
    return process.pid


def _wait(process: subprocess.Popen, port: int, log: Path) -> None:
    deadline = time.monotonic() + START_S
    while time.monotonic() < deadline:
        exited = process.poll()
        if exited is not None:
            raise RuntimeError(f"the tile server exited with {exited}: {log.read_text()[-2000:]}")
        if tile_server_answers(port):
            holders = listening_pids(port)
            if holders and process.pid not in holders:
                raise RuntimeError(f"port {port} is answered by {sorted(holders)}, not ours")
            return
        time.sleep(0.3)
    raise RuntimeError(f"the tile server did not answer on port {port} within {START_S} s")


def stop_tile_servers(folder: Path) -> list[str]:
    """Stop this deployment's tile servers; what was stopped."""
    stopped = []
    for port, pid in tile_servers_running(folder).items():
        stop(pid, group=True)
        stopped.append(f"tile server {port} pid {pid}")
    return stopped
