"""Statistics as pure functions: per-feature figures, totals and roll-ups by zone."""

from __future__ import annotations

from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.crs import SQUARE_METRES_PER_HECTARE, SQUARE_METRES_PER_MU, to_metric

# Geometries counted in every zone they pass through (see rollup_by_zone).
LINE_TYPES = ("LineString", "MultiLineString")

__all__ = [
    "LINE_TYPES",
    "assign_zones",
    "coverage_rate",
    "density",
    "distances_km",
    "feature_measures",
    "nearest_km",
    "rollup_by_zone",
    "summarise",
]


def feature_measures(gdf: gpd.GeoDataFrame) -> pd.DataFrame:
    """Area (m², 亩, ha) and length (km) of each feature, from full-precision geometry."""
    metric = to_metric(gdf.geometry)
    area = metric.area
    return pd.DataFrame(
        {
            "area_m2": area,
            "area_mu": area / SQUARE_METRES_PER_MU,
            "area_ha": area / SQUARE_METRES_PER_HECTARE,
            "length_km": metric.length / 1000,
        },
        index=gdf.index,
    )


def density(values: pd.Series | float, per: pd.Series | float) -> pd.Series | float:
    """`values` per unit of `per` (trees per 亩, 万元 per 亩 …); NaN where `per` is zero."""
    if isinstance(per, pd.Series):
        return values / per.where(per != 0)
    return float(values) / per if per else float("nan")


def summarise(
    gdf: gpd.GeoDataFrame, op: str, field: str | None = None, equals: object = None
) -> float:
    """One figure of a layer: count, sum, distinct, count_where, area_mu, area_km2 or length_km."""
    if op == "count":
        return len(gdf)
    if op == "sum":
        return float(pd.to_numeric(gdf[field]).sum())
    if op == "distinct":
        return int(gdf[field].replace("", np.nan).dropna().nunique())
    if op == "count_where":
        return int((gdf[field] == equals).sum())
    if op == "area_mu":
        return float(feature_measures(gdf)["area_mu"].sum())
    if op == "area_km2":
        return float(feature_measures(gdf)["area_m2"].sum()) / 1e6
    if op == "length_km":
        return float(feature_measures(gdf)["length_km"].sum())
    raise ValueError(f"unknown statistic '{op}'")


def assign_zones(
    features: gpd.GeoDataFrame, zones: gpd.GeoDataFrame, *, zone_key: str
) -> pd.Series:
    """The zone holding each feature's representative point (NaN where none does)."""
    anchors = gpd.GeoDataFrame(geometry=to_metric(features.geometry).representative_point())
    joined = gpd.sjoin(
        anchors, to_metric(zones[[zone_key, "geometry"]]), how="left", predicate="within"
    )
    return joined[~joined.index.duplicated(keep="first")][zone_key].reindex(features.index)


def rollup_by_zone(
    features: gpd.GeoDataFrame,
    zones: gpd.GeoDataFrame,
    *,
    zone_key: str,
    sum_fields: tuple[str, ...] = (),
    count_where: Sequence[tuple[str, str, object]] = (),
    distinct: Sequence[str] = (),
) -> pd.DataFrame:
    """Per zone: features inside (count), sums of fields, counts of `count_where` (column,
    field, value), distinct non-empty values of `distinct` (as distinct_<field>), and area (亩)
    or length (km) inside.

    A point belongs to the zone that contains it, a polygon to the zone holding its
    representative point. A line belongs to every zone it passes through (a part of positive
    length inside), so a corridor crossing three townships is counted, and its fields summed,
    in each of them: per-zone counts of lines do not add up to the layer's count. Measured
    area or length is split by intersection, so a feature crossing a border is measured in
    each zone for the part inside it.
    """
    zones_metric = to_metric(zones[[zone_key, "geometry"]])
    features_metric = to_metric(features)
    lines = features_metric.geometry.geom_type.isin(LINE_TYPES)
    anchors = features_metric[~lines].copy()
    anchors["geometry"] = anchors.geometry.representative_point()
    joined = gpd.sjoin(anchors, zones_metric, how="left", predicate="within")
    kinds = set(features.geometry.geom_type.dropna())
    pieces = None
    if kinds & {"Polygon", "MultiPolygon", "LineString", "MultiLineString"}:
        numbered = features_metric[["geometry"]].assign(__row=range(len(features_metric)))
        pieces = gpd.overlay(numbered, zones_metric, how="intersection", keep_geom_type=True)
    if lines.any() and pieces is not None:
        crossed = pieces[pieces.length > 0]
        crossed = crossed[lines.to_numpy()[crossed["__row"].to_numpy()]]
        passing = features_metric.iloc[crossed["__row"].to_numpy()].drop(columns="geometry")
        passing[zone_key] = crossed[zone_key].to_numpy()
        joined = pd.concat([joined, passing])
    table = pd.DataFrame(index=pd.Index(zones[zone_key], name=zone_key))
    table["count"] = joined.groupby(zone_key).size().reindex(table.index, fill_value=0)
    for name in sum_fields:
        sums = pd.to_numeric(joined[name]).groupby(joined[zone_key]).sum()
        table[name] = sums.reindex(table.index, fill_value=0)
    for name, field, value in count_where:
        hits = (joined[field] == value).groupby(joined[zone_key]).sum()
        table[name] = hits.reindex(table.index, fill_value=0).astype(int)
    for field in distinct:
        present = joined[field].replace("", np.nan)
        counts = present.groupby(joined[zone_key]).nunique()
        table[f"distinct_{field}"] = counts.reindex(table.index, fill_value=0).astype(int)
    if pieces is not None:
        if kinds & {"Polygon", "MultiPolygon"}:
            measured = (pieces.area / SQUARE_METRES_PER_MU).groupby(pieces[zone_key]).sum()
            table["area_mu"] = measured.reindex(table.index, fill_value=0.0)
        else:
            measured = (pieces.length / 1000).groupby(pieces[zone_key]).sum()
            table["length_km"] = measured.reindex(table.index, fill_value=0.0)
    return table


def distances_km(features: gpd.GeoDataFrame, target: gpd.GeoSeries) -> pd.Series:
    """Straight-line km from each feature's representative point to the one point in `target`."""
    if len(target) != 1:
        raise ValueError(f"distance needs exactly one target point, got {len(target)}")
    anchors = to_metric(features.geometry).representative_point()
    return anchors.distance(to_metric(target).iloc[0]) / 1000


def nearest_km(features: gpd.GeoDataFrame, targets: gpd.GeoDataFrame) -> pd.DataFrame:
    """For each feature: the index label of the nearest of `targets` and its distance (km),
    from the feature's representative point to the nearest point of the target's geometry, in
    the metric CRS. One STRtree query for all features; of equidistant targets, the first."""
    if targets.empty:
        raise ValueError("nearest target: no targets given")
    anchors = np.asarray(to_metric(features.geometry).representative_point().values, dtype=object)
    candidates = to_metric(targets.geometry)
    tree = shapely.STRtree(np.asarray(candidates.values, dtype=object))
    (rows, found), gaps = tree.query_nearest(anchors, return_distance=True, all_matches=True)
    order = np.lexsort((found, rows))  # by feature, then by target: the first of any tie
    first = order[np.r_[True, rows[order][1:] != rows[order][:-1]]] if len(order) else order
    target = np.full(len(anchors), None, dtype=object)
    km = np.full(len(anchors), np.nan)
    target[rows[first]] = candidates.index.to_numpy()[found[first]]
    km[rows[first]] = gaps[first] / 1000
    return pd.DataFrame({"target": target, "km": km}, index=features.index)


def coverage_rate(covered: pd.Series, by: pd.Series | None = None) -> pd.DataFrame:
    """Targets, covered targets and the coverage rate (0–1), overall or per group of `by`."""
    flags = covered.astype(bool)
    groups = by if by is not None else pd.Series("全部", index=flags.index)
    table = pd.DataFrame(
        {"targets": flags.groupby(groups).size(), "covered": flags.groupby(groups).sum()}
    )
    table["rate"] = table["covered"] / table["targets"]
    return table
