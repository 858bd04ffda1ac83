"""Geometry hygiene: make invalid geometries valid without changing their kind or dropping them."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry import MultiLineString, MultiPoint, MultiPolygon
from shapely.geometry.base import BaseGeometry

from geo.crs import DISPLAY_CRS

__all__ = ["GEOMETRY_FAMILY", "repair_geometries", "simplify_for_display"]

# The family (point, line or polygon, as layer specs name them) of each kind of geometry.
GEOMETRY_FAMILY = {
    "Point": "point",
    "MultiPoint": "point",
    "LineString": "line",
    "MultiLineString": "line",
    "Polygon": "polygon",
    "MultiPolygon": "polygon",
}

# Topological dimension of each kind of geometry: a repair keeps parts of the original dimension.
_DIMENSION = {
    "Point": 0,
    "MultiPoint": 0,
    "LineString": 1,
    "LinearRing": 1,
    "MultiLineString": 1,
    "Polygon": 2,
    "MultiPolygon": 2,
}
_MULTI_OF_DIMENSION = {0: MultiPoint, 1: MultiLineString, 2: MultiPolygon}


def repair_geometries(gdf: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, list[str]]:
    """A copy of ``gdf`` with invalid geometries made valid, and one note per repaired feature.

    Each invalid geometry is passed through ``shapely.make_valid``.  The repair keeps the kind
    of geometry: a polygon stays a (Multi)Polygon even when ``make_valid`` returns a
    GeometryCollection with collapsed lines or points, which are dropped from that feature
    (and said so in its note).  No feature is ever removed; a geometry that collapses entirely
    becomes an empty geometry of its kind and its note says so.  None and empty geometries are
    valid as far as this function is concerned and are left alone.
    """
    out = gdf.copy()
    geometries = np.asarray(out.geometry.array, dtype=object)
    present = ~(shapely.is_missing(geometries) | shapely.is_empty(geometries))
    invalid = np.flatnonzero(present & ~shapely.is_valid(geometries))
    if invalid.size == 0:
        return out, []

    repaired = geometries.copy()
    notes = []
    for position in invalid:
        original = geometries[position]
        reason = shapely.is_valid_reason(original)
        fixed, dropped = _same_kind(original, shapely.make_valid(original))
        repaired[position] = fixed
        notes.append(_note(out.index[position], original, reason, fixed, dropped))

    geometry_name = out.geometry.name
    out[geometry_name] = gpd.GeoSeries(repaired, index=out.index, crs=gdf.crs)
    return out, notes


def _same_kind(original: BaseGeometry, fixed: BaseGeometry) -> tuple[BaseGeometry, list[str]]:
    """``fixed`` reduced to the parts with the dimension of ``original``, and the kinds dropped."""
    dimension = _DIMENSION.get(original.geom_type)
    if dimension is None or _DIMENSION.get(fixed.geom_type) == dimension:
        return fixed, []
    kept = []
    dropped = []
    for part in shapely.get_parts(fixed):
        if _DIMENSION.get(part.geom_type) == dimension:
            kept.extend(shapely.get_parts(part))
        else:
            dropped.append(part.geom_type)
    if len(kept) == 1:
        return kept[0], dropped
    return _MULTI_OF_DIMENSION[dimension](kept), dropped


def _note(
    label: object, original: BaseGeometry, reason: str, fixed: BaseGeometry, dropped: list[str]
) -> str:
    """A one-line, human-readable account of one repair."""
    note = f"row {label}: invalid {original.geom_type} ({reason}) repaired as {fixed.geom_type}"
    if dropped:
        note += f", dropping collapsed part(s): {', '.join(dropped)}"
    if fixed.is_empty:
        note += "; nothing of it was left, so the geometry is now empty"
    return note


def simplify_for_display(
    gdf: gpd.GeoDataFrame, *, tolerance_m: float, decimals: int = 6, thin_only: bool = False
) -> gpd.GeoDataFrame:
    """A lighter copy for drawing only: simplified within `tolerance_m` metres, coordinates rounded.

    Simplified in degrees (the display CRS), by the tolerance over the most metres a degree
    spans anywhere, so no vertex moves further than `tolerance_m` and nothing is reprojected
    to a metric CRS and back.  Topology is preserved, so polygons stay valid.
    Rounding to 6 decimals of a degree moves a vertex by at most ~0.1 m.  `thin_only`: only
    vertices closer than the tolerance to the one before are dropped, nothing rounded (for a
    renderer that simplifies per pixel and quantises itself; six times faster).  Statistics
    must never be computed from the result.
    """
    display = gdf.to_crs(DISPLAY_CRS)
    shapes = np.asarray(display.geometry.array, dtype=object)
    tolerance = tolerance_m / _MAX_M_PER_DEGREE
    if thin_only:
        thinned = shapely.remove_repeated_points(shapes, tolerance) if tolerance > 0 else shapes
        return display.set_geometry(gpd.GeoSeries(thinned, index=gdf.index, crs=DISPLAY_CRS))
    if tolerance > 0:
        shapes = shapely.simplify(shapes, tolerance, preserve_topology=True)
    rounded = shapely.transform(shapes, lambda xy: np.round(xy, decimals))
    return display.set_geometry(gpd.GeoSeries(rounded, index=gdf.index, crs=DISPLAY_CRS))


# A degree of latitude spans at most 111,694 m (at the poles), one of longitude at most
# 111,320 m (on the equator): a tolerance over this moves no vertex further than asked.
_MAX_M_PER_DEGREE = 111_700.0
