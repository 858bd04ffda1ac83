"""A private PostgreSQL + PostGIS server in a folder of ours: for the tests (a temporary folder,
a free port, unix socket only) and for the shared set-up on one machine (scripts/shared_setup.py).
Debian's packages, installed by `make test` and `make shared`.

The socket lives in the server's own folder, which only the account running the server may
enter (0700), and there is no TCP listener: no other local account reaches the server at all.
A lasting server (`password_file` given: the shared deployment) also asks every connection for
a scram-sha-256 password, its superuser's kept in a 0600 file; a throw-away test server trusts
whoever can reach its socket, which is only the account running the tests.
"""

from __future__ import annotations

import itertools
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import sql

__all__ = ["TEMPLATE", "USER", "Cluster", "postgres_bin", "start_cluster", "write_passfile"]

TEMPLATE = "atlas_template"
USER = "atlas"  # the bootstrap superuser: set-up only, never the app
_NAMES = itertools.count(1)
# The lasting server's whole pg_hba.conf: local socket only, always a password.
_HBA = "# written by scripts/local_postgis.py: socket only, scram-sha-256 for every role\n"
_HBA += "local all all scram-sha-256\n"


def postgres_bin() -> Path | None:
    """The newest installed PostgreSQL's bin folder, or None."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    return found[-1].parent if found else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def write_passfile(path: Path, role: str, password: str) -> Path:
    """A libpq password file (0600) holding `role`'s password for any server: URLs name the
    file (`passfile=`), never the password."""
    path.parent.mkdir(parents=True, exist_ok=True)
    escaped = password.replace("\\", "\\\\").replace(":", "\\:")
    path.touch(mode=0o600, exist_ok=True)
    path.chmod(0o600)
    path.write_text(f"*:*:*:{role}:{escaped}\n", encoding="utf-8")
    return path


@dataclass
class Cluster:
    """A running server: its folder (data and socket), port and binaries; `passfile` holds the
    superuser's password when the server asks for one."""

    folder: Path
    port: int
    bin: Path
    passfile: Path | None = None

    def url(self, database: str, *, user: str = USER, passfile: Path | None = None) -> str:
        """A URL for `user` (the superuser by default) with no password in it."""
        url = f"postgresql://{user}@/{database}?host={self.folder}&port={self.port}"
        passfile = passfile if passfile is not None else self.passfile
        return f"{url}&passfile={passfile}" if passfile is not None else url

    def new_database(self) -> str:
        """A fresh database with PostGIS (copied from the template); its URL."""
        name = f"test_{os.getpid()}_{next(_NAMES)}"
        with psycopg.connect(self.url("postgres"), autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}" TEMPLATE {TEMPLATE}')
        return self.url(name)

    def running(self) -> bool:
        """Whether the server runs (pg_ctl checks the pid file against a live process)."""
        command = [self.bin / "pg_ctl", "-D", self.folder / "data", "status"]
        result = subprocess.run(
            [*_as_postgres(), *map(str, command)], capture_output=True, cwd=self.folder
        )
        return result.returncode == 0

    def pid(self) -> int | None:
        """The server's process id while it runs."""
        if not self.running():
            return None
        return int((self.folder / "data" / "postmaster.pid").read_text().split()[0])

    def stop(self, *, remove: bool = True) -> None:
        """Stop the server; `remove` deletes its folder (the tests' throw-away servers)."""
        if self.running():
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
    result = subprocess.run(
        [*_as_postgres(), *map(str, command)], capture_output=True, cwd=cluster.folder
    )
    if result.returncode != 0:
        output = (result.stderr or result.stdout).decode(errors="replace").strip()
        raise RuntimeError(f"{Path(str(command[0])).name} failed: {output}")


def _own(path: Path, mode: int) -> None:
    """`path` belongs to the account the server runs as, with `mode`."""
    path.chmod(mode)
    if os.geteuid() == 0:
        owner = pwd.getpwnam("postgres")
        os.chown(path, owner.pw_uid, owner.pw_gid)


def _superuser_password(password_file: Path) -> str:
    if not password_file.exists():
        write_passfile(password_file, USER, secrets.token_urlsafe(24))
    line = password_file.read_text(encoding="utf-8").strip()
    return line.split(":", 4)[4].replace("\\:", ":").replace("\\\\", "\\")


def start_cluster(
    folder: Path | None = None, port: int | None = None, *, password_file: Path | None = None
) -> Cluster:
    """Initialise and start a server with a template database holding PostGIS.

    Without `folder`, a temporary one (the tests'); with it, a lasting one, initialised once.
    With `password_file` (a libpq password file, made with a new password if missing) every
    connection must give a password; a server initialised before without one is switched over.
    """
    binaries = postgres_bin()
    if binaries is None:
        raise RuntimeError(
            "PostgreSQL is not installed: `make test` installs postgresql-15-postgis-3"
        )
    folder = folder if folder is not None else Path(tempfile.mkdtemp(prefix="atlas-pg-"))
    folder.mkdir(parents=True, exist_ok=True)
    _own(folder, 0o700)  # holds the socket: only the server's account may enter
    cluster = Cluster(folder, port or _free_port(), binaries, password_file)
    password = _superuser_password(password_file) if password_file is not None else None
    if not (folder / "data" / "PG_VERSION").exists():
        _initialise(cluster, password)
        return cluster
    if not cluster.running():
        _start(cluster)
    if password is not None:
        _require_passwords(cluster, password)
    return cluster


def _initialise(cluster: Cluster, password: str | None) -> None:
    initdb = [cluster.bin / "initdb", "-D", cluster.folder / "data", "-U", USER, "-E", "UTF8"]
    if password is None:
        initdb += ["--auth=trust"]  # a test server: its socket folder is already private
        _run(cluster, initdb)
    else:
        secret = cluster.folder / "initdb.pw"  # read by initdb as the server's account
        secret.write_text(password, encoding="utf-8")
        _own(secret, 0o600)
        try:
            _run(cluster, [*initdb, "--auth=scram-sha-256", f"--pwfile={secret}"])
        finally:
            secret.unlink()
        hba = cluster.folder / "data" / "pg_hba.conf"
        hba.write_text(_HBA, encoding="utf-8")
        _own(hba, 0o600)
    _start(cluster)
    with psycopg.connect(cluster.url("postgres"), autocommit=True) as connection:
        connection.execute(f"CREATE DATABASE {TEMPLATE}")
    with psycopg.connect(cluster.url(TEMPLATE), autocommit=True) as connection:
        connection.execute("CREATE EXTENSION postgis")


def _require_passwords(cluster: Cluster, password: str) -> None:
    """A server made before passwords were required (`--auth=trust`): give the superuser its
    password while trust still lets us in, then require scram-sha-256 of everyone."""
    hba = cluster.folder / "data" / "pg_hba.conf"
    if hba.read_text(encoding="utf-8") == _HBA:
        return
    with psycopg.connect(cluster.url("postgres"), autocommit=True) as connection:
        connection.execute("SET password_encryption = 'scram-sha-256'")
        connection.execute(
            sql.SQL("ALTER ROLE {} PASSWORD {}").format(sql.Identifier(USER), sql.Literal(password))
        )
        hba.write_text(_HBA, encoding="utf-8")
        _own(hba, 0o600)
        connection.execute("SELECT pg_reload_conf()")
