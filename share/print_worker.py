"""Printing in the limited worker (style point 13): a print is drawn in a child process with
memory, processing-time and wall-clock limits, at the lowest priority and without network.

The server gathers everything the print draws (the request's features, the context layers, the
layers' specs, the atlas's roll-ups) and writes it to one file of its own; the worker reads that
file only (no layer store, no database: it is pointed at none) and draws with the same code as
share.print_map in the server's process.  Progress comes back as `on_progress(stage,
fraction)`; a print that hits a limit ends in a PrintStopped naming it.
"""

from __future__ import annotations

import datetime as dt
import os
import pickle
import re
import tempfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from geo.errors import DataError
from geo.limits import UploadLimits
from geo.postgis import DATABASE_URL_ENV
from geo.upload_worker import run_limited
from layers import STORE_ENV
from share.print_map import (
    FORMATS,
    PrintRequest,
    ProgressCallback,
    print_map,
    request_inputs,
    township_atlas,
)
from share.township_pages import atlas_inputs

__all__ = [
    "DEFAULT_PRINT_WALL_SECONDS",
    "PRINT_WALL_ENV",
    "PrintStopped",
    "atlas_in_worker",
    "print_in_worker",
    "print_limits",
]

PRINT_WALL_ENV = "ATLAS_PRINT_WALL_S"
# A print takes seconds (the A3 overview about one); the user waits at the progress bar, so
# well under the upload's three minutes, with room for a loaded server (the worker runs last).
DEFAULT_PRINT_WALL_SECONDS = 120
# Where the worker's store setting points: nowhere a store can be opened or made.
_NO_STORE = "/dev/null/the-print-worker-reads-no-store.gpkg"
# How geo.upload_worker names the limit a worker hit (its messages speak of reading).
_LIMITS = (
    ("time", re.compile(r"took longer than (?P<n>[\d,]+) s")),
    ("processing", re.compile(r"more than (?P<n>[\d,]+) s of processing time")),
    ("memory", re.compile(r"more than the (?P<n>[\d,]+) MB of memory")),
    ("memory_or_processing", re.compile(r"memory or processing time")),
)
_PROBLEMS = {
    "time": "printing took longer than {n} s and was stopped (the time limit)",
    "processing": (
        "printing used more than {n} s of processing time and was stopped "
        "(the processing-time limit)"
    ),
    "memory": (
        "printing needed more than the {n} MB of memory allowed and was stopped (the memory limit)"
    ),
    "memory_or_processing": (
        "printing needed more memory or processing time than allowed and was stopped"
    ),
}


class PrintStopped(DataError):
    """A print the worker did not finish.

    `limit` names the limit it hit ("time", "processing", "memory", "memory_or_processing";
    None: it failed otherwise, logged on the server) and `amount` that limit (seconds or MB).
    """

    def __init__(
        self, source: str, problem: str, *, limit: str | None = None, amount: int | None = None
    ) -> None:
        super().__init__(source, problem)
        self.limit = limit
        self.amount = amount

    def __reduce__(self):
        return (type(self), (self.source, self.problem), self.__dict__)


def print_limits() -> UploadLimits:
    """The upload worker's limits (ATLAS_UPLOAD_*) with the print's own wall clock:
    ATLAS_PRINT_WALL_S seconds (default 120)."""
    limits = UploadLimits.from_environment()
    value = os.environ.get(PRINT_WALL_ENV)
    if value is None:
        return replace(limits, wall_seconds=DEFAULT_PRINT_WALL_SECONDS)
    try:
        seconds = float(value)
    except ValueError:
        raise ValueError(f"{PRINT_WALL_ENV}={value!r} is not a number") from None
    if seconds <= 0:
        raise ValueError(f"{PRINT_WALL_ENV} must be positive, got {value!r}")
    return replace(limits, wall_seconds=max(int(seconds), 1))


def print_in_worker(
    request: PrintRequest,
    fmt: str = "pdf",
    *,
    on_progress: ProgressCallback | None = None,
    limits: UploadLimits | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> bytes:
    """`share.print_map.print_map(request, fmt)` drawn in the limited worker.

    PrintStopped when a limit stops it; geo.upload_worker.UploadCancelled when `cancelled()`
    (asked several times a second) says the user left."""
    if fmt not in FORMATS:
        raise ValueError(f"format '{fmt}' is not pdf or png")
    _report(on_progress, "gather", 0.0)
    inputs = request_inputs(request)
    return _in_worker(
        _print_task,
        (request, fmt, inputs),
        source="map print",
        limits=limits,
        on_progress=on_progress,
        cancelled=cancelled,
    )


def atlas_in_worker(
    layers: tuple[str, ...],
    lang: str,
    data_date: dt.date,
    *,
    on_progress: ProgressCallback | None = None,
    limits: UploadLimits | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> bytes:
    """`share.print_map.township_atlas(layers, lang, data_date)` drawn in the limited worker;
    its layers and roll-ups are read here, at the date being viewed."""
    _report(on_progress, "gather", 0.0)
    inputs = atlas_inputs(layers, lang)
    return _in_worker(
        _atlas_task,
        (tuple(layers), lang, data_date, inputs),
        source="township atlas",
        limits=limits,
        on_progress=on_progress,
        cancelled=cancelled,
    )


def _report(on_progress: ProgressCallback | None, stage: str, fraction: float) -> None:
    if on_progress is not None:
        on_progress(stage, fraction)


def _in_worker(
    task: Callable[..., bytes],
    payload: tuple,
    *,
    source: str,
    limits: UploadLimits | None,
    on_progress: ProgressCallback | None,
    cancelled: Callable[[], bool] | None,
) -> bytes:
    """`task` run on `payload` (written to a file of the server's own) in the limited worker."""
    with tempfile.TemporaryDirectory(prefix="atlas-print-") as folder:
        path = Path(folder) / "print.pickle"
        with path.open("wb") as file:
            pickle.dump(payload, file, protocol=pickle.HIGHEST_PROTOCOL)
        _report(on_progress, "start", 0.0)
        try:
            result = run_limited(
                task,
                path,
                file_name=source,
                limits=limits or print_limits(),
                on_progress=on_progress,
                cancelled=cancelled,
            )
        except PrintStopped:
            raise
        except DataError as error:
            raise _stopped(error, source) from None
    if not isinstance(result, bytes):  # pragma: no cover - the tasks return bytes
        raise PrintStopped(source, "printing returned no document")
    return result


def _stopped(error: DataError, source: str) -> PrintStopped:
    """The worker's DataError said as a print's: which limit stopped it, if one did."""
    for limit, pattern in _LIMITS:
        match = pattern.search(error.problem)
        if match:
            amount = match.groupdict().get("n")
            number = int(amount.replace(",", "")) if amount else None
            problem = _PROBLEMS[limit].format(n=amount)
            return PrintStopped(source, problem, limit=limit, amount=number)
    if "unexpected" in error.problem:
        return PrintStopped(source, "printing stopped unexpectedly (logged on the server)")
    return PrintStopped(source, error.problem)


# --- in the worker ---------------------------------------------------------------------------


def _print_task(path: str, *, progress: ProgressCallback, **_) -> bytes:
    """The worker's task for a map print: the gathered request, drawn by print_map."""
    request, fmt, inputs = _payload(path)
    return print_map(request, fmt, inputs=inputs, progress=progress)


def _atlas_task(path: str, *, progress: ProgressCallback, **_) -> bytes:
    """The worker's task for the township atlas: the gathered layers and roll-ups, drawn."""
    layers, lang, data_date, inputs = _payload(path)
    return township_atlas(layers, lang, data_date, inputs=inputs, progress=progress)


def _payload(path: str) -> tuple:
    """The file the server wrote, after pointing the store settings at nothing (whatever
    would read a layer here fails instead of opening the server's store or database)."""
    os.environ[STORE_ENV] = _NO_STORE
    os.environ.pop(DATABASE_URL_ENV, None)
    with open(path, "rb") as file:
        return pickle.load(file)  # written by the server itself, never user bytes
