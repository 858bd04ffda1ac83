"""Uploads read in a worker process with limits, so a hostile file cannot take the server down.

`read_upload` runs `geo.upload.inspect_upload` in a child process forked from a server of
workers whose GDAL knows only the drivers uploads may use.  Before reading, the child limits
its own address space (memory), CPU time and file writes, lowers its priority (other users'
pages stay responsive) and, where the kernel allows it, leaves the network altogether (a new
network namespace: no file can make the server fetch a URL).  The parent waits with a
wall-clock limit, relays progress, stops the child when the caller says so (the user pressed
cancel or left), and turns every way the child can end into a DataError naming the limit.
"""

from __future__ import annotations

import ctypes
import logging
import multiprocessing
import multiprocessing.context
import os
import re
import resource
import signal
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, replace
from multiprocessing import popen_forkserver, spawn
from multiprocessing.connection import Connection
from pathlib import Path

import geopandas as gpd
import shapely

from geo.errors import DataError
from geo.limits import MB, UploadLimits
from geo.offsets import WGS84
from geo.upload import UploadReport, inspect_upload

__all__ = ["UploadCancelled", "UploadOutcome", "read_upload", "run_limited", "worker_isolation"]

log = logging.getLogger(__name__)

ProgressCallback = Callable[[str, float], None]
_POLL_SECONDS = 0.2
_CLONE_NEWUSER = 0x10000000
_CLONE_NEWNET = 0x40000000
_PR_SET_PDEATHSIG = 1
_LOCK = threading.Lock()
_CONTEXT: multiprocessing.context.ForkServerContext | None = None
# Paths of this server a reader's message may hold: the upload folders, the project, Python.
_SERVER_PATHS = re.compile(
    "|".join(
        re.escape(prefix) + r"[^\s'\"]*"
        for prefix in sorted(
            {
                f"{tempfile.gettempdir()}/atlas-upload-",
                str(Path(__file__).resolve().parents[1]),
                sys.prefix,
                sys.base_prefix,
            },
            key=len,
            reverse=True,
        )
    )
)


class UploadCancelled(Exception):
    """The reading was stopped because the caller asked (cancel pressed, page left)."""


@dataclass(frozen=True)
class UploadOutcome:
    """What reading an upload gave: the layers it offers, and the features and report."""

    layers: tuple[str, ...]
    frame: gpd.GeoDataFrame
    report: UploadReport


@dataclass(frozen=True)
class _Job:
    """What the worker runs: a module-level function (pickled by name) on one file."""

    task: Callable[..., object]
    path: str
    file_name: str
    limits: UploadLimits
    options: dict


def read_upload(
    path: str | Path,
    *,
    file_name: str,
    district: shapely.Geometry | None = None,
    layer: str | None = None,
    crs: str | None = None,
    datum: str = WGS84,
    swap_xy: bool = False,
    limits: UploadLimits | None = None,
    on_progress: ProgressCallback | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> UploadOutcome:
    """Read an uploaded file in a limited worker; DataError for every refusal or limit hit.

    `on_progress(stage, fraction)` is called as the worker moves on; `cancelled()` is asked
    several times a second and stops the worker when it returns True (UploadCancelled).
    """
    return run_limited(
        _inspect,
        path,
        file_name=file_name,
        limits=limits,
        on_progress=on_progress,
        cancelled=cancelled,
        district_wkb=None if district is None else shapely.to_wkb(district),
        layer=layer,
        crs=crs,
        datum=datum,
        swap_xy=swap_xy,
    )


def run_limited(
    task: Callable[..., object],
    path: str | Path,
    *,
    file_name: str,
    limits: UploadLimits | None = None,
    on_progress: ProgressCallback | None = None,
    cancelled: Callable[[], bool] | None = None,
    **options: object,
) -> object:
    """`task(path, file_name=, limits=, progress=, **options)` run in a limited worker.

    `task` must be a module-level function; what it returns must pickle.  Its DataErrors
    come back as they are (server paths removed); every other way it ends is a DataError.
    """
    limits = limits or UploadLimits.from_environment()
    job = _Job(task, str(Path(path).resolve()), file_name, limits, options)
    receiver, sender = _context().Pipe(duplex=False)
    process = _WorkerProcess(target=_child, args=(sender, job), daemon=True)
    process.start()
    sender.close()
    try:
        return _wait(process, receiver, job, on_progress, cancelled)
    finally:
        receiver.close()
        if process.is_alive():
            process.kill()
        process.join(5)


def _wait(process, receiver: Connection, job: _Job, on_progress, cancelled) -> object:
    deadline = time.monotonic() + job.limits.wall_seconds
    while True:
        if cancelled is not None and cancelled():
            raise UploadCancelled(job.file_name)
        if time.monotonic() > deadline:
            raise DataError(
                job.file_name,
                f"reading took longer than {job.limits.wall_seconds} s and was stopped "
                "(the file is too large or too complex)",
            )
        message = _receive(receiver, process)
        if message is None:
            continue
        kind, *payload = message
        if kind == "progress" and on_progress is not None:
            on_progress(*payload)
        elif kind == "done":
            return payload[0]
        elif kind == "refused":
            raise payload[0]
        elif kind == "failed":
            log.error("upload worker failed on %r:\n%s", job.file_name, payload[0])
            raise DataError(job.file_name, "could not be read (an unexpected error; logged)")
        elif kind == "ended":
            raise _ended(job, payload[0])


def _receive(receiver: Connection, process) -> tuple | None:
    """The next message, ("ended", exitcode) when the child is gone, or None after a poll."""
    try:
        if receiver.poll(_POLL_SECONDS):
            return receiver.recv()
    except (EOFError, OSError):
        pass
    else:
        if process.is_alive():
            return None
    process.join(5)
    return ("ended", process.exitcode)


def _ended(job: _Job, exitcode: int | None) -> DataError:
    """The child died without a word: name the limit that killed it."""
    limits = job.limits
    if exitcode == -signal.SIGXCPU:
        return DataError(
            job.file_name,
            f"reading used more than {limits.cpu_seconds} s of processing time and was stopped",
        )
    if exitcode in (-signal.SIGSEGV, -signal.SIGABRT, -signal.SIGBUS):
        return DataError(job.file_name, _memory_problem(limits))
    if exitcode == -signal.SIGKILL:
        return DataError(
            job.file_name,
            "reading needed more memory or processing time than allowed and was stopped",
        )
    if exitcode == -signal.SIGXFSZ:
        return DataError(
            job.file_name,
            f"unpacks to more than {limits.max_unpacked_bytes // MB:,} MB: a zip bomb is refused",
        )
    log.error("upload worker for %r ended with exit code %s", job.file_name, exitcode)
    return DataError(job.file_name, "could not be read (the reader stopped unexpectedly; logged)")


# --- the worker server and the child ---------------------------------------------------------


def _context() -> multiprocessing.context.ForkServerContext:
    """The fork server of upload workers, started once with only the upload GDAL drivers."""
    global _CONTEXT
    with _LOCK:
        if _CONTEXT is None:
            import pyogrio

            from geo.sniff import UPLOAD_GDAL_DRIVERS

            skip = sorted(set(pyogrio.list_drivers()) - set(UPLOAD_GDAL_DRIVERS))
            os.environ["ATLAS_UPLOAD_GDAL_SKIP"] = ",".join(skip)
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["geo.upload_sandbox_env", "geo.upload"])
            _CONTEXT = context
        return _CONTEXT


class _WorkerPopen(popen_forkserver.Popen):
    """Starts a worker without importing the parent's __main__ in it.

    multiprocessing re-imports the parent's main script in every child; here that is the
    Streamlit CLI (or, under AppTest, the app itself), which the worker has no use for: it
    costs time and memory that count against the worker's limits.
    """

    def _launch(self, process_obj) -> None:
        original = spawn.get_preparation_data

        def without_main(name: str) -> dict:
            data = original(name)
            data.pop("init_main_from_name", None)
            data.pop("init_main_from_path", None)
            return data

        with _LOCK:
            spawn.get_preparation_data = without_main
            try:
                super()._launch(process_obj)
            finally:
                spawn.get_preparation_data = original


class _WorkerProcess(multiprocessing.context.ForkServerProcess):
    @staticmethod
    def _Popen(process_obj) -> _WorkerPopen:
        return _WorkerPopen(process_obj)


def _child(sender: Connection, job: _Job) -> None:
    """The worker: limit itself, leave the network, read, send the outcome."""
    _limit_self(job.limits)
    os.chdir(Path(job.path).parent)

    def progress(stage: str, fraction: float) -> None:
        sender.send(("progress", stage, fraction))

    try:
        result = job.task(
            job.path, file_name=job.file_name, limits=job.limits, progress=progress, **job.options
        )
        sender.send(("done", result))
    except DataError as error:
        sender.send(("refused", _scrubbed(error, job)))
    except MemoryError:
        sender.send(("refused", DataError(job.file_name, _memory_problem(job.limits))))
    except Exception:  # anything else is a bug to log, never a traceback for the user
        sender.send(("failed", traceback.format_exc()))
    finally:
        sender.close()


def _inspect(path: str, *, district_wkb: bytes | None, **options) -> UploadOutcome:
    """The worker's task for the data page: geo.upload.inspect_upload."""
    district = None if district_wkb is None else shapely.from_wkb(district_wkb)
    frame, report = inspect_upload(path, district=district, **options)
    name = options["file_name"]
    notices = tuple(replace(n, detail=_scrub(n.detail, path, name)) for n in report.notices)
    return UploadOutcome(report.layers, frame, replace(report, notices=notices))


def _memory_problem(limits: UploadLimits) -> str:
    return (
        f"reading needed more than the {limits.memory_bytes // MB:,} MB of memory allowed "
        "and was stopped"
    )


def _scrubbed(error: DataError, job: _Job) -> DataError:
    """The refusal with any server path replaced by the file's own name."""
    return type(error)(job.file_name, _scrub(error.problem, job.path, job.file_name))


def _scrub(text: str, path: str, file_name: str) -> str:
    """`text` with the upload's path named as the user knows it and other server paths cut."""
    text = text.replace(path, file_name).replace(str(Path(path).parent), "…")
    return _SERVER_PATHS.sub("…", text)


def _limit_self(limits: UploadLimits) -> None:
    # Python's default: deep nesting (JSON, XML) stops with RecursionError, not a C stack
    # overflow, whatever the fork server's imports set (Hypothesis, for one, raises it).
    sys.setrecursionlimit(1000)
    resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
    resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds + 5))
    written = limits.max_unpacked_bytes + limits.max_file_bytes + 64 * MB
    resource.setrlimit(resource.RLIMIT_FSIZE, (written, written))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    # The server's own threads (other users' pages) come first: the worker runs on what they
    # leave over (SCHED_IDLE), or at the lowest priority where that policy is not available.
    try:
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
    except (AttributeError, OSError):
        os.nice(19)
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if not worker_isolation(libc):  # GDAL's network is off and files are checked; say so
        log.warning("upload worker: no network namespace (unshare refused); relying on checks")


def worker_isolation(libc: ctypes.CDLL | None = None) -> bool:
    """Leave the network for a namespace of one's own (no interfaces); whether it worked."""
    libc = libc or ctypes.CDLL(None, use_errno=True)
    for flags in (_CLONE_NEWNET, _CLONE_NEWUSER | _CLONE_NEWNET):
        if libc.unshare(flags) == 0:
            return True
    return False
