"""An uploaded GeoJSON checked before GDAL reads it: what GDAL would fetch, drop or misread.

GDAL follows a linked CRS (`"crs": {"type": "link", …}`) to a URL or a file and resolves a
named one through every way PROJ knows; it turns NaN coordinates into empty points and drops
geometries whose coordinates are strings.  Here the document is parsed once, within the
worker's limits: a CRS may only be named by an EPSG or OGC code, every coordinate must be a
finite number, and the feature and property counts are held to the upload limits.
"""

from __future__ import annotations

import json
import math
import re
from numbers import Real
from pathlib import Path

from geo.errors import DataError
from geo.limits import UploadLimits

__all__ = ["check_geojson"]

_GEOMETRY_TYPES = {
    "Point",
    "MultiPoint",
    "LineString",
    "MultiLineString",
    "Polygon",
    "MultiPolygon",
    "GeometryCollection",
}
# CRS names GDAL may be given: EPSG codes and OGC's CRS84, in their usual spellings.
_CRS_NAME = re.compile(
    r"^(?:EPSG:\d{4,6}|urn:ogc:def:crs:EPSG:[\d.]*:\d{4,6}|"
    r"urn:ogc:def:crs:OGC:(?:1\.3)?:CRS84|OGC:CRS84|CRS84)$",
    re.IGNORECASE,
)
_EXAMPLES = 3


def check_geojson(path: Path, label: str, limits: UploadLimits) -> None:
    """DataError for a GeoJSON GDAL would read from elsewhere, or read wrong, or that is too big."""
    document = _parse(path, label)
    if not isinstance(document, dict):
        raise DataError(label, "not GeoJSON: the document is not a JSON object")
    kind = document.get("type")
    if kind == "FeatureCollection":
        features = document.get("features")
        if not isinstance(features, list):
            raise DataError(label, "not GeoJSON: a FeatureCollection without a 'features' list")
    elif kind == "Feature":
        features = [document]
    elif kind in _GEOMETRY_TYPES:
        features = [{"type": "Feature", "geometry": document, "properties": {}}]
    else:
        raise DataError(label, f"not GeoJSON: unknown type {str(kind)[:40]!r}")
    _check_crs(document.get("crs"), label)
    if len(features) > limits.max_features:
        raise DataError(
            label,
            f"holds {len(features):,} features, more than the {limits.max_features:,} allowed",
        )
    _check_features(features, label, limits)


def _parse(path: Path, label: str) -> object:
    def constant(name: str) -> float:
        return math.nan  # NaN / Infinity literals: kept as NaN and reported where they are

    try:
        with path.open("rb") as handle:
            return json.load(handle, parse_constant=constant)
    except RecursionError:
        raise DataError(label, "not readable GeoJSON: nested too deeply") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise DataError(label, f"not readable GeoJSON: {error}") from None


def _check_crs(crs: object, label: str) -> None:
    if crs is None:
        return
    if not isinstance(crs, dict):
        raise DataError(label, "the GeoJSON 'crs' member is not an object")
    kind = crs.get("type")
    properties = crs.get("properties") if isinstance(crs.get("properties"), dict) else {}
    if kind != "name":
        raise DataError(
            label,
            f"a linked or '{str(kind)[:20]}' CRS is refused (the file names a URL or file for "
            "its coordinate system); name it as EPSG:code or leave it out",
        )
    name = properties.get("name")
    if not isinstance(name, str) or not _CRS_NAME.match(name.strip()):
        raise DataError(
            label,
            f"CRS name {str(name)[:80]!r} is refused: only EPSG codes and OGC CRS84 are accepted",
        )


def _check_features(features: list, label: str, limits: UploadLimits) -> None:
    not_numbers: list[str] = []
    not_finite: list[str] = []
    cells = 0
    for index, feature in enumerate(features):
        if not isinstance(feature, dict):
            raise DataError(label, f"feature {index} is not a JSON object")
        properties = feature.get("properties") or {}
        if not isinstance(properties, dict):
            raise DataError(label, f"feature {index}: 'properties' is not an object")
        if len(properties) > limits.max_fields:
            raise DataError(
                label,
                f"feature {index} has {len(properties):,} properties, more than the "
                f"{limits.max_fields:,} fields allowed",
            )
        cells += len(properties)
        if cells > limits.max_cells:
            raise DataError(
                label, f"holds more than {limits.max_cells:,} property values, the limit"
            )
        problem = _coordinates_problem(feature.get("geometry"), 0)
        if problem == "number":
            not_numbers.append(str(index))
        elif problem == "finite":
            not_finite.append(str(index))
    _refuse_bad_coordinates(label, not_numbers, "are not numbers (text or other values)")
    _refuse_bad_coordinates(label, not_finite, "are not finite numbers (NaN or infinite)")


def _refuse_bad_coordinates(label: str, features: list[str], what: str) -> None:
    if not features:
        return
    shown = ", ".join(features[:_EXAMPLES]) + (" …" if len(features) > _EXAMPLES else "")
    raise DataError(
        label, f"{len(features)} features have coordinates that {what}: features {shown}"
    )


def _coordinates_problem(geometry: object, depth: int) -> str | None:
    """'number' or 'finite' for a geometry with bad coordinates, None when they are fine."""
    if geometry is None:
        return None
    if not isinstance(geometry, dict) or depth > 8:
        return "number"
    if geometry.get("type") == "GeometryCollection":
        parts = geometry.get("geometries")
        if not isinstance(parts, list):
            return "number"
        for part in parts:
            if problem := _coordinates_problem(part, depth + 1):
                return problem
        return None
    return _positions_problem(geometry.get("coordinates"))


def _positions_problem(value: object) -> str | None:
    """Walk nested coordinate arrays without recursion; a position is a list of numbers."""
    stack = [value]
    while stack:
        item = stack.pop()
        if not isinstance(item, list):
            return "number"
        if item and not isinstance(item[0], list):
            for number in item:
                if isinstance(number, bool) or not isinstance(number, Real):
                    return "number"
                if not math.isfinite(number):
                    return "finite"
        else:
            stack.extend(item)
    return None
