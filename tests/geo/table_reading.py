"""Reading CSV and Excel tables for tests/geo/test_csv.py and test_excel.py: directly, or in
the upload worker with a 1.5 GB address-space limit and a 60 s timeout, so that a regression
fails the suite instead of taking the machine down."""

from __future__ import annotations

import re
import time
from dataclasses import replace
from pathlib import Path

import pytest

from geo.errors import DataError
from geo.limits import MB, UploadLimits
from geo.tables import read_csv_points, read_excel_points
from geo.upload_worker import run_limited

CHILD_MEMORY = 1536 * MB
CHILD_SECONDS = 60
SMALL = UploadLimits(max_features=5, max_fields=5, max_cells=1_000)


def _worker_read(path: str, *, file_name: str, limits: UploadLimits, kind: str, **_) -> int:
    """Runs in the upload worker (memory-limited, as in the app): the rows read."""
    reader = read_csv_points if kind == "csv" else read_excel_points
    return len(reader(Path(path), file_name, None, limits).frame)


def _read_in_child(kind: str, path: Path, limits: UploadLimits | None = None) -> tuple:
    """("read", rows, seconds) or ("refused", problem, seconds); the test fails if the worker
    runs out of memory, dies or takes longer than CHILD_SECONDS."""
    bounded = replace(
        limits or UploadLimits(), memory_bytes=CHILD_MEMORY, wall_seconds=CHILD_SECONDS
    )
    started = time.monotonic()
    try:
        rows = run_limited(_worker_read, path, file_name=f"t.{kind}", limits=bounded, kind=kind)
    except DataError as error:
        if re.search(r"memory|processing time|took longer|unexpected", error.problem):
            pytest.fail(f"reading {path.name} failed: {error.problem}")
        return ("refused", error.problem, time.monotonic() - started)
    return ("read", rows, time.monotonic() - started)


def _refusal(kind: str, path: Path, limits: UploadLimits = SMALL) -> str:
    reader = read_csv_points if kind == "csv" else read_excel_points
    with pytest.raises(DataError) as caught:
        reader(path, path.name, None, limits)
    return caught.value.problem
