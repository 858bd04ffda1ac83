"""Build the vector tile archive of a synthetic layer of parcels (maps.tiles.build_tiles) and
print its build time against the target, its size and its tiles at z10 and z14.

    .venv/bin/python benchmarks/tile_benchmark.py                   # 1,000,000 parcels
    .venv/bin/python benchmarks/tile_benchmark.py --features 100000

Parcels: 40-vertex polygons ~100 m across over the district (store_synthetic's shapes with a
fixed vertex count), the store benchmark's 10 attributes plus the id.
"""

from __future__ import annotations

import argparse
import collections
import json
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import shapely

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import store_synthetic
from layers.spec import Category, Field, LayerSpec, Style
from maps.tiles import MAX_ZOOM, MIN_ZOOM, build_tiles

SEED = 20261203
FEATURES = 1_000_000
VERTICES = 40
TARGET_S = 600.0  # ≤ 10 min for the 1M-parcel archive on this 2-core machine
REPORT_ZOOMS = (10, 14)
SPEC = LayerSpec(
    key="parcels",
    title_zh="地块",
    title_en="Parcels",
    source="parcels.shp",
    geometry="polygon",
    id_field="uid",
    name_field="name",
    fields=(
        Field("uid", "编号", "Id"),
        Field("name", "名称", "Name"),
        Field("township", "乡镇", "Township"),
        Field("stage", "阶段", "Stage"),
        Field("owner", "业主", "Owner", public=False),
        Field("invest", "投资", "Investment", kind="int", unit_zh="万元", unit_en="10k yuan"),
        Field("jobs", "就业", "Jobs", kind="int"),
        Field("year", "年份", "Year", kind="int"),
        Field("area_mu", "面积", "Area", kind="float", unit_zh="亩", unit_en="mu"),
        Field("land_ha", "用地", "Land", kind="float", unit_zh="公顷", unit_en="ha"),
        Field("output", "产值", "Output", kind="float"),
    ),
    style=Style(
        color="#666666",
        by_field="stage",
        categories=tuple(
            Category(stage, stage, color)
            for stage, color in zip(
                store_synthetic.STAGES, ("#ff7f0e", "#1f77b4", "#2ca02c", "#9467bd"), strict=True
            )
        ),
    ),
    tooltip=("name", "township", "invest"),
)


def parcels(count: int, seed: int):
    """The store benchmark's frame with its shapes redrawn at a fixed VERTICES per ring."""
    rng = np.random.default_rng(seed)
    frame = store_synthetic.synthetic_frame(count, rng)
    s = store_synthetic
    x = rng.uniform(s.LON[0] + 0.002, s.LON[1] - 0.002, count)
    y = rng.uniform(s.LAT[0] + 0.002, s.LAT[1] - 0.002, count)
    ring = np.repeat(np.arange(count), VERTICES)
    place = np.tile(np.arange(VERTICES), count)
    angle = 2 * np.pi * (place + rng.uniform(-0.3, 0.3, len(ring))) / VERTICES
    radius = rng.uniform(*s.RADIUS_M, count)[ring] * rng.uniform(0.75, 1.0, len(ring))
    coords = np.column_stack(
        [
            x[ring] + radius * np.cos(angle) / s.M_PER_DEG_LON,
            y[ring] + radius * np.sin(angle) / s.M_PER_DEG_LAT,
        ]
    )
    return frame.set_geometry(
        shapely.polygons(shapely.linearrings(coords, indices=ring)), crs="EPSG:4326"
    )


def tile_sizes(archive: Path) -> tuple[dict, dict[int, list[int]]]:
    """The archive's metadata and every tile's stored (compressed) size, by zoom."""
    from pmtiles.reader import MmapSource, Reader, all_tiles

    sizes: dict[int, list[int]] = collections.defaultdict(list)
    with open(archive, "rb") as source:
        reader = Reader(MmapSource(source))
        metadata = reader.metadata()
        for (z, _, _), data in all_tiles(reader.get_bytes):
            sizes[z].append(len(data))
    return metadata, sizes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--features", type=int, default=FEATURES)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--min-zoom", type=int, default=MIN_ZOOM)
    parser.add_argument("--max-zoom", type=int, default=MAX_ZOOM)
    parser.add_argument("--out", type=Path, help="keep the archive in this folder")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    frame = parcels(args.features, args.seed)
    print(
        f"{args.features:,} parcels, {VERTICES} vertices, {len(frame.columns) - 2} attributes "
        f"+ id, generated in {time.perf_counter() - started:.1f} s"
    )
    out = args.out or Path(tempfile.mkdtemp(prefix="tile-bench-"))
    stages: dict[str, float] = {}

    def progress(stage: str, fraction: float) -> None:
        stages.setdefault(stage, time.perf_counter())

    started = time.perf_counter()
    archive = build_tiles(
        SPEC.key,
        frame,
        SPEC,
        out,
        min_zoom=args.min_zoom,
        max_zoom=args.max_zoom,
        on_progress=progress,
    )
    build_s = time.perf_counter() - started
    prepare_s = stages.get("tiling", started) - started
    metadata, sizes = tile_sizes(archive)

    print(
        f"Tile build benchmark — {time.strftime('%Y-%m-%d')}, {platform.machine()}, "
        f"Python {platform.python_version()}, zooms {args.min_zoom}-{args.max_zoom}"
    )
    print(
        f"build {build_s:.1f} s (features prepared and written {prepare_s:.1f} s, "
        f"tippecanoe {build_s - prepare_s:.1f} s); archive {archive.stat().st_size / 1e6:.1f} MB"
    )
    print("| zoom | tiles | largest tile kB | features left out (tippecanoe's strategies) |")
    print("| ---: | ---: | ---: | --- |")
    strategies = metadata.get("strategies") or []
    for z in sorted(sizes):
        left_out = json.dumps(strategies[z] if z < len(strategies) else {})
        mark = " **" if z in REPORT_ZOOMS else ""
        print(f"| {z}{mark} | {len(sizes[z]):,} | {max(sizes[z]) / 1e3:.0f} | {left_out} |")
    verdict = "MET    " if build_s <= TARGET_S else "NOT MET"
    print(
        f"{verdict} {args.features:,} parcels: tile archive built ≤ {TARGET_S / 60:.0f} min "
        f"(measured {build_s:.1f} s)"
    )
    if args.out is None:
        shutil.rmtree(out, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
