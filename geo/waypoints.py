"""Waypoints for phone map apps: features as GPX 1.1 waypoints or KML 2.2 placemarks.

GDAL writes both documents (through pyogrio): GPX with its GPX driver, KML with its LIBKML
driver, the one that writes a document name (`<Document><name>`, the name Organic Maps gives
the imported list; the older KML driver has no such option).  This module chooses the
point of each feature, writes its cells as text and checks the input; three things are added
around GDAL:

* GDAL's GPX driver declares no encoding (`<?xml version="1.0"?>`).  That means UTF-8 to an XML
  parser, but the declaration is made explicit for phone apps that guess otherwise.
* libkml wraps text holding markup in `<![CDATA[...]]>` without splitting a `]]>` inside it, which
  would end the section early and break the document; such a `]]>` is written as `]] >`.
* Characters XML 1.0 cannot hold even escaped (most C0 controls, U+FFFE, U+FFFF) are left out,
  as GDAL does for some of them only.
"""

from __future__ import annotations

import datetime
import io
import re
from collections.abc import Callable, Sequence

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from geo.crs import DISPLAY_CRS

__all__ = ["waypoints_gpx", "waypoints_kml"]

# 7 decimals of a degree is about 1 cm.
_COORDINATE_DECIMALS = 7
_DESCRIPTION_SEPARATOR = "; "
# Whole floats below this are written as integers (12.0 -> "12"); larger ones keep repr (1e+20).
_LARGEST_WHOLE_WRITTEN_OUT = 1e16
# Index labels named in an error message before the rest are only counted.
_LISTED_LABELS = 20
# Characters XML 1.0 does not allow, even escaped: they are left out of the text.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_GDAL_GPX_DECLARATION = b'<?xml version="1.0"?>'
_UTF8_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>'
_LAYER = "waypoints"


def waypoints_gpx(
    frame: gpd.GeoDataFrame,
    *,
    name_field: str,
    description: Sequence[tuple[str, str]] = (),
    creator: str = "双塔区项目地图 Shuangta Project Atlas",
) -> bytes:
    """GPX 1.1 waypoints (<wpt lat lon><name><desc>) of the features, WGS-84, UTF-8.

    Points are written as they are; lines and polygons as their representative point, a point
    guaranteed to lie inside the polygon or on the line (unlike the centroid).  ``description`` holds (label,
    column) pairs written as "label: value; label: value", leaving out labels with no value.
    Raises ValueError for an empty frame, a frame without CRS, missing columns, or features
    without geometry (naming their index labels).
    """
    waypoints = _waypoints(frame, name_field, description, "desc", clean=_xml_text)
    data = _write(waypoints, "GPX", dataset_options={"CREATOR": _xml_text(creator)})
    if data.startswith(_GDAL_GPX_DECLARATION):
        data = _UTF8_DECLARATION + data[len(_GDAL_GPX_DECLARATION) :]
    return data


def waypoints_kml(
    frame: gpd.GeoDataFrame,
    *,
    name_field: str,
    description: Sequence[tuple[str, str]] = (),
    document_name: str,
) -> bytes:
    """KML 2.2 Placemarks with Points (lon,lat) of the features, WGS-84, UTF-8.

    The placemarks are in one Folder of the Document, both named ``document_name``.  Points are
    written as they are; lines and polygons as their representative point, a point guaranteed
    to lie inside the polygon or on the line (unlike the centroid).  ``description`` holds (label,
    column) pairs written as "label: value; label: value", leaving out labels with no value.
    Raises ValueError for an empty frame, a frame without CRS, missing columns, or features
    without geometry (naming their index labels).
    """
    waypoints = _waypoints(frame, name_field, description, "description", clean=_kml_text)
    name = _kml_text(document_name)
    return _write(
        waypoints,
        "LIBKML",
        dataset_options={"NAME": name},
        layer_options={"FOLDER": "YES", "NAME": name},
    )


# --- helpers ------------------------------------------------------------------------------------


def _write(waypoints: gpd.GeoDataFrame, driver: str, **options: dict[str, str]) -> bytes:
    """The document GDAL's ``driver`` writes of ``waypoints``, in memory."""
    buffer = io.BytesIO()
    pyogrio.write_dataframe(waypoints, buffer, driver=driver, layer=_LAYER, **options)
    return buffer.getvalue()


def _waypoints(
    frame: gpd.GeoDataFrame,
    name_field: str,
    description: Sequence[tuple[str, str]],
    description_field: str,
    *,
    clean: Callable[[str], str],
) -> gpd.GeoDataFrame:
    """The features of ``frame`` as WGS-84 points with a name and a description (None if empty).

    ``clean`` makes the text something the driver writes as it is.
    """
    _check_frame(frame, name_field, description)
    lons, lats = _points(frame)
    names = [clean(_text(value)) for value in frame[name_field].tolist()]
    descriptions = [clean(text) or None for text in _descriptions(frame, description)]
    return gpd.GeoDataFrame(
        {"name": names, description_field: descriptions},
        geometry=gpd.points_from_xy(lons, lats),
        crs=DISPLAY_CRS,
    )


def _check_frame(
    frame: gpd.GeoDataFrame, name_field: str, description: Sequence[tuple[str, str]]
) -> None:
    """Raise ValueError for input that cannot be written as waypoints."""
    if len(frame) == 0:
        raise ValueError("no features to write")
    if frame.crs is None:
        raise ValueError(
            f"the features have no CRS, so they cannot be written in {DISPLAY_CRS}; set one first"
        )
    wanted = [name_field, *(column for _, column in description)]
    missing = [column for column in dict.fromkeys(wanted) if column not in frame.columns]
    if missing:
        noun = "column" if len(missing) == 1 else "columns"
        raise ValueError(f"no {noun} {', '.join(map(repr, missing))} in the features")
    geometries = frame.geometry
    without = frame.index[(geometries.isna() | geometries.is_empty).to_numpy()]
    if len(without):
        raise ValueError(_problem_with(without, "no geometry"))


def _points(frame: gpd.GeoDataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Lon and lat of each feature to 7 decimals: a point, or else its representative point."""
    geometries = frame.to_crs(DISPLAY_CRS).geometry
    points = geometries.where(geometries.geom_type == "Point", geometries.representative_point())
    lons, lats = shapely.get_x(points.array), shapely.get_y(points.array)
    invalid = ~(
        np.isfinite(lons) & np.isfinite(lats) & (np.abs(lons) <= 180) & (np.abs(lats) <= 90)
    )
    if invalid.any():
        problem = f"coordinates that cannot be converted to {DISPLAY_CRS} longitude/latitude"
        raise ValueError(_problem_with(frame.index[invalid], problem))
    return np.round(lons, _COORDINATE_DECIMALS), np.round(lats, _COORDINATE_DECIMALS)


def _problem_with(labels: pd.Index, problem: str) -> str:
    """E.g. "3 features have no geometry: 4, 9, 12", listing at most _LISTED_LABELS labels."""
    count = len(labels)
    listed = ", ".join(str(label) for label in labels[:_LISTED_LABELS])
    if count > _LISTED_LABELS:
        listed += f" and {count - _LISTED_LABELS} more"
    verb = "feature has" if count == 1 else "features have"
    return f"{count} {verb} {problem}: {listed}"


def _descriptions(frame: gpd.GeoDataFrame, description: Sequence[tuple[str, str]]) -> list[str]:
    """Per feature, "label: value; label: value" of the (label, column) pairs with a value."""
    columns = [(label, [_text(v) for v in frame[column].tolist()]) for label, column in description]
    return [
        _DESCRIPTION_SEPARATOR.join(
            f"{label}: {values[row]}" for label, values in columns if values[row]
        )
        for row in range(len(frame))
    ]


def _text(value: object) -> str:
    """A cell as text: missing as "", whole numbers without ".0", dates in ISO 8601."""
    if _is_missing(value):
        return ""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return _number(value)
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return str(value)


def _number(value: float) -> str:
    """A float as text, without ".0" when it is whole."""
    if value.is_integer() and abs(value) < _LARGEST_WHOLE_WRITTEN_OUT:
        return str(int(value))
    return repr(value)


def _is_missing(value: object) -> bool:
    missing = pd.isna(value)
    return bool(missing) if np.ndim(missing) == 0 else False


def _xml_text(text: str) -> str:
    """``text`` without the control characters XML 1.0 cannot hold, even escaped."""
    return _NOT_XML.sub("", text)


def _kml_text(text: str) -> str:
    """``text`` as libkml can write it: XML characters only, and no "]]>" to end its CDATA."""
    return _xml_text(text).replace("]]>", "]] >")
