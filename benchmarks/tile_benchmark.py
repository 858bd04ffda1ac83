"""Build the vector tile archive of a synthetic layer of parcels (maps.tiles.build_tiles), then
draw it in Chromium at 1366x768 (maps.tile_layer) beside the whole-layer path on a subset.

    .venv/bin/python benchmarks/tile_benchmark.py                   # 1,000,000 parcels
    .venv/bin/python benchmarks/tile_benchmark.py --features 100000
    .venv/bin/python benchmarks/tile_benchmark.py --out /tmp/t      # keep the archive, then
    .venv/bin/python benchmarks/tile_benchmark.py --archive /tmp/t/parcels-….pmtiles

Printed: the build time (and the progress it reports), the archive's size and tiles per zoom;
in the browser (benchmarks/tile_view.py) the first view of the district (navigation to the
tile layer's tiles all drawn), the bytes it took, the JS heap, a zoom in and a pan by one
screen redrawn; and the same page's first render and heap on the whole-layer canvas path with
the first 100,000 parcels (--baseline), as ratios; each against the issue's targets.

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

from benchmarks import store_synthetic, tile_view
from layers.spec import Category, Field, LayerSpec, Style
from maps.tiles import MAX_ZOOM, MIN_ZOOM, build_tiles

SEED = 20261203
FEATURES = 1_000_000
VERTICES = 40
BASELINE = 100_000  # the whole-layer path's parcels: the first of the same layer
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


def build(frame, args) -> tuple[Path, float, float]:
    """Build the archive into args.out, printing the progress build_tiles reports (each stage,
    and every tenth of the way); the archive, build seconds and seconds before tippecanoe."""
    stages: dict[str, float] = {}
    shown = [-1]

    def progress(stage: str, fraction: float) -> None:
        now = time.perf_counter()
        tenth = round(fraction * 100) // 10
        if stage not in stages or tenth > shown[0]:
            print(f"  {now - started:6.1f} s  {stage:9s} {fraction:4.0%}", flush=True)
        stages.setdefault(stage, now)
        shown[0] = max(shown[0], tenth)

    started = time.perf_counter()
    archive = build_tiles(
        SPEC.key,
        frame,
        SPEC,
        args.out,
        min_zoom=args.min_zoom,
        max_zoom=args.max_zoom,
        on_progress=progress,
    )
    build_s = time.perf_counter() - started
    return archive, build_s, stages.get("tiling", started) - started


def browser_part(frame, archive: Path, args) -> tuple[tile_view.View, tile_view.View]:
    """The tiled layer and the whole-layer baseline (the first args.baseline parcels) drawn in
    Chromium args.runs times each, in turns (each run a fresh context: nothing cached); each
    run's figures printed, and the median of each figure returned."""
    subset = frame.iloc[: args.baseline]
    minx, miny, maxx, maxy = frame.total_bounds
    tiled_runs, whole_runs = [], []
    with tempfile.TemporaryDirectory(prefix="tile-bench-site-") as folder:
        site = tile_view.Site(Path(folder), archive)
        browser = tile_view.Browser()
        try:
            tiled_url = site.page(
                "tiled.html",
                tile_view.tiled_page(
                    SPEC, frame.total_bounds, site.tile_path, args.min_zoom, args.max_zoom
                ),
            )
            whole_url = site.page("whole.html", tile_view.whole_page(SPEC, subset))
            for run in range(args.runs):
                shots = args.shots if run == 0 else None
                view = browser.tiled(tiled_url, shots, ((miny + maxy) / 2, (minx + maxx) / 2))
                tiled_runs.append(view)
                print(
                    f"run {run + 1} tiled {len(frame):,}: {_figures(view)}; "
                    f"zoom in {view.zoom_in_s:.2f} s, pan {view.pan_s:.2f} s",
                    flush=True,
                )
                view = browser.whole(whole_url, len(subset))
                whole_runs.append(view)
                print(
                    f"run {run + 1} whole {len(subset):,}: {_figures(view)}; "
                    f"zoom in {view.zoom_in_s:.2f} s",
                    flush=True,
                )
        finally:
            browser.close()
            site.close()
    return tile_view.median(tiled_runs), tile_view.median(whole_runs)


def _figures(view: tile_view.View) -> str:
    return (
        f"first view {view.first_s:.2f} s at zoom {view.zoom:.1f}, {view.features:,.0f} features"
        + (
            f" (tiles received by {view.fetched_s:.2f} s)"
            if view.fetched_s == view.fetched_s
            else ""
        )
        + f", {view.bytes / 1e6:.2f} MB in "
        f"{view.requests} responses ({view.tile_requests} archive ranges), heap {view.heap_mb:.0f} MB"
    )


def table(features: int, tiled: tile_view.View, whole: tile_view.View, baseline: int) -> list[str]:
    head = f"| measure | tiled {features:,} | whole layer {baseline:,} | tiled / whole | target |"
    rows = [head, "| --- | ---: | ---: | ---: | --- |"]
    for label, a, b, unit, target in (
        ("first view drawn", tiled.first_s, whole.first_s, "s", "≤ 2 s"),
        ("bytes for the first view", tiled.bytes / 1e6, whole.bytes / 1e6, "MB", "≤ 5 MB"),
        ("JS heap after the first view", tiled.heap_mb, whole.heap_mb, "MB", "≤ 200 MB"),
        ("zoom in one level, redrawn", tiled.zoom_in_s, whole.zoom_in_s, "s", "≤ 0.5 s"),
        ("pan one screen, redrawn", tiled.pan_s, float("nan"), "s", "≤ 0.5 s"),
    ):
        ratio = f"{a / b:.2f}×" if b == b else "—"
        other = f"{b:.2f} {unit}" if b == b else "—"
        rows.append(f"| {label} | {a:.2f} {unit} | {other} | {ratio} | {target} |")
    return rows


def _check(label: str, value: float, limit: float, unit: str) -> str:
    verdict = "MET    " if value <= limit else "NOT MET"
    return f"{verdict} {label} ≤ {limit:g} {unit} (measured {value:.2f} {unit})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--features", type=int, default=FEATURES)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--min-zoom", type=int, default=MIN_ZOOM)
    parser.add_argument("--max-zoom", type=int, default=MAX_ZOOM)
    parser.add_argument("--out", type=Path, help="keep the archive in this folder")
    parser.add_argument(
        "--archive",
        type=Path,
        help="an archive built before (same --features and --seed): no build",
    )
    parser.add_argument("--baseline", type=int, default=BASELINE, help="whole-layer parcels")
    parser.add_argument("--no-browser", action="store_true", help="the build only")
    parser.add_argument("--runs", type=int, default=3, help="browser runs (medians printed)")
    parser.add_argument(
        "--shots", type=Path, default=Path(tempfile.gettempdir()), help="screenshots' folder"
    )
    args = parser.parse_args(argv)

    started = time.perf_counter()
    frame = parcels(args.features, args.seed)
    print(
        f"{args.features:,} parcels, {VERTICES} vertices, {len(frame.columns) - 2} attributes "
        f"+ id, generated in {time.perf_counter() - started:.1f} s",
        flush=True,
    )
    keep = args.out is not None or args.archive is not None
    args.out = args.out or Path(tempfile.mkdtemp(prefix="tile-bench-"))
    build_s = float("nan")
    if args.archive:
        archive = args.archive
        print(f"archive reused: {archive} (no build)")
    else:
        archive, build_s, prepare_s = build(frame, args)
    metadata, sizes = tile_sizes(archive)

    print(
        f"\nTile benchmark — {time.strftime('%Y-%m-%d')}, {platform.machine()}, "
        f"Python {platform.python_version()}, zooms {args.min_zoom}-{args.max_zoom}"
    )
    if build_s == build_s:
        print(
            f"build {build_s:.1f} s (features prepared and written {prepare_s:.1f} s, "
            f"tippecanoe {build_s - prepare_s:.1f} s)"
        )
    print(f"archive {archive.stat().st_size / 1e6:.1f} MB: {archive}")
    print("| zoom | tiles | largest tile kB | features left out (tippecanoe's strategies) |")
    print("| ---: | ---: | ---: | --- |")
    strategies = metadata.get("strategies") or []
    for z in sorted(sizes):
        left_out = json.dumps(strategies[z] if z < len(strategies) else {})
        mark = " **" if z in REPORT_ZOOMS else ""
        print(f"| {z}{mark} | {len(sizes[z]):,} | {max(sizes[z]) / 1e3:.0f} | {left_out} |")
    checks = []
    if build_s == build_s:
        checks.append(
            _check(f"{args.features:,} parcels: tile archive built", build_s / 60, 10, "min")
        )
    if not args.no_browser:
        print(flush=True)
        tiled, whole = browser_part(frame, archive, args)
        print(
            f"\nChromium headless {tile_view.VIEWPORT['width']}x{tile_view.VIEWPORT['height']}, "
            f"median of {args.runs} runs"
        )
        print("\n".join(table(args.features, tiled, whole, min(args.baseline, len(frame)))))
        name = f"{args.features:,} parcels tiled:"
        checks += [
            _check(f"{name} first view drawn", tiled.first_s, 2, "s"),
            _check(f"{name} bytes for the first view", tiled.bytes / 1e6, 5, "MB"),
            _check(f"{name} JS heap after the first view", tiled.heap_mb, 200, "MB"),
            _check(f"{name} zoom in one level redrawn", tiled.zoom_in_s, 0.5, "s"),
            _check(f"{name} pan one screen redrawn", tiled.pan_s, 0.5, "s"),
        ]
        print("screenshots:", *tiled.shots)
    print()
    print("\n".join(checks))
    if not keep:
        shutil.rmtree(args.out, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
