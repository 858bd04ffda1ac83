"""Read vector data of every common kind into EPSG:4326 with correct text."""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from os import PathLike
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

from geo.crs_choice import display_frame, settle_crs
from geo.errors import DataError, ReadNotice
from geo.gdal_read import read_with_gdal
from geo.geometry import repair_geometries
from geo.limits import UploadLimits
from geo.loaded import Loaded
from geo.shapefile_checks import check_shapefile, check_zipped_shapefile
from geo.shapefile_encoding import shapefile_encoding
from geo.tables import read_csv_points, read_excel_points

__all__ = [
    "READABLE_SUFFIXES",
    "ReadReport",
    "read_vector",
    "read_vector_with_report",
]

# File kinds by extension; a folder is read as the one shapefile inside it.
_KIND_BY_EXTENSION = {
    ".shp": "shapefile",
    ".zip": "zipped shapefile",
    ".geojson": "GeoJSON",
    ".json": "GeoJSON",
    ".gpkg": "GeoPackage",
    ".kml": "KML",
    ".kmz": "KMZ",
    ".gpx": "GPX",
    ".csv": "CSV",
    ".xlsx": "Excel",
}
READABLE_SUFFIXES = tuple(_KIND_BY_EXTENSION)
_SUPPORTED = ", ".join(READABLE_SUFFIXES) + " or a folder holding one .shp"


@dataclass(frozen=True)
class ReadReport:
    """What read_vector did to a source: how it decoded text, which CRS it used, what it fixed."""

    source: str
    driver: str
    encoding: str | None
    encoding_reason: str
    crs_source: str
    crs_reason: str
    feature_count: int
    repaired: tuple[str, ...]
    empty_features: int
    layer: str | None
    crs_guessed: bool = False  # no usable CRS in the file: guessed from the coordinates
    notices: tuple[ReadNotice, ...] = ()  # what reading changed or left out, for the report


def read_vector(
    source: str | PathLike[str],
    *,
    layer: str | None = None,
    crs: str | None = None,
    encoding: str | None = None,
    swap_xy: bool = False,
    limits: UploadLimits | None = None,
) -> gpd.GeoDataFrame:
    """The features of ``source`` in EPSG:4326; see read_vector_with_report."""
    return read_vector_with_report(
        source, layer=layer, crs=crs, encoding=encoding, swap_xy=swap_xy, limits=limits
    )[0]


def read_vector_with_report(
    source: str | PathLike[str],
    *,
    layer: str | None = None,
    crs: str | None = None,
    encoding: str | None = None,
    swap_xy: bool = False,
    limits: UploadLimits | None = None,
    progress: Callable[[str, float], None] | None = None,
) -> tuple[gpd.GeoDataFrame, ReadReport]:
    """The features of ``source`` in EPSG:4326 with correctly decoded text, and a ReadReport.

    ``source`` is a shapefile (.shp, a folder holding one .shp, or a .zip holding one shapefile
    set), GeoJSON, GeoPackage, KML/KMZ, GPX or a CSV with coordinate columns.  ``layer`` picks a
    layer of a multi-layer file, ``crs`` is used only when the file declares none (or declares
    one its coordinates contradict), and ``encoding`` overrides the detected text encoding.
    ``swap_xy`` exchanges x and y (latitude written where the longitude belongs); coordinates
    that look swapped raise SwappedAxes, a DataError, so the caller can offer the swap.
    Invalid geometries are repaired and listed; empty geometries are kept and counted.
    Raises DataError, naming the file, for anything that cannot be read.
    """
    label = str(source)
    path = Path(source)
    limits = limits or UploadLimits()
    step = progress or (lambda stage, fraction: None)
    if not path.exists():
        raise DataError(label, "file not found")
    if path.is_dir():
        kind = "shapefile"
        path = _only_shapefile_in(path, label)
    else:
        kind = _KIND_BY_EXTENSION.get(path.suffix.lower())
        if kind is None:
            raise DataError(
                label, f"unsupported file type {path.suffix or '(none)'!r}; supported: {_SUPPORTED}"
            )

    if path.stat().st_size == 0:
        raise DataError(label, "empty: no features (the file is 0 bytes)")

    if kind == "CSV":
        if layer is not None:
            raise DataError(label, f"a CSV file has no layers (layer={layer!r} given)")
        loaded = read_csv_points(path, label, encoding, limits)
    elif kind == "Excel":
        loaded = read_excel_points(path, label, layer, limits)
    elif kind == "shapefile":
        loaded = _read_shapefile(path, label, layer, encoding, limits)
    elif kind == "zipped shapefile":
        loaded = _read_zipped_shapefile(path, label, layer, encoding, limits)
    else:
        chosen, reason = _text_encoding(encoding, kind)
        loaded = read_with_gdal(str(path), label, layer, chosen, reason, limits)

    frame = loaded.frame
    if len(frame) == 0:
        raise DataError(label, "empty: no features")
    _check_vertices(frame, label, limits)
    _check_finite(frame, label)
    if swap_xy:
        frame = frame.set_geometry(shapely.transform(frame.geometry.array, lambda xy: xy[:, ::-1]))
    step("crs", 0.6)
    frame, crs_source, crs_reason, guessed = settle_crs(frame, label, crs)
    frame = display_frame(frame, label, crs_source, crs_reason)
    step("repair", 0.7)
    frame, repaired = repair_geometries(frame)
    empty = int((frame.geometry.isna() | frame.geometry.is_empty).sum())
    report = ReadReport(
        source=label,
        driver=loaded.driver,
        encoding=loaded.encoding,
        encoding_reason=loaded.encoding_reason,
        crs_source=crs_source,
        crs_reason=crs_reason,
        feature_count=len(frame),
        repaired=tuple(repaired),
        empty_features=empty,
        layer=loaded.layer,
        crs_guessed=guessed,
        notices=loaded.notices,
    )
    return frame, report


def _check_vertices(frame: gpd.GeoDataFrame, label: str, limits: UploadLimits) -> None:
    """DataError for a feature or a file with more vertices than the limits (before repairs)."""
    counts = shapely.get_num_coordinates(frame.geometry.array)
    if counts.size and counts.max() > limits.max_vertices_per_feature:
        worst = int(counts.argmax())
        raise DataError(
            label,
            f"feature {frame.index[worst]} has {int(counts[worst]):,} vertices, more than the "
            f"{limits.max_vertices_per_feature:,} allowed for one feature",
        )
    if counts.sum() > limits.max_vertices:
        raise DataError(
            label,
            f"holds {int(counts.sum()):,} vertices, more than the {limits.max_vertices:,} allowed",
        )


# --- finding the data -------------------------------------------------------------------------


def _only_shapefile_in(folder: Path, label: str) -> Path:
    """The single .shp directly inside ``folder``."""
    found = sorted(p for p in folder.iterdir() if p.suffix.lower() == ".shp" and p.is_file())
    if len(found) != 1:
        names = ", ".join(p.name for p in found) or "none"
        raise DataError(label, f"a folder must hold exactly one .shp file; found: {names}")
    return found[0]


def _sibling(path: Path, suffix: str) -> Path | None:
    """The file next to ``path`` with the same stem and ``suffix``, in any letter case."""
    for candidate in path.parent.iterdir():
        if candidate.stem == path.stem and candidate.suffix.lower() == suffix:
            return candidate
    return None


def _zip_noise(name: str) -> bool:
    """Whether a zip member is a folder entry or macOS metadata (__MACOSX/, ._name)."""
    return name.endswith("/") or name.startswith("__MACOSX/") or "/._" in f"/{name}"


def _zip_member(names: list[str], shp: str, suffix: str) -> str | None:
    """The member of the zip that belongs with ``shp`` and has ``suffix``, in any letter case."""
    stem = shp[: -len(".shp")]
    for name in names:
        if name[: -len(suffix)] == stem and name[-len(suffix) :].lower() == suffix:
            return name
    return None


# --- shapefiles and their text encoding -------------------------------------------------------


def _read_shapefile(
    shp: Path, label: str, layer: str | None, encoding: str | None, limits: UploadLimits
) -> Loaded:
    check_shapefile(shp, label)
    if encoding is not None:
        return read_with_gdal(
            str(shp), label, layer, encoding, "given by the caller (encoding=)", limits
        )
    cpg = _sibling(shp, ".cpg")
    dbf = _sibling(shp, ".dbf")
    cpg_text = cpg.read_bytes() if cpg is not None else None
    with dbf.open("rb") if dbf is not None else nullcontext() as dbf_file:
        text = shapefile_encoding(cpg_text, dbf_file, label)
    return text.applied_to(
        read_with_gdal(str(shp), label, layer, text.encoding, text.reason, limits)
    )


def _read_zipped_shapefile(
    archive: Path, label: str, layer: str | None, encoding: str | None, limits: UploadLimits
) -> Loaded:
    try:
        with zipfile.ZipFile(archive) as zipped:
            names = [n for n in zipped.namelist() if not _zip_noise(n)]
            shps = [n for n in names if n.lower().endswith(".shp")]
            if len(shps) != 1:
                found = ", ".join(shps) or "none"
                raise DataError(
                    label, f"a .zip must hold exactly one shapefile (.shp); found: {found}"
                )
            shp = shps[0]
            check_zipped_shapefile(zipped, shp, label)
            text = None
            if encoding is None:
                cpg = _zip_member(names, shp, ".cpg")
                dbf = _zip_member(names, shp, ".dbf")
                cpg_text = zipped.read(cpg) if cpg is not None else None
                with zipped.open(dbf) if dbf is not None else nullcontext() as dbf_file:
                    text = shapefile_encoding(cpg_text, dbf_file, label)
    except (zipfile.BadZipFile, OSError, zlib.error) as error:
        raise DataError(label, f"unreadable zip file: {error}") from error
    gdal_path = f"/vsizip/{archive.resolve().as_posix()}/{shp}"
    if text is None:
        return read_with_gdal(
            gdal_path, label, layer, encoding, "given by the caller (encoding=)", limits
        )
    return text.applied_to(
        read_with_gdal(gdal_path, label, layer, text.encoding, text.reason, limits)
    )


def _text_encoding(encoding: str | None, kind: str) -> tuple[str | None, str]:
    """The encoding to pass to pyogrio for a non-shapefile format, and why."""
    if encoding is not None:
        return encoding, "given by the caller (encoding=)"
    return None, f"{kind} text is UTF-8 by specification"


def _check_finite(frame: gpd.GeoDataFrame, label: str) -> None:
    """DataError naming the features whose coordinates are NaN or infinite."""
    coordinates, owners = shapely.get_coordinates(frame.geometry.array, return_index=True)
    bad = np.unique(owners[~np.isfinite(coordinates).all(axis=1)])
    if len(bad):
        rows = ", ".join(str(frame.index[i]) for i in bad[:10]) + (" …" if len(bad) > 10 else "")
        raise DataError(
            label,
            f"{len(bad)} features have coordinates that are not numbers (NaN or infinite): {rows}",
        )
