"""An uploaded file, read safely and described before anything is added: the validation report.

`inspect_upload` enforces the size limits, unpacks archives safely (`geo.archive`), reads the
data with `geo.io` (encodings, CRS found or guessed, repairs), applies what the user chose
(a CRS, a GCJ-02/BD-09 datum, swapped axes), and reports format, layers, features, geometry
types, CRS and why, encoding and why, repairs, empty and duplicate features, fields and their
types, and how many features fall outside the district.  Every refusal is a DataError naming
the file as the user knows it.
"""

from __future__ import annotations

import shutil
import tempfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely

from geo.archive import check_size, safe_extract
from geo.errors import DataError, ReadNotice
from geo.geometry import GEOMETRY_FAMILY
from geo.io import READABLE_SUFFIXES, read_vector_with_report
from geo.limits import UploadLimits
from geo.offsets import WGS84, convert_geometries
from geo.sniff import check_untrusted
from geo.tables import excel_sheet_names

__all__ = ["UPLOAD_SUFFIXES", "UploadReport", "inspect_upload", "layers_of"]

# Whatever geo.io reads, except a bare .shp (its parts must come zipped together).
UPLOAD_SUFFIXES = tuple(s for s in READABLE_SUFFIXES if s != ".shp")
# What a zip may hold: any of those but another archive.
_VECTOR_SUFFIXES = tuple(s for s in READABLE_SUFFIXES if s not in (".zip", ".kmz"))
_FORMATS = {
    ".zip": "zipped Shapefile",
    ".shp": "Shapefile",
    ".geojson": "GeoJSON",
    ".json": "GeoJSON",
    ".gpkg": "GeoPackage",
    ".kml": "KML",
    ".kmz": "KMZ",
    ".gpx": "GPX",
    ".csv": "CSV",
    ".xlsx": "Excel",
}


@dataclass(frozen=True)
class UploadReport:
    """What an uploaded file holds and what reading it did, shown before it is added."""

    file_name: str
    format: str
    layers: tuple[str, ...]
    layer: str | None
    feature_count: int
    geometry_types: dict[str, int]
    crs: str
    crs_reason: str
    crs_guessed: bool
    datum: str
    swapped_axes: bool
    encoding: str | None
    encoding_reason: str
    repaired: tuple[str, ...]
    empty_features: int
    duplicate_features: int
    fields: tuple[tuple[str, str], ...]
    outside_district: int
    notices: tuple[ReadNotice, ...] = ()  # what reading changed or left out, with counts

    @property
    def mixed_geometry(self) -> bool:
        """Points, lines and polygons together (they become one layer each)."""
        return len(_families(self.geometry_types)) > 1


def inspect_upload(
    path: str | Path,
    *,
    file_name: str,
    district: shapely.Geometry | None = None,
    layer: str | None = None,
    crs: str | None = None,
    datum: str = WGS84,
    swap_xy: bool = False,
    limits: UploadLimits | None = None,
    progress: Callable[[str, float], None] | None = None,
) -> tuple[gpd.GeoDataFrame, UploadReport]:
    """The features (EPSG:4326, WGS-84) of an uploaded file and its validation report.

    `district` (EPSG:4326) is what "outside" is counted against; `crs` applies when the file
    declares none; `datum` says the lon/lat are GCJ-02 or BD-09; `swap_xy` exchanges x and y.
    With several layers and none chosen, the first is read.  Untrusted files are read through
    `geo.upload_worker.read_upload`, which runs this in a limited process.
    """
    step = progress or (lambda stage, fraction: None)
    path = Path(path)
    limits = limits or UploadLimits.from_environment()
    suffix = Path(file_name).suffix.lower()
    if suffix not in UPLOAD_SUFFIXES:
        raise DataError(
            file_name,
            f"unsupported file type '{suffix or '(none)'}'; use {', '.join(UPLOAD_SUFFIXES)}",
        )
    check_size(path, limits, file_name)
    with tempfile.TemporaryDirectory(prefix="atlas-upload-") as folder:
        step("unpack", 0.05)
        source = _readable_source(path, suffix, Path(folder), limits, file_name)
        step("check", 0.15)
        try:
            check_untrusted(source, file_name, limits)
            layers = layers_of(source, file_name, limits)
            step("read", 0.3)
            frame, read = read_vector_with_report(
                source,
                layer=layer or (layers[0] if len(layers) > 1 else None),
                crs=crs,
                swap_xy=swap_xy,
                limits=limits,
                progress=progress,
            )
        except DataError as error:
            raise type(error)(file_name, error.problem.replace(str(source), file_name)) from error
    step("report", 0.9)
    if datum != WGS84:
        frame = convert_geometries(frame, datum, WGS84)
    report = UploadReport(
        file_name=file_name,
        format=_format(suffix, source),
        layers=layers,
        layer=read.layer if layers else None,
        feature_count=len(frame),
        geometry_types=_geometry_types(frame),
        crs=read.crs_source,
        crs_reason=read.crs_reason,
        crs_guessed=read.crs_guessed,
        datum=datum,
        swapped_axes=swap_xy,
        encoding=read.encoding,
        encoding_reason=read.encoding_reason,
        repaired=read.repaired,
        empty_features=read.empty_features,
        duplicate_features=_duplicates(frame),
        fields=tuple((str(c), _kind(frame[c])) for c in frame.columns if c != "geometry"),
        outside_district=_outside(frame, district),
        notices=read.notices,
    )
    return frame, report


def _readable_source(
    path: Path, suffix: str, folder: Path, limits: UploadLimits, file_name: str
) -> Path:
    """What geo.io reads: the file itself (renamed to its real name), or the zip's one dataset."""
    if suffix == ".zip":
        files = safe_extract(path, folder, limits, file_name)
        return _one_dataset(files, file_name)
    named = folder / f"upload{suffix}"
    shutil.copyfile(path, named)
    return named


def _format(suffix: str, source: Path) -> str:
    inner = source.suffix.lower()
    if suffix == ".zip" and inner != ".shp":
        return f"zip ({_FORMATS[inner]})"
    return _FORMATS[suffix]


def _one_dataset(files: list[Path], file_name: str) -> Path:
    """The single vector dataset inside an unpacked archive (one .shp set, or one file)."""
    shapefiles = [f for f in files if f.suffix.lower() == ".shp"]
    if len(shapefiles) == 1:
        return shapefiles[0]
    if len(shapefiles) > 1:
        names = ", ".join(sorted(f.name for f in shapefiles))
        raise DataError(file_name, f"holds several shapefiles ({names}); zip one per upload")
    others = [f for f in files if f.suffix.lower() in _VECTOR_SUFFIXES and not _noise(f)]
    if len(others) != 1:
        found = ", ".join(sorted(f.name for f in others)) or "none"
        raise DataError(file_name, f"must hold one shapefile or one data file; found: {found}")
    return others[0]


def _noise(path: Path) -> bool:
    return "__MACOSX" in path.parts or path.name.startswith("._")


def layers_of(source: Path, file_name: str, limits: UploadLimits | None = None) -> tuple[str, ...]:
    """The layers (or sheets) of a multi-layer file; empty for single-layer formats."""
    suffix = source.suffix.lower()
    if suffix == ".xlsx":
        return excel_sheet_names(source, file_name, limits or UploadLimits())
    try:
        if suffix in (".gpkg", ".kml", ".kmz", ".gpx"):
            return tuple(str(name) for name, _ in pyogrio.list_layers(source))
    except Exception as error:  # the reader names the problem in detail right after
        raise DataError(file_name, f"unreadable: {error}") from error
    return ()


def _geometry_types(frame: gpd.GeoDataFrame) -> dict[str, int]:
    kinds = frame.geometry.geom_type.fillna("(none)")
    kinds = kinds.where(~frame.geometry.is_empty | frame.geometry.isna(), "(empty)")
    return dict(Counter(kinds))


def _families(geometry_types: dict[str, int]) -> set[str]:
    return {GEOMETRY_FAMILY[kind] for kind in geometry_types if kind in GEOMETRY_FAMILY}


def _duplicates(frame: gpd.GeoDataFrame) -> int:
    """Features equal to an earlier one in geometry and every attribute."""
    if frame.empty:
        return 0
    table = pd.DataFrame(frame.drop(columns="geometry")).astype(str)
    table["__wkb"] = [g.wkb_hex if g is not None else "" for g in frame.geometry]
    return int(table.duplicated().sum())


def _kind(values: pd.Series) -> str:
    if pd.api.types.is_bool_dtype(values):
        return "boolean"
    if pd.api.types.is_integer_dtype(values):
        return "integer"
    if pd.api.types.is_float_dtype(values):
        return "number"
    if pd.api.types.is_datetime64_any_dtype(values):
        return "date/time"
    return "text"


def _outside(frame: gpd.GeoDataFrame, district: shapely.Geometry | None) -> int:
    if district is None:
        return 0
    present = frame.geometry.notna() & ~frame.geometry.is_empty
    return int((present & ~frame.geometry.intersects(district)).sum())
