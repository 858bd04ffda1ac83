"""The processes of a shared deployment, found from /proc rather than trusted from pid files:
which program listens on a port, which of ours run, and stopping them."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import time
from pathlib import Path

__all__ = [
    "PortBusy",
    "alive",
    "check_free",
    "listener",
    "listening_pids",
    "processes_with_environment",
    "stop_process",
]

# The state of a listening socket in /proc/net/tcp.
_TCP_LISTEN = "0A"


class PortBusy(RuntimeError):
    """A port the deployment needs is taken; the message names it and, when known, by what."""


def alive(pid: int) -> bool:
    """Whether `pid` is a live process (not a zombie)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def _command_line(pid: int) -> str:
    with contextlib.suppress(OSError):
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
    return ""


def _listening_inodes(port: int) -> set[str]:
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError):
            for line in Path(table).read_text().splitlines()[1:]:
                fields = line.split()
                if fields[3] == _TCP_LISTEN and int(fields[1].rsplit(":", 1)[1], 16) == port:
                    inodes.add(fields[9])
    return inodes


def listening_pids(port: int) -> set[int]:
    """The processes (of those we may look into) holding a listening socket on TCP `port`."""
    wanted = {f"socket:[{inode}]" for inode in _listening_inodes(port)}
    found = set()
    if not wanted:
        return found
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            for fd in (entry / "fd").iterdir():
                with contextlib.suppress(OSError):
                    if os.readlink(fd) in wanted:
                        found.add(int(entry.name))
                        break
    return found


def listener(port: int) -> str:
    """Who listens on `port`, as `pid 123 (nginx: master process …)`, or '' when unknown."""
    return ", ".join(
        f"pid {pid} ({_command_line(pid)[:80]})" for pid in sorted(listening_pids(port))
    )


def _bound(port: int, address: str) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((address, port))
        except OSError:
            return True
    return False


def check_free(port: int, what: str, address: str = "0.0.0.0") -> None:
    """Raise PortBusy naming `port`, `what` needed it and the program holding it."""
    if not _bound(port, address) and not _listening_inodes(port):
        return
    holder = listener(port)
    raise PortBusy(
        f"port {port} (for {what}) is already in use"
        + (f" by {holder}" if holder else " by another program")
        + ": stop it or choose another port (make shared PORT=… HTTP_PORT=… REPLICA_PORT=…)"
    )


def processes_with_environment(name: str, value: str) -> list[int]:
    """Live processes of ours whose environment sets `name` to `value` (a replica's tag)."""
    marker = f"{name}={value}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        with contextlib.suppress(OSError):
            if marker in (entry / "environ").read_bytes().split(b"\0") and alive(int(entry.name)):
                found.append(int(entry.name))
    return sorted(found)


def stop_process(pid: int, *, group: bool = False, timeout_s: float = 20) -> None:
    """SIGTERM `pid` (its process group with `group`), SIGKILL if it outlives `timeout_s`."""
    kill = os.killpg if group else os.kill
    for sig, wait_s in ((signal.SIGTERM, timeout_s), (signal.SIGKILL, 5)):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            kill(pid, sig)
        deadline = time.monotonic() + wait_s
        while time.monotonic() < deadline:
            if not alive(pid):
                with contextlib.suppress(ChildProcessError):
                    os.waitpid(pid, os.WNOHANG)
                return
            time.sleep(0.1)
