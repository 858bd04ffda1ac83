"""The night economy: the corridor, belt and streets as lines, the four circles."""

from __future__ import annotations

import geopandas as gpd
from shapely.geometry import LineString, Point

from scripts.sample_data.common import metric_frame, read_source_csv, to_metric, urban_core_box


def night_economy_layers(river: gpd.GeoDataFrame) -> dict[str, gpd.GeoDataFrame]:
    """night_lines and night_circles from night_economy.csv; the belt is the river in the core."""
    core = urban_core_box()
    lines, line_rows, circles, circle_rows = [], [], [], []
    for number, row in enumerate(read_source_csv("night_economy.csv"), start=1):
        base = {
            "uid": f"night-{number:02d}",
            "name": row["name"],
            "name_en": row["name_en"],
            "category": row["category"],
        }
        if row["shape"] == "circle":
            center = _coords(row["coords"])[0]
            circles.append(center.buffer(float(row["radius_m"]), quad_segs=16))
            circle_rows.append({**base, "radius_m": int(row["radius_m"])})
            continue
        if row["shape"] == "river":
            geometry = river.geometry.iloc[0].intersection(core)
        else:
            geometry = LineString(_coords(row["coords"]))
        lines.append(geometry)
        line_rows.append({**base, "length_km": round(geometry.length / 1000, 3)})
    return {
        "night_lines": metric_frame(line_rows, lines),
        "night_circles": metric_frame(circle_rows, circles),
    }


def _coords(text: str) -> list[Point]:
    """Metric points from a "lon lat;lon lat" cell of night_economy.csv."""
    return [to_metric(*map(float, pair.split())) for pair in text.split(";")]
