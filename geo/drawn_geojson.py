"""A GeoJSON geometry drawn in a browser, checked before it is trusted: nesting, vertex count,
finite numeric coordinates inside China. Messages in Chinese and English, for end users."""

from __future__ import annotations

import math
from collections.abc import Sequence

import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

__all__ = [
    "CHINA_LAT",
    "CHINA_LON",
    "DEPTH",
    "MAX_VERTICES",
    "DrawnGeometryError",
    "drawn_shape",
    "positions",
]

CHINA_LON = (73.0, 136.0)
CHINA_LAT = (3.0, 54.0)
MAX_VERTICES = 10_000
# How deep each type nests its positions ([x, y] is depth 0).
DEPTH = {"Point": 0, "LineString": 1, "MultiLineString": 2, "Polygon": 2, "MultiPolygon": 3}


class DrawnGeometryError(ValueError):
    """A drawn geometry refused; str() is the English message, `zh` the Chinese one."""

    def __init__(self, en: str, zh: str) -> None:
        super().__init__(en)
        self.en = en
        self.zh = zh


def drawn_shape(geometry: object) -> BaseGeometry:
    """`geometry` (a GeoJSON geometry dict of a type in DEPTH) as a non-empty 2-D shapely
    geometry, or DrawnGeometryError; validity (e.g. self-intersection) is the caller's call."""
    if not isinstance(geometry, dict) or not isinstance(geometry.get("type"), str):
        raise DrawnGeometryError(
            "the drawn feature has no GeoJSON geometry", "所画图形没有几何数据"
        )
    kind = geometry["type"]
    if kind not in DEPTH:
        raise DrawnGeometryError(
            f"the drawn geometry's type {kind[:30]!r} is not one of {', '.join(DEPTH)}",
            "所画图形的类型无法识别",
        )
    found = positions(geometry.get("coordinates"), DEPTH[kind])
    if not found:
        raise DrawnGeometryError(f"the drawn {kind} has no coordinates", "所画图形没有坐标")
    if len(found) > MAX_VERTICES:
        raise DrawnGeometryError(
            f"the drawn {kind} has {len(found):,} vertices, more than {MAX_VERTICES:,}",
            f"所画图形的顶点超过 {MAX_VERTICES:,} 个",
        )
    for position in found:
        _check_position(position)
    try:
        result = shapely.force_2d(shape(geometry))
    except (ValueError, TypeError, shapely.errors.ShapelyError) as error:
        raise DrawnGeometryError(
            f"the drawn {kind} is not a valid geometry: {error}", "所画图形不是有效的几何图形"
        ) from None
    if result.is_empty:
        raise DrawnGeometryError(f"the drawn {kind} is empty", "所画图形是空的")
    return result


def positions(coordinates: object, depth: int) -> list[Sequence]:
    """Every [x, y] position of GeoJSON `coordinates` nested `depth` lists deep; error if they
    nest otherwise (or hold more than MAX_VERTICES, before reading further)."""
    if depth == 0:
        return [coordinates]
    if not isinstance(coordinates, list):
        raise DrawnGeometryError(
            "the drawn geometry's coordinates are not nested lists", "所画图形的坐标格式不对"
        )
    found: list[Sequence] = []
    for part in coordinates:
        found += positions(part, depth - 1)
        if len(found) > MAX_VERTICES:
            break
    return found


def _check_position(position: object) -> None:
    if (
        not isinstance(position, list)
        or len(position) not in (2, 3)
        or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in position)
    ):
        raise DrawnGeometryError(
            f"a drawn position is not a pair of numbers: {str(position)[:60]}",
            "所画图形的坐标不是一对数字",
        )
    try:
        values = [float(v) for v in position]
    except OverflowError:  # an int too large for a float
        values = [math.inf]
    if not all(math.isfinite(v) for v in values):
        raise DrawnGeometryError(
            f"a drawn position is not finite: {str(position)[:60]}", "所画图形的坐标不是有限的数"
        )
    lon, lat = values[0], values[1]
    if not (CHINA_LON[0] <= lon <= CHINA_LON[1] and CHINA_LAT[0] <= lat <= CHINA_LAT[1]):
        raise DrawnGeometryError(
            f"the drawn position ({lon}, {lat}) lies outside China "
            f"(longitude {CHINA_LON[0]:g}–{CHINA_LON[1]:g}, "
            f"latitude {CHINA_LAT[0]:g}–{CHINA_LAT[1]:g})",
            "所画图形位于中国境外",
        )
