"""Coordinates typed or pasted by a person (one "x, y" pair per line) as a shape in WGS-84:
from WGS-84 or AMap/Tencent GCJ-02 longitude/latitude, or CGCS2000 Gauss-Krüger metres."""

from __future__ import annotations

import math
import re

import numpy as np
import shapely
from pyproj import Transformer

from geo.offsets import GCJ02, WGS84, convert

__all__ = ["COORDINATE_SYSTEMS", "MAX_TYPED_POINTS", "CoordinateProblem", "parse_coordinates"]


class CoordinateProblem(ValueError):
    """Typed coordinates that make no usable shape: `code` names why, `values` the details."""

    def __init__(self, code: str, message: str, **values: object) -> None:
        super().__init__(message)
        self.code, self.values = code, values


# Systems a typed position may be in: key → (kind, CRS or datum).
COORDINATE_SYSTEMS = {
    "wgs84": ("lonlat", WGS84),
    "gcj02": ("lonlat", GCJ02),
    "gk120": ("metres", "EPSG:4549"),  # CGCS2000 3° GK CM 120°E, easting without the zone
    "gk40": ("metres", "EPSG:4528"),  # the same zone with "40" before the easting
}
MAX_TYPED_POINTS = 2_000
_SEPARATOR = re.compile(r"[\s,，;；]+")
# Where the district could be: a typed position far outside is a mistake (swapped, wrong CRS).
_NEAR_SHUANGTA = (119.5, 121.5, 41.0, 42.2)


def parse_coordinates(typed: str, system: str, kind: str) -> shapely.Geometry:
    """The shape of `kind` (point, line, polygon) the typed pairs make, in WGS-84 lon/lat.

    CoordinateProblem (a ValueError) with a short English message for anything else: too few or too many pairs,
    text that is not numbers, positions outside the district's surroundings, a polygon that
    crosses itself."""
    if system not in COORDINATE_SYSTEMS:
        raise CoordinateProblem("system", f"unknown coordinate system '{system}'")
    pairs = _pairs(typed)
    needed = {"point": 1, "line": 2, "polygon": 3}[kind]
    if len(pairs) < needed or (kind == "point" and len(pairs) > 1):
        raise CoordinateProblem(
            "count",
            f"a {kind} needs {needed} pairs or more (1 for a point), not {len(pairs)}",
            kind=kind,
            needed=needed,
            count=len(pairs),
        )
    xs, ys = _to_wgs84(np.array(pairs, dtype=float), system)
    west, east, south, north = _NEAR_SHUANGTA
    outside = [
        i + 1
        for i, (x, y) in enumerate(zip(xs, ys, strict=True))
        if not (west <= x <= east and south <= y <= north)
    ]
    if outside:
        raise CoordinateProblem(
            "far", f"lines {outside[:5]} are far from Shuangta", lines=outside[:5]
        )
    points = list(zip(xs.tolist(), ys.tolist(), strict=True))
    if kind == "point":
        return shapely.Point(points[0])
    if kind == "line":
        return shapely.LineString(points)
    polygon = shapely.Polygon(points)
    if not polygon.is_valid:
        reason = shapely.is_valid_reason(polygon)
        raise CoordinateProblem("invalid", f"the polygon is not valid ({reason})", reason=reason)
    return polygon


def _pairs(typed: str) -> list[tuple[float, float]]:
    lines = [line for line in typed.strip().splitlines() if line.strip()]
    if len(lines) > MAX_TYPED_POINTS:
        raise CoordinateProblem(
            "too_many",
            f"at most {MAX_TYPED_POINTS} pairs, not {len(lines)}",
            limit=MAX_TYPED_POINTS,
            count=len(lines),
        )
    pairs = []
    for number, line in enumerate(lines, start=1):
        parts = [p for p in _SEPARATOR.split(line.strip()) if p]
        try:
            values = [float(p) for p in parts]
        except ValueError:
            values = []
        if len(values) != 2 or not all(math.isfinite(v) for v in values):
            shown = line.strip()[:40]
            raise CoordinateProblem(
                "not_numbers",
                f"line {number} is not two numbers: {shown!r}",
                line=number,
                text=shown,
            )
        pairs.append((values[0], values[1]))
    return pairs


def _to_wgs84(pairs: np.ndarray, system: str) -> tuple[np.ndarray, np.ndarray]:
    kind, source = COORDINATE_SYSTEMS[system]
    if kind == "lonlat":
        lon, lat = convert(pairs[:, 0], pairs[:, 1], source, WGS84)
        return np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    transformer = Transformer.from_crs(source, "EPSG:4326", always_xy=True)
    lon, lat = transformer.transform(pairs[:, 0], pairs[:, 1])
    return np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
