"""Fast statistics of one layer inside one study area, in the metric CRS.

The counting rule is geo.stats.rollup_by_zone's: a point counts if the area contains it, a
polygon if the area contains its representative point, a line if a part of positive length
lies inside; areas and lengths inside are split by intersection. Instead of gpd.overlay, a
layer is indexed once (`index_layer`: metric geometries, representative points, areas,
lengths and an STRtree, to be cached by the caller) and each query (`features_in_area`) reads
the tree, tests the anchors with vectorised predicates against the prepared area, takes the
own area or length of features wholly inside and intersects only those crossing its boundary.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from geo.crs import SQUARE_METRES_PER_MU, to_metric

__all__ = ["AreaHits", "IndexedLayer", "features_in_area", "index_layer", "rollup_in_area"]


@dataclass(frozen=True)
class IndexedLayer:
    """One layer's geometry in the metric CRS, measured and indexed once for many queries."""

    geometries: np.ndarray  # shapely geometries, EPSG:4549, in the frame's row order
    tree: shapely.STRtree
    anchor_x: np.ndarray  # representative points (NaN for lines: they count by length)
    anchor_y: np.ndarray
    is_line: np.ndarray
    is_polygon: np.ndarray
    areas_m2: np.ndarray
    lengths_m: np.ndarray


@dataclass(frozen=True)
class AreaHits:
    """The features a study area counts (row positions) and the area and length inside it."""

    rows: np.ndarray
    area_m2: float
    length_m: float
    has_polygons: bool
    has_lines: bool


def index_layer(geometry: gpd.GeoSeries) -> IndexedLayer:
    """Transform `geometry` to the metric CRS once and index it (the costly part: cache it)."""
    metric = to_metric(geometry)
    geometries = np.asarray(metric.values, dtype=object)
    kinds = shapely.get_type_id(geometries)
    is_line = np.isin(kinds, [1, 5])  # LineString, MultiLineString (LinearRing is 2)
    is_polygon = np.isin(kinds, [3, 6])
    anchors = shapely.point_on_surface(geometries)
    x, y = shapely.get_x(anchors), shapely.get_y(anchors)
    x[is_line] = np.nan
    y[is_line] = np.nan
    return IndexedLayer(
        geometries=geometries,
        tree=shapely.STRtree(geometries),
        anchor_x=x,
        anchor_y=y,
        is_line=is_line,
        is_polygon=is_polygon,
        areas_m2=shapely.area(geometries),
        lengths_m=shapely.length(geometries),
    )


def features_in_area(layer: IndexedLayer, area: BaseGeometry) -> AreaHits:
    """The rows counted inside `area` (metric CRS) and the area and length of the parts inside."""
    shapely.prepare(area)
    near = np.sort(layer.tree.query(area))
    anchored = near[~layer.is_line[near]]
    counted = anchored[
        shapely.contains_xy(area, layer.anchor_x[anchored], layer.anchor_y[anchored])
    ]
    measured = near[layer.is_line[near] | layer.is_polygon[near]]
    inside = shapely.contains_properly(area, layer.geometries[measured])
    whole, crossing = measured[inside], measured[~inside]
    crossing = crossing[shapely.intersects(area, layer.geometries[crossing])]
    pieces = shapely.intersection(
        layer.geometries[crossing], _clipped_to_each(area, crossing, layer)
    )
    area_m2 = float(layer.areas_m2[whole[layer.is_polygon[whole]]].sum())
    area_m2 += float(shapely.area(pieces[layer.is_polygon[crossing]]).sum())
    length_m = float(layer.lengths_m[whole[layer.is_line[whole]]].sum())
    piece_lengths = shapely.length(pieces[layer.is_line[crossing]])
    length_m += float(piece_lengths.sum())
    lines_in = np.concatenate(
        [whole[layer.is_line[whole]], crossing[layer.is_line[crossing]][piece_lengths > 0]]
    )
    rows = np.union1d(counted, lines_in)
    return AreaHits(
        rows=rows,
        area_m2=area_m2,
        length_m=length_m,
        has_polygons=bool(layer.is_polygon.any()),
        has_lines=bool(layer.is_line.any()),
    )


def _clipped_to_each(area: BaseGeometry, rows: np.ndarray, layer: IndexedLayer) -> np.ndarray:
    """The area cut to each crossing feature's box: intersecting a small feature with a large
    area's few nearby edges, not with all of them."""
    if len(rows) == 0:
        return np.array([], dtype=object)
    bounds = shapely.bounds(layer.geometries[rows])
    pad = 1.0  # metres: the box must hold the feature's edges, not touch them
    boxes = shapely.box(
        bounds[:, 0] - pad, bounds[:, 1] - pad, bounds[:, 2] + pad, bounds[:, 3] + pad
    )
    return shapely.intersection(area, boxes)


def rollup_in_area(
    layer: IndexedLayer,
    attributes: pd.DataFrame,
    area: BaseGeometry,
    *,
    sum_fields: tuple[str, ...] = (),
    count_where: Sequence[tuple[str, str, object]] = (),
    distinct: Sequence[str] = (),
) -> pd.Series:
    """The one-zone row geo.stats.rollup_by_zone would give for `area` (metric CRS): count,
    sums, count_where columns, distinct_<field>, and area_mu (polygons) or length_km (lines)."""
    hits = features_in_area(layer, area)
    inside = attributes.iloc[hits.rows]
    row: dict[str, float] = {"count": len(inside)}
    for name in sum_fields:
        row[name] = float(pd.to_numeric(inside[name]).sum())
    for name, field, value in count_where:
        row[name] = int((inside[field] == value).sum())
    for field in distinct:
        row[f"distinct_{field}"] = int(inside[field].replace("", np.nan).nunique())
    if hits.has_polygons:
        row["area_mu"] = hits.area_m2 / SQUARE_METRES_PER_MU
    elif hits.has_lines:
        row["length_km"] = hits.length_m / 1000
    return pd.Series(row)
