"""The 三区三线 control lines, ILLUSTRATIVE: urban development boundary, ecological red line and
permanent basic farmland, drawn so the enclave sites get a realistic mix of verdicts.

The district's real lines come from the 自然资源局 and replace these through the data page.
Designed exceptions (data/README.md lists them; tests/planning/test_sample_zones.py checks them):
one site is left outside every urban boundary, one straddles a boundary edge onto farmland, one
lies outside on a farmland block, one 文旅 site overlaps farmland, one crosses the river's red line
(the river corridor runs through the city), one 文旅 site touches a hill red line.
"""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import shapely
from shapely import affinity
from shapely.geometry import Point, box
from shapely.geometry.base import BaseGeometry

from scripts.sample_data.common import SEED, Township, metric_frame, place_rectangle

__all__ = ["DESIGNED_FAILURES", "constraint_layers"]

# uid → why the site is meant to fail the 三区三线 check (the designed mix).
DESIGNED_FAILURES = {
    "enclave-012": "outside",  # 工业, far from any town: outside every urban boundary
    "enclave-005": "straddles",  # 工业, half outside its town's boundary, that half on farmland
    "enclave-059": "outside_on_farmland",  # 工业, outside any boundary, on a farmland block
    "enclave-040": "farmland",  # 文旅, a corner on a farmland block
    "enclave-069": "river_redline",  # 商住, crosses the Daling River corridor
    "enclave-042": "hill_redline",  # 文旅, touches a hill red line
}
_URBAN_STREETS = "街道"
RIVER_CORRIDOR_M = 120.0  # half-width of the Daling River red line
_SITE_REACH_M = 450.0  # urban boundary around a town's enclave sites
_CLEARANCE_M = 60.0  # lines and blocks keep this far from sites that are meant to pass
_FARMLAND_BLOCKS_PER_TOWNSHIP = 24
_HILLS = 7


def constraint_layers(
    townships: list[Township],
    outline: BaseGeometry,
    river: gpd.GeoDataFrame,
    enclave: gpd.GeoDataFrame,
    park_sites: gpd.GeoDataFrame,
    industrial_park: gpd.GeoDataFrame,
) -> dict[str, gpd.GeoDataFrame]:
    """The three control-line layers (metric CRS), from the built places and enclave sites."""
    rng = np.random.default_rng(SEED + 50)
    inner = outline.buffer(-5)
    sites = dict(zip(enclave["uid"], enclave.geometry, strict=True))
    passing = shapely.union_all(
        [g for uid, g in sites.items() if uid not in DESIGNED_FAILURES]
    ).buffer(_CLEARANCE_M)
    # Red lines keep clear of every site but the two designed to touch them.
    clear = shapely.union_all(
        [g for uid, g in sites.items() if not DESIGNED_FAILURES.get(uid, "").endswith("redline")]
    ).buffer(_CLEARANCE_M)
    river_line = river.geometry.union_all()
    corridor = river_line.buffer(RIVER_CORRIDOR_M).intersection(inner).difference(clear)
    urban = _urban_boundaries(townships, enclave, park_sites, industrial_park, corridor)
    urban_all = shapely.union_all([g for _, g in urban])
    redline = _redlines(rng, outline, inner, corridor, sites, clear, urban_all)
    red_all = shapely.union_all([g for *_, g in redline])
    farmland = _farmland(rng, townships, sites, passing, urban_all, red_all)
    return {
        "urban_boundary": _frame(urban, "CZKFBJ", "城镇集中建设区"),
        "eco_redline": metric_frame(
            [
                {"uid": f"redline-{n:02d}", "name": name, "code": f"STHX-211302-{n:03d}", "kind": k}
                for n, (name, k, _) in enumerate(redline, start=1)
            ],
            [g for *_, g in redline],
        ),
        "basic_farmland": farmland,
    }


def _frame(parts: list[tuple[str, BaseGeometry]], prefix: str, kind: str) -> gpd.GeoDataFrame:
    rows = [
        {"uid": f"urban-{n:02d}", "name": name, "code": f"{prefix}-211302-{n:03d}", "kind": kind}
        for n, (name, _) in enumerate(parts, start=1)
    ]
    return metric_frame(rows, [g for _, g in parts])


def _urban_boundaries(
    townships: list[Township],
    enclave: gpd.GeoDataFrame,
    park_sites: gpd.GeoDataFrame,
    industrial_park: gpd.GeoDataFrame,
    corridor: BaseGeometry,
) -> list[tuple[str, BaseGeometry]]:
    """The city core (the 街道 less the river corridor) and one town area per rural township."""
    streets = shapely.union_all([t.area for t in townships if t.kind == _URBAN_STREETS])
    core = streets.buffer(-40).difference(corridor.buffer(10))
    parts = [("中心城区城镇开发边界", _largest_parts(core))]
    factory = park_sites[park_sites["kind"] == "扶贫工厂"].geometry.iloc[0]
    park = industrial_park.geometry.iloc[0]
    for township in (t for t in townships if t.kind != _URBAN_STREETS):
        local = enclave[enclave["town_code"] == township.code]
        keep = [
            g.buffer(_SITE_REACH_M)
            for uid, g in zip(local["uid"], local.geometry, strict=True)
            if uid not in DESIGNED_FAILURES
        ]
        seat = township.seat if township.area.contains(township.seat) else None
        if seat is not None:
            keep.append(seat.buffer(900))
        if township.code == "211302205":  # the park's factory and greenhouse strip
            keep.append(factory.buffer(500).intersection(park.buffer(200)))
        area = shapely.union_all(keep).buffer(700).buffer(-700)  # close gaps: town-like blobs
        area = area.intersection(township.area.buffer(-40)).difference(corridor.buffer(10))
        for uid, reason in DESIGNED_FAILURES.items():
            site = enclave.loc[enclave["uid"] == uid].geometry.iloc[0]
            if reason == "straddles" and uid in set(local["uid"]):
                area = _straddle(area, site)
            else:
                area = area.difference(site.buffer(300))
        parts.append((f"{township.name}城镇开发边界", _largest_parts(area)))
    return parts


def _straddle(area: BaseGeometry, site: BaseGeometry) -> BaseGeometry:
    """The area reaching over the site's western half and clear of its eastern half."""
    minx, miny, maxx, maxy = site.buffer(400).bounds
    middle = site.centroid.x
    west = box(minx, miny, middle, maxy)
    east = box(middle, miny, maxx, maxy)
    return area.union(site.buffer(400).intersection(west)).difference(east)


def _largest_parts(shape: BaseGeometry, minimum_m2: float = 200_000) -> BaseGeometry:
    """The shape without crumbs (parts under 20 ha), as a valid (multi)polygon."""
    parts = [g for g in getattr(shape, "geoms", [shape]) if g.area >= minimum_m2]
    return shapely.make_valid(shapely.union_all(parts))


def _redlines(
    rng: np.random.Generator,
    outline: BaseGeometry,
    inner: BaseGeometry,
    corridor: BaseGeometry,
    sites: dict[str, BaseGeometry],
    clear: BaseGeometry,
    urban: BaseGeometry,
) -> list[tuple[str, str, BaseGeometry]]:
    """The river corridor and hill areas on the district's edge (one touching a 文旅 site)."""
    lines = [("大凌河河道生态保护红线", "水源涵养", corridor)]
    edge = outline.boundary
    hills: list[BaseGeometry] = []
    while len(hills) < _HILLS:
        where = edge.interpolate(float(rng.uniform(0, edge.length)))
        hill = _blob(rng, where, float(rng.uniform(1500, 2600))).intersection(inner)
        hill = hill.difference(clear).difference(urban.buffer(100))
        if hill.area > 1_500_000 and not any(hill.intersects(h) for h in hills):
            hills.append(_largest_parts(hill))
    site = sites["enclave-042"]
    toward = edge.interpolate(edge.project(site.centroid))
    angle = math.atan2(toward.y - site.centroid.y, toward.x - site.centroid.x)
    reach = math.sqrt(site.area) / 2
    centre = Point(
        site.centroid.x + math.cos(angle) * (reach + 760),
        site.centroid.y + math.sin(angle) * (reach + 760),
    )
    touching = centre.buffer(800).intersection(inner).difference(clear)
    touching = touching.difference(urban.buffer(100))
    hills.append(_largest_parts(touching, minimum_m2=50_000))
    names = ["燕山余脉", "凤凰山", "大青山", "黑山", "团山", "南山", "柏山", "努鲁儿虎山余脉"]
    for number, hill in enumerate(hills):
        kind = "水土保持" if number % 2 else "水源涵养"
        lines.append((f"{names[number % len(names)]}生态保护红线", kind, hill))
    return lines


def _blob(rng: np.random.Generator, centre: Point, radius: float) -> BaseGeometry:
    """An irregular hill-like shape around `centre`."""
    angles = np.linspace(0, 2 * math.pi, 24, endpoint=False)
    radii = radius * rng.uniform(0.6, 1.2, size=angles.size)
    ring = [
        (centre.x + r * math.cos(a), centre.y + r * math.sin(a))
        for a, r in zip(angles, radii, strict=True)
    ]
    return shapely.Polygon(ring).buffer(200).buffer(-200)


def _farmland(
    rng: np.random.Generator,
    townships: list[Township],
    sites: dict[str, BaseGeometry],
    passing: BaseGeometry,
    urban: BaseGeometry,
    redline: BaseGeometry,
) -> gpd.GeoDataFrame:
    """Blocks in the rural townships, clear of urban boundaries, red lines and passing sites."""
    blocked = shapely.union_all([urban.buffer(30), redline.buffer(30), passing])
    designed = {
        "enclave-005": sites["enclave-005"].buffer(250),
        "enclave-059": sites["enclave-059"].buffer(150),
        "enclave-040": affinity.translate(
            sites["enclave-040"], *_corner_offset(sites["enclave-040"])
        ),
    }
    rows, blocks = [], []
    kinds = ("水浇地", "旱地", "旱地")
    for township in (t for t in townships if t.kind != _URBAN_STREETS):
        region = township.area.buffer(-40).difference(blocked)
        local: list[BaseGeometry] = []
        for shape in designed.values():
            block = shape.intersection(township.area.buffer(-40)).difference(blocked)
            if not block.is_empty and block.area > 10_000:
                local.append(_largest_parts(block, minimum_m2=10_000))
        for _ in range(_FARMLAND_BLOCKS_PER_TOWNSHIP):
            area = float(rng.uniform(0.25, 1.2)) * 1e6
            local.append(_free_rectangle(rng, region, area, local))
        for number, block in enumerate(local, start=1):
            rows.append(
                {
                    "uid": f"farmland-{township.code}-{number:02d}",
                    "name": f"{township.name}永久基本农田保护片块{number:02d}",
                    "code": f"JBNT-{township.code}-{number:03d}",
                    "kind": kinds[int(rng.integers(len(kinds)))],
                    "town_code": township.code,
                }
            )
            blocks.append(block)
    return metric_frame(rows, blocks)


def _corner_offset(site: BaseGeometry) -> tuple[float, float]:
    """How far to shift a copy of the site so that it covers about a fifth of it."""
    minx, miny, maxx, maxy = site.bounds
    return (maxx - minx) * 0.55, (maxy - miny) * 0.55


def _free_rectangle(
    rng: np.random.Generator, region: BaseGeometry, area: float, taken: list[BaseGeometry]
) -> BaseGeometry:
    """A farmland block of about `area` m² inside `region`, clear of the blocks placed."""
    try:
        return place_rectangle(rng, region, area, avoid=taken, gap=40)
    except RuntimeError:
        return place_rectangle(rng, region, area / 4, avoid=taken, gap=40)
