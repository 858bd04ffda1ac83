"""Tile builds in the background: one server-lifetime thread builds the archives pages ask for.

A page's script run must not build (a rerun would stop it, and a million features take
minutes): it asks `TileBuilds.request` for a layer's archive and gets its state at once:
ready (with the archive), building (with the share done) or failed (with the reason). Builds
run one at a time, in the order asked, in a daemon thread that outlives any page's run; the
archive and its lock are maps.tiles's (also safe across server processes). No Streamlit here.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import geopandas as gpd

from geo.errors import DataError
from geo.offsets import WGS84
from maps.tiles import MAX_ZOOM, MIN_ZOOM, TileLimits, archive_for, ready_archive

__all__ = ["INTERNAL_ERROR", "TileBuilds", "TileState", "tile_builds"]

_log = logging.getLogger(__name__)
# The error of a build that failed for a reason not the data's (a bug): the log has the rest.
INTERNAL_ERROR = "internal"


@dataclass(frozen=True)
class TileState:
    """Where one layer's archive stands: `archive` once ready, `error` if the build failed."""

    key: str
    archive: Path | None = None
    fraction: float = 0.0
    stage: str = "waiting"
    error: str | None = None

    @property
    def ready(self) -> bool:
        return self.archive is not None

    @property
    def building(self) -> bool:
        return self.archive is None and self.error is None


@dataclass(frozen=True)
class _Job:
    ticket: tuple
    key: str
    version: object
    load: Callable[[], gpd.GeoDataFrame]
    datum: str


class TileBuilds:
    """The archives asked for in this server process and the one thread building them."""

    def __init__(
        self,
        *,
        out_dir: Path | None = None,
        limits: TileLimits | None = None,
        min_zoom: int = MIN_ZOOM,
        max_zoom: int = MAX_ZOOM,
    ) -> None:
        self._out_dir = out_dir
        self._limits = limits
        self._zooms = {"min_zoom": min_zoom, "max_zoom": max_zoom}
        self._states: dict[tuple, TileState] = {}
        self._lock = threading.Lock()
        self._jobs: queue.Queue[_Job] = queue.Queue()
        self._worker: threading.Thread | None = None

    def request(
        self,
        key: str,
        version: object,
        load: Callable[[], gpd.GeoDataFrame],
        *,
        datum: str = WGS84,
    ) -> TileState:
        """The state of layer `key`'s archive at `version` (None: a session layer, versioned
        by its content), its build queued on first request; `load` gives its features."""
        ticket = (key, version, datum)
        with self._lock:
            state = self._states.get(ticket)
            if state is not None and state.error is None:
                return state
            archive = ready_archive(key, version, datum=datum, out_dir=self._out_dir, **self._zooms)
            if archive is not None:
                self._states[ticket] = TileState(key, archive, 1.0, "done")
                return self._states[ticket]
            if state is not None:  # failed before: tell, and do not retry on every rerun
                return state
            self._states[ticket] = TileState(key)
            self._jobs.put(_Job(ticket, key, version, load, datum))
            self._start_worker()
            return self._states[ticket]

    def state(self, key: str, version: object, *, datum: str = WGS84) -> TileState | None:
        """The state last known for this archive (None: never requested here)."""
        with self._lock:
            return self._states.get((key, version, datum))

    def forget_failures(self) -> None:
        """Let failed builds be tried again on their next request (after a data change)."""
        with self._lock:
            self._states = {t: s for t, s in self._states.items() if s.error is None}

    def _start_worker(self) -> None:
        if self._worker is None or not self._worker.is_alive():
            self._worker = threading.Thread(target=self._work, name="tile-builds", daemon=True)
            self._worker.start()

    def _work(self) -> None:
        while True:
            job = self._jobs.get()
            try:
                self._build(job)
            finally:
                self._jobs.task_done()

    def _build(self, job: _Job) -> None:
        def progress(stage: str, fraction: float) -> None:
            self._update(job.ticket, stage=stage, fraction=fraction)

        try:
            archive = archive_for(
                job.key,
                job.version,
                job.load,
                datum=job.datum,
                out_dir=self._out_dir,
                limits=self._limits,
                on_progress=progress,
                **self._zooms,
            )
        except DataError as error:
            self._update(job.ticket, error=error.problem, stage="failed")
        except Exception:  # a bug: logged for the server, told as a failed build
            _log.exception("building the tiles of %s failed", job.key)
            self._update(job.ticket, error=INTERNAL_ERROR, stage="failed")
        else:
            self._update(job.ticket, archive=archive, fraction=1.0, stage="done")

    def _update(self, ticket: tuple, **changes: object) -> None:
        with self._lock:
            self._states[ticket] = replace(self._states[ticket], **changes)

    def wait(self, timeout: float | None = None) -> bool:
        """Block until every queued build has ended (tests, scripts); False on timeout."""
        done = threading.Event()
        threading.Thread(target=lambda: (self._jobs.join(), done.set()), daemon=True).start()
        return done.wait(timeout)


_BUILDS: TileBuilds | None = None
_BUILDS_LOCK = threading.Lock()


def tile_builds() -> TileBuilds:
    """This server process's builds (one registry and one worker for every session)."""
    global _BUILDS
    with _BUILDS_LOCK:
        if _BUILDS is None:
            _BUILDS = TileBuilds(limits=TileLimits.from_environment())
        return _BUILDS
