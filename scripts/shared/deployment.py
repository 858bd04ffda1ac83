"""What a shared deployment should run (its settings, kept beside it) and what does run."""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from scripts.shared.processes import alive, listening_pids, processes_with_environment

__all__ = [
    "FOLDER_TAG",
    "PORT_TAG",
    "Settings",
    "nginx_pids",
    "process_environment",
    "replicas_from_pid_files",
    "replicas_running",
    "tagged_processes",
]

# Every replica's environment names its deployment's folder and its port: found again from
# /proc whatever became of its pid file.
FOLDER_TAG = "ATLAS_SHARED_FOLDER"
PORT_TAG = "ATLAS_REPLICA_PORT"
_SETTINGS = "deployment.json"


@dataclass(frozen=True)
class Settings:
    """The wanted state: HTTPS `port`, plain `http_port` (redirects), `replicas` from
    `replica_port` up, the database's socket port, the certificate and key nginx serves, the
    tile server's port (on 127.0.0.1, behind nginx)."""

    port: int = 8443
    http_port: int = 8080
    replicas: int = 2
    replica_port: int = 8501
    pg_port: int = 54329
    certificate: str = ""
    key: str = ""
    tile_port: int = 8601

    def __post_init__(self) -> None:
        problems = [
            f"{name} {value} is not a port (1–65535)"
            for name, value in (
                ("PORT", self.port),
                ("HTTP_PORT", self.http_port),
                ("REPLICA_PORT", self.replica_port),
                ("last replica port", self.replica_port + self.replicas - 1),
                ("PG_PORT", self.pg_port),
                ("TILE_PORT", self.tile_port),
            )
            if not 0 < value < 65536
        ]
        if self.replicas < 1:
            problems.append(f"REPLICAS {self.replicas}: at least one replica is needed")
        taken = {self.port: "PORT", self.http_port: "HTTP_PORT"}
        for port in self.replica_ports:
            if port in taken:
                problems.append(f"replica port {port} is also {taken[port]}")
        if self.tile_port in {*taken, *self.replica_ports}:
            problems.append(f"TILE_PORT {self.tile_port} is also another part's port")
        if self.port == self.http_port:
            problems.append(f"PORT and HTTP_PORT are both {self.port}")
        if bool(self.certificate) != bool(self.key):
            problems.append("a certificate needs its key and a key its certificate")
        if problems:
            raise ValueError("; ".join(problems))

    @property
    def replica_ports(self) -> list[int]:
        return [self.replica_port + n for n in range(self.replicas)]

    def save(self, folder: Path) -> None:
        (folder / _SETTINGS).write_text(json.dumps(asdict(self), indent=1), encoding="utf-8")

    @classmethod
    def saved(cls, folder: Path) -> Settings | None:
        """The settings the deployment in `folder` was last brought up with, if any."""
        path = folder / _SETTINGS
        if not path.exists():
            return None
        return cls(**json.loads(path.read_text(encoding="utf-8")))


def process_environment(pid: int) -> dict[str, str]:
    """The environment process `pid` was started with ({} when it cannot be read)."""
    with contextlib.suppress(OSError):
        pairs = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
        return dict(p.decode(errors="replace").split("=", 1) for p in pairs if b"=" in p)
    return {}


def replicas_running(folder: Path) -> dict[int, int]:
    """port → pid of this deployment's live replicas (the processes started as one; their
    upload workers carry the same tags but lead no session)."""
    return tagged_processes(folder, PORT_TAG)


def tagged_processes(folder: Path, port_tag: str) -> dict[int, int]:
    """port → pid of this deployment's process group leaders whose environment names their
    port in `port_tag` (replicas: PORT_TAG; the tile server its own)."""
    found: dict[int, int] = {}
    for pid in processes_with_environment(FOLDER_TAG, str(folder.resolve())):
        with contextlib.suppress(OSError):
            if os.getsid(pid) != pid:
                continue
        port = process_environment(pid).get(port_tag)
        if port and port.isdigit():
            found[int(port)] = pid
    return found


def replicas_from_pid_files(folder: Path) -> dict[int, int]:
    """port → pid of replicas named by pid files whose process is alive and is that replica
    (a Streamlit run of the atlas on that port): replicas started before they were tagged."""
    found = {}
    for pid_file in folder.glob("replica-*.pid"):
        port, named = pid_file.stem.removeprefix("replica-"), pid_file.read_text().strip()
        if not (port.isdigit() and named.isdigit() and alive(int(named))):
            continue
        with contextlib.suppress(OSError):
            command = Path(f"/proc/{named}/cmdline").read_bytes().split(b"\0")
            words = [word.decode(errors="replace") for word in command]
            if "streamlit" in words and "app.py" in words and f"{port}" in words:
                found[int(port)] = int(named)
    return found


def nginx_pids(folder: Path, ports: tuple[int, ...] = ()) -> list[int]:
    """This deployment's nginx master (found by its configuration file) and its workers, and
    masterless nginx workers still listening on its `ports` (their master killed outright)."""
    conf = str((folder / "nginx.conf").resolve())
    masters, parents, workers_found = [], {}, set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            if command.startswith("nginx:"):
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                parents[int(entry.name)] = int(stat[1])
                if "worker process" in command:
                    workers_found.add(int(entry.name))
                if "master process" in command and f"-c {conf} " in f"{command} ":
                    masters.append(int(entry.name))
    workers = [pid for pid, parent in parents.items() if parent in masters]
    # An orphan has lost its master (its parent is no nginx): another nginx's workers are
    # never taken for ours, even on our ports.
    orphans = {
        pid
        for port in ports
        for pid in listening_pids(port)
        if pid in workers_found and parents[pid] not in parents
    }
    found = dict.fromkeys([*masters, *workers, *sorted(orphans)])
    return [pid for pid in found if alive(pid)]
