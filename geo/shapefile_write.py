"""Shapefiles written deterministically in a chosen text encoding, with .cpg and .prj."""

from __future__ import annotations

import codecs
import warnings
from os import PathLike
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from geo.errors import DataError

__all__ = ["write_shapefile"]

# Written into every DBF header in place of today's date, so equal input gives equal bytes.
_DBF_FIXED_DATE = "2000-01-01"
_SHAPEFILE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg", ".qix", ".sbn", ".sbx")
# Every pyogrio error (DataSourceError, DataLayerError, …) is a RuntimeError.
_PYOGRIO_ERRORS = (RuntimeError, OSError)


def write_shapefile(
    gdf: gpd.GeoDataFrame,
    path: str | PathLike[str],
    *,
    encoding: str = "UTF-8",
    write_cpg: bool = True,
) -> Path:
    """Write ``gdf`` as a shapefile set at ``path`` (a .shp path) in its own CRS; return the path.

    Text is written in ``encoding``; with ``write_cpg`` a .cpg naming it is written, without
    it no .cpg is left.  Text that ``encoding`` cannot represent raises DataError instead of
    being garbled.  The DBF header carries a fixed date, so equal input gives identical files.
    A frame without a CRS is written without a .prj.
    """
    shp = Path(path)
    if shp.suffix.lower() != ".shp":
        raise DataError(str(path), "write_shapefile needs a path ending in .shp")
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise DataError(str(path), f"unknown encoding {encoding!r}") from None
    _check_encodable(gdf, encoding, str(path))

    shp.parent.mkdir(parents=True, exist_ok=True)
    for suffix in _SHAPEFILE_PARTS:  # no stale .prj/.cpg/index from an earlier file may remain
        shp.with_suffix(suffix).unlink(missing_ok=True)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="'crs' was not provided", category=UserWarning)
        try:
            pyogrio.write_dataframe(
                gdf,
                shp,
                driver="ESRI Shapefile",
                encoding=encoding,
                layer_options={"DBF_DATE_LAST_UPDATE": _DBF_FIXED_DATE},
            )
        except _PYOGRIO_ERRORS as error:
            raise DataError(
                str(path),
                f"cannot write shapefile in {encoding!r} ({error}); GDAL needs an encoding name "
                "iconv knows, e.g. 'ISO-8859-1' rather than 'latin-1'",
            ) from error
    cpg = shp.with_suffix(".cpg")
    if not write_cpg:
        cpg.unlink(missing_ok=True)
    elif not cpg.exists():
        cpg.write_text(encoding, encoding="ascii")
    return shp


def _check_encodable(gdf: gpd.GeoDataFrame, encoding: str, label: str) -> None:
    """Raise DataError if a column name or text value cannot be written in ``encoding``."""
    geometry_name = gdf.geometry.name
    for column in gdf.columns:
        if column == geometry_name:
            continue
        _encode_or_fail(str(column), encoding, label, f"column name {column!r}")
        values = gdf[column]
        if not (pd.api.types.is_string_dtype(values) or values.dtype == object):
            continue
        for index, value in values.items():
            if isinstance(value, str):
                _encode_or_fail(value, encoding, label, f"row {index}, column {column!r}")


def _encode_or_fail(text: str, encoding: str, label: str, where: str) -> None:
    try:
        text.encode(encoding)
    except UnicodeEncodeError as error:
        bad = text[error.start : error.end]
        raise DataError(label, f"{where}: {bad!r} cannot be written in {encoding}") from None
