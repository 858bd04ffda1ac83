"""One layer of a vector file read through GDAL (pyogrio), within limits, losing nothing silently.

The driver GDAL chose must be the one the file's suffix promises; field and feature counts
are checked against the limits before any row is read; a property named `geometry` (which
GeoPandas would drop for the geometry column) is kept under another name and reported.
"""

from __future__ import annotations

import warnings
from pathlib import PurePosixPath

import geopandas as gpd
import pyogrio
import shapely

from geo.errors import DataError, ReadNotice
from geo.limits import UploadLimits
from geo.loaded import GEOMETRY_COLUMN, Loaded, renamed_geometry_field
from geo.sniff import ALLOWED_DRIVERS

__all__ = ["read_with_gdal"]

# Multi-layer formats whose default layer is fixed rather than asked for.
_DEFAULT_LAYER = {"GPX": "waypoints"}
# Every pyogrio error (DataSourceError, DataLayerError, …) is a RuntimeError; GEOS refuses
# what GDAL read but is no geometry (a ring that does not close).
_PYOGRIO_ERRORS = (RuntimeError, OSError, shapely.errors.GEOSException)


def read_with_gdal(
    gdal_path: str,
    label: str,
    layer: str | None,
    encoding: str | None,
    encoding_reason: str,
    limits: UploadLimits | None = None,
) -> Loaded:
    """Read one layer through pyogrio, turning every GDAL failure into a DataError."""
    limits = limits or UploadLimits()
    try:
        chosen_layer = _choose_layer(gdal_path, label, layer)
        info = pyogrio.read_info(gdal_path, layer=chosen_layer)
        _check_driver(info["driver"], gdal_path, label)
        if info["geometry_type"] is None:
            raise DataError(label, "no geometry column" + _in_layer(chosen_layer))
        fields = [str(name) for name in info["fields"]]
        _check_counts(len(fields), int(info.get("features") or 0), label, limits)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            frame, notices = _read_frame(gdal_path, chosen_layer, encoding, fields)
    except _PYOGRIO_ERRORS as error:
        raise DataError(label, f"unreadable: {error}") from error
    except UnicodeDecodeError as error:
        raise DataError(
            label, f"text is not valid {encoding or 'UTF-8'} ({error}); pass encoding= to override"
        ) from error
    if not isinstance(frame, gpd.GeoDataFrame):
        raise DataError(label, "no geometry column" + _in_layer(chosen_layer))
    _check_counts(len(fields), len(frame), label, limits)
    return Loaded(
        frame=frame,
        driver=info["driver"],
        encoding=encoding or info.get("encoding") or "UTF-8",
        encoding_reason=encoding_reason,
        layer=chosen_layer,
        notices=notices + _reader_warnings(caught),
    )


def _check_driver(driver: str, gdal_path: str, label: str) -> None:
    allowed = ALLOWED_DRIVERS.get(PurePosixPath(gdal_path).suffix.lower())
    if allowed is not None and driver not in allowed:
        raise DataError(
            label,
            f"content does not match its name: GDAL reads it as {driver}, not as "
            f"{' or '.join(allowed)}",
        )


def _check_counts(fields: int, features: int, label: str, limits: UploadLimits) -> None:
    if fields > limits.max_fields:
        raise DataError(
            label, f"has {fields:,} fields, more than the {limits.max_fields:,} allowed"
        )
    if features > limits.max_features:
        raise DataError(
            label, f"has {features:,} features, more than the {limits.max_features:,} allowed"
        )
    if fields * features > limits.max_cells:
        raise DataError(
            label,
            f"has {features:,} features × {fields:,} fields, more than the "
            f"{limits.max_cells:,} values allowed",
        )


def _read_frame(
    gdal_path: str, layer: str | None, encoding: str | None, fields: list[str]
) -> tuple[gpd.GeoDataFrame, tuple[ReadNotice, ...]]:
    """The layer as a frame; a field named like the geometry column is kept, renamed."""
    if GEOMETRY_COLUMN not in fields:
        return pyogrio.read_dataframe(gdal_path, layer=layer, encoding=encoding), ()
    others = [name for name in fields if name != GEOMETRY_COLUMN]
    frame = pyogrio.read_dataframe(gdal_path, layer=layer, encoding=encoding, columns=others)
    _, _, _, values = pyogrio.raw.read(
        gdal_path, layer=layer, encoding=encoding, columns=[GEOMETRY_COLUMN], read_geometry=False
    )
    renamed, notice = renamed_geometry_field(fields, kind="field", clashes_with="the geometry")
    frame.insert(len(frame.columns) - 1, renamed, values[0])
    return frame, (notice,)


def _reader_warnings(caught: list[warnings.WarningMessage]) -> tuple[ReadNotice, ...]:
    """GDAL's warnings while reading (a skipped record, a cut value): told, not hidden."""
    messages = [str(w.message) for w in caught if issubclass(w.category, RuntimeWarning)]
    if not messages:
        return ()
    shown = "; ".join(dict.fromkeys(m[:160] for m in messages[:3]))
    return (ReadNotice("reader_warnings", len(messages), f"the reader warned: {shown}"),)


def _choose_layer(gdal_path: str, label: str, layer: str | None) -> str | None:
    """The layer to read: the one asked for, the only spatial one, or the format's default."""
    layers = pyogrio.list_layers(gdal_path)
    names = [str(name) for name, _ in layers]
    if layer is not None:
        if layer not in names:
            raise DataError(label, f"no layer {layer!r}; layers: {', '.join(names)}")
        return layer
    if len(names) == 1:
        return None if gdal_path.lower().endswith(".shp") else names[0]
    spatial = [str(name) for name, geometry_type in layers if geometry_type is not None]
    if len(spatial) == 1:
        return spatial[0]
    driver = pyogrio.read_info(gdal_path, layer=names[0])["driver"] if names else ""
    default = _DEFAULT_LAYER.get(driver)
    if default in names:
        return default
    raise DataError(
        label, f"several layers, pass layer= to pick one of: {', '.join(names) or 'none'}"
    )


def _in_layer(layer: str | None) -> str:
    return f" in layer {layer!r}" if layer is not None else ""
