"""A private PostgreSQL + PostGIS server in a folder of ours: for the tests (a temporary folder,
a free port, unix socket only) and for the shared set-up on one machine (scripts/shared_setup.py).
Debian's packages, installed by `make test` and `make shared`."""

from __future__ import annotations

import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import psycopg

TEMPLATE = "atlas_template"
USER = "atlas"
_NAMES = itertools.count(1)


def postgres_bin() -> Path | None:
    """The newest installed PostgreSQL's bin folder, or None."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    return found[-1].parent if found else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Cluster:
    """A running server: its folder (data and socket), port and binaries."""

    folder: Path
    port: int
    bin: Path

    def url(self, database: str) -> str:
        return f"postgresql://{USER}@/{database}?host={self.folder}&port={self.port}"

    def new_database(self) -> str:
        """A fresh database with PostGIS (copied from the template); its URL."""
        name = f"test_{os.getpid()}_{next(_NAMES)}"
        with psycopg.connect(self.url("postgres"), autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}" TEMPLATE {TEMPLATE}')
        return self.url(name)

    def stop(self, *, remove: bool = True) -> None:
        """Stop the server; `remove` deletes its folder (the tests' throw-away servers)."""
        _run(self, [self.bin / "pg_ctl", "-D", self.folder / "data", "-m", "fast", "stop"])
        if remove:
            shutil.rmtree(self.folder, ignore_errors=True)


def _start(cluster: Cluster) -> None:
    """Start the server: unix socket in its folder only, no TCP."""
    options = f"-p {cluster.port} -k {cluster.folder} -c listen_addresses=''"
    _run(
        cluster,
        [
            cluster.bin / "pg_ctl",
            "-D",
            cluster.folder / "data",
            "-o",
            options,
            "-l",
            cluster.folder / "log",
            "-w",
            "start",
        ],
    )


def _as_postgres() -> list[str]:
    """initdb and the server refuse to run as root: as root, run them as 'postgres'."""
    return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []


def _run(cluster: Cluster, command: list) -> None:
    subprocess.run(
        [*_as_postgres(), *map(str, command)], check=True, capture_output=True, cwd=cluster.folder
    )


def start_cluster(folder: Path | None = None, port: int | None = None) -> Cluster:
    """Initialise and start a server with a template database holding PostGIS.

    Without `folder`, a temporary one (the tests'); with it, a lasting one, initialised once.
    """
    binaries = postgres_bin()
    if binaries is None:
        raise RuntimeError(
            "PostgreSQL is not installed: `make test` installs postgresql-15-postgis-3"
        )
    folder = folder if folder is not None else Path(tempfile.mkdtemp(prefix="atlas-pg-"))
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o755)
    if os.geteuid() == 0:
        owner = pwd.getpwnam("postgres")
        os.chown(folder, owner.pw_uid, owner.pw_gid)
    cluster = Cluster(folder, port or _free_port(), binaries)
    if (folder / "data" / "PG_VERSION").exists():  # a lasting server, initialised before
        if not (folder / "data" / "postmaster.pid").exists():
            _start(cluster)
        return cluster
    _run(
        cluster,
        [binaries / "initdb", "-D", folder / "data", "-U", USER, "--auth=trust", "-E", "UTF8"],
    )
    _start(cluster)
    with psycopg.connect(cluster.url("postgres"), autocommit=True) as connection:
        connection.execute(f"CREATE DATABASE {TEMPLATE}")
    with psycopg.connect(cluster.url(TEMPLATE), autocommit=True) as connection:
        connection.execute("CREATE EXTENSION postgis")
    return cluster
