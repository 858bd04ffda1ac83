"""Waypoints for phone map apps: features as GPX 1.1 waypoints or KML 2.2 placemarks."""

from __future__ import annotations

import datetime
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.crs import DISPLAY_CRS

__all__ = ["waypoints_gpx", "waypoints_kml"]

GPX_NAMESPACE = "http://www.topografix.com/GPX/1/1"
KML_NAMESPACE = "http://www.opengis.net/kml/2.2"
_XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'
# 7 decimals of a degree is about 1 cm.
_COORDINATE_DECIMALS = 7
_DESCRIPTION_SEPARATOR = "; "
# Whole floats below this are written as integers (12.0 -> "12"); larger ones keep repr (1e+20).
_LARGEST_WHOLE_WRITTEN_OUT = 1e16
# Index labels named in an error message before the rest are only counted.
_LISTED_LABELS = 20
# Characters XML 1.0 does not allow, even escaped: they are left out of the text.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


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
    waypoints = _waypoints(frame, name_field, description)
    attributes = {"version": "1.1", "creator": _xml_text(creator), "xmlns": GPX_NAMESPACE}
    root = ET.Element("gpx", attributes)
    for waypoint in waypoints:
        wpt = ET.SubElement(
            root,
            "wpt",
            {"lat": _coordinate(waypoint.lat), "lon": _coordinate(waypoint.lon)},
        )
        _text_child(wpt, "name", waypoint.name)
        if waypoint.description:
            _text_child(wpt, "desc", waypoint.description)
    return _xml_bytes(root)


def waypoints_kml(
    frame: gpd.GeoDataFrame,
    *,
    name_field: str,
    description: Sequence[tuple[str, str]] = (),
    document_name: str,
) -> bytes:
    """KML 2.2 Placemarks with Points (lon,lat) of the features, WGS-84, UTF-8.

    Points are written as they are; lines and polygons as their representative point, a point
    guaranteed to lie inside the polygon or on the line (unlike the centroid).  ``description`` holds (label,
    column) pairs written as "label: value; label: value", leaving out labels with no value.
    Raises ValueError for an empty frame, a frame without CRS, missing columns, or features
    without geometry (naming their index labels).
    """
    waypoints = _waypoints(frame, name_field, description)
    root = ET.Element("kml", {"xmlns": KML_NAMESPACE})
    document = ET.SubElement(root, "Document")
    _text_child(document, "name", document_name)
    for waypoint in waypoints:
        placemark = ET.SubElement(document, "Placemark")
        _text_child(placemark, "name", waypoint.name)
        if waypoint.description:
            _text_child(placemark, "description", waypoint.description)
        point = ET.SubElement(placemark, "Point")
        coordinates = f"{_coordinate(waypoint.lon)},{_coordinate(waypoint.lat)}"
        _text_child(point, "coordinates", coordinates)
    return _xml_bytes(root)


# --- helpers ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Waypoint:
    """One feature as a waypoint: WGS-84 position, name and description text."""

    lon: float
    lat: float
    name: str
    description: str


def _waypoints(
    frame: gpd.GeoDataFrame, name_field: str, description: Sequence[tuple[str, str]]
) -> list[_Waypoint]:
    """The features of ``frame`` as waypoints in frame order, after checking the input."""
    _check_frame(frame, name_field, description)
    points = _points(frame)
    names = [_text(value) for value in frame[name_field].tolist()]
    descriptions = _descriptions(frame, description)
    return [
        _Waypoint(lon, lat, name, text)
        for (lon, lat), name, text in zip(points, names, descriptions, strict=True)
    ]


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


def _points(frame: gpd.GeoDataFrame) -> list[tuple[float, float]]:
    """The (lon, lat) of each feature: a point as it is, anything else its representative point."""
    geometries = frame.to_crs(DISPLAY_CRS).geometry
    points = geometries.where(geometries.geom_type == "Point", geometries.representative_point())
    lons, lats = shapely.get_x(points.array), shapely.get_y(points.array)
    invalid = ~(
        np.isfinite(lons) & np.isfinite(lats) & (np.abs(lons) <= 180) & (np.abs(lats) <= 90)
    )
    if invalid.any():
        problem = f"coordinates that cannot be converted to {DISPLAY_CRS} longitude/latitude"
        raise ValueError(_problem_with(frame.index[invalid], problem))
    return list(zip(lons.tolist(), lats.tolist(), strict=True))


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


def _coordinate(degrees: float) -> str:
    return f"{degrees:.{_COORDINATE_DECIMALS}f}"


def _xml_text(text: str) -> str:
    """``text`` without the control characters XML 1.0 cannot hold, even escaped."""
    return _NOT_XML.sub("", text)


def _text_child(parent: ET.Element, tag: str, text: str) -> ET.Element:
    child = ET.SubElement(parent, tag)
    child.text = _xml_text(text)
    return child


def _xml_bytes(root: ET.Element) -> bytes:
    """The document of ``root``, indented, in UTF-8 after the XML declaration."""
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return (_XML_DECLARATION + body + "\n").encode("utf-8")
