"""Study-area roll-up benchmark (issue 18 "Speed"): a drawn area over a 100k-polygon layer.

    make bench                                        # 100k polygons
    python benchmarks/area_benchmark.py --features 20000 --repeat 5

The store benchmark's synthetic layer (store_synthetic.py: polygons of 12-40 vertices, ~100 m
across, 11 fields) is registered as a session layer with four totals (count, a sum, a
count_where and the area in 亩), and planning.area_rollup.area_rollup rolls it up inside two
drawn areas: a rectangle over the middle of the district (about a quarter of it) and a circle
of 5 km radius. Timed, as the server pays it:
- cold: the first roll-up, which transforms the layer to EPSG:4549 and builds its index (paid
  once per layer and data version, then cached);
- warm: a roll-up with the index cached (best of --repeat runs): the ≤ 1 s target.
The baseline, measured in the same run on the same area: geo.stats.rollup_by_zone with the
area as its one zone (gpd.overlay, as the township roll-up does, transform included), and
gpd.clip of the frame already in EPSG:4549 (no transform). The counts and areas of the fast
path and of rollup_by_zone are checked to agree before any time is printed.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from store_synthetic import SEED, synthetic_frame  # noqa: E402

from geo.crs import METRIC_CRS, to_metric  # noqa: E402
from geo.offsets import WGS84  # noqa: E402
from geo.stats import rollup_by_zone  # noqa: E402
from layers import (  # noqa: E402
    STORE_ENV,
    Field,
    LayerSpec,
    Style,
    Total,
    forget_session_layer,
    load_layer,
    register_session_layer,
)

TARGET_S = 1.0
# The options rollup_by_zone needs for SPEC's totals (layers.figures.totals_options gives them).
OPTIONS = {"sum_fields": ("invest",), "count_where": [("where_built", "stage", "投产")]}
KEY = "bench_area"
CIRCLE_RADIUS_M = 5_000
SPEC = LayerSpec(
    key=KEY,
    title_zh="基准地块",
    title_en="Benchmark plots",
    source=f"{KEY}.shp",
    geometry="polygon",
    id_field="uid",
    name_field="name",
    fields=(
        Field("uid", "编号", "ID"),
        Field("name", "名称", "Name"),
        Field("township", "乡镇", "Township"),
        Field("stage", "阶段", "Stage"),
        Field("owner", "业主", "Owner"),
        Field("invest", "投资", "Investment", kind="int", unit_zh="万元", unit_en="10k yuan"),
        Field("jobs", "就业", "Jobs", kind="int"),
        Field("year", "年份", "Year", kind="int"),
        Field("area_mu", "面积", "Area", kind="float", unit_zh="亩", unit_en="mu"),
        Field("land_ha", "用地", "Land", kind="float", unit_zh="公顷", unit_en="ha"),
        Field("output", "产值", "Output", kind="float"),
    ),
    style=Style(color="#3182bd"),
    totals=(
        Total("count", "地块", "Plots", op="count"),
        Total("invest", "投资", "Investment", op="sum", field="invest"),
        Total("built", "投产", "In production", op="count_where", field="stage", equals="投产"),
        Total("area", "面积", "Area", op="area_mu", unit_zh="亩", unit_en="mu"),
    ),
)


def seconds(action: Callable[[], object], repeat: int = 1) -> float:
    """The best of `repeat` runs of `action`."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - start)
    return best


def areas() -> dict[str, dict]:
    """The two drawn features: a rectangle of half the district box's width and a quarter of its
    height around its middle (about a quarter of the district), and a 5 km circle there."""
    minx, miny, maxx, maxy = load_layer("district").total_bounds
    w, h = maxx - minx, maxy - miny
    x0, y0, x1, y1 = minx + w / 4, miny + 3 * h / 8, maxx - w / 4, maxy - 3 * h / 8
    ring = [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]
    centre = [(minx + maxx) / 2, (miny + maxy) / 2]
    return {
        "rectangle": {
            "type": "Feature",
            "properties": {},
            "geometry": {"type": "Polygon", "coordinates": [ring]},
        },
        "circle 5 km": {
            "type": "Feature",
            "properties": {"radius": CIRCLE_RADIUS_M},
            "geometry": {"type": "Point", "coordinates": centre},
        },
    }


def run(count: int, repeat: int) -> bool:
    from planning.area import drawn_area
    from planning.area_rollup import area_rollup

    frame = synthetic_frame(count, np.random.default_rng(SEED))
    register_session_layer(SPEC, frame)
    metric_frame = to_metric(frame)
    district_km2 = float(to_metric(load_layer("district")).area.sum()) / 1e6
    print(
        f"{count:,} polygons; {platform.python_implementation()} {platform.python_version()}, "
        f"{os.cpu_count()} cores; target: warm roll-up <= {TARGET_S:g} s"
    )
    print(
        f"{'area':<12} {'km2':>7} {'share':>6} {'inside':>7} {'cold s':>7} {'warm s':>7} "
        f"{'overlay s':>9} {'clip s':>7} {'ratio':>6}  target"
    )
    met_all = True
    for index, (name, feature) in enumerate(areas().items()):
        area = drawn_area(feature, WGS84)
        cold = seconds(lambda a=area: area_rollup(a, [KEY], "zh")) if index == 0 else float("nan")
        table = area_rollup(area, [KEY], "zh")
        warm = seconds(lambda a=area: area_rollup(a, [KEY], "zh"), repeat)
        zone = gpd.GeoDataFrame({"code": ["a"]}, geometry=[area.wgs84], crs="EPSG:4326")
        by_zone = rollup_by_zone(frame, zone, zone_key="code", **OPTIONS).loc["a"]
        overlay = seconds(lambda z=zone: rollup_by_zone(frame, z, zone_key="code", **OPTIONS))
        mask = gpd.GeoDataFrame(geometry=[area.metric], crs=METRIC_CRS)
        clip = seconds(lambda m=mask: gpd.clip(metric_frame, m))
        values = dict(zip(table["label"], table["value"], strict=True))
        if (
            values["地块"] != by_zone["count"]
            or abs(values["面积"] - round(by_zone["area_mu"], 2)) > 0.011
        ):
            raise SystemExit(
                f"{name}: the fast path and rollup_by_zone disagree: {values} {by_zone}"
            )
        met = warm <= TARGET_S
        met_all &= met
        print(
            f"{name:<12} {area.area_km2:7.1f} {area.area_km2 / district_km2:6.1%} "
            f"{int(values['地块']):7d} {cold:7.3f} {warm:7.3f} {overlay:9.3f} {clip:7.3f} "
            f"{overlay / warm:5.0f}x  {'MET' if met else 'NOT MET'}"
        )
    print("ratio = overlay / warm; cold = first roll-up (transform + index, then cached)")
    forget_session_layer(KEY)
    return met_all


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--features", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="area-bench-") as folder:
        os.environ[STORE_ENV] = str(Path(folder) / "atlas.gpkg")  # never the user's own store
        run(args.features, args.repeat)


if __name__ == "__main__":
    main()
