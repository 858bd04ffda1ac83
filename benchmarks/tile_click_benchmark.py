"""Server time of a click on a parcel of a tiled layer: the overview with a million synthetic
parcels added as an upload, a click on one of them answered in the panel.

    .venv/bin/python benchmarks/tile_click_benchmark.py                  # 1,000,000 parcels
    .venv/bin/python benchmarks/tile_click_benchmark.py --features 100000

The page runs in Streamlit's AppTest (the app's own script, no browser): each click is the
value the map sends (the parcel's layer and id, where it was clicked), and the time is that of
the rerun that answers it, panel included. The tiles count as built (their build is timed by
tile_benchmark.py): the registry reports the archive ready, so no build runs meanwhile. The
baseline, measured in the same run, is a click on an orchard of the shipped overview.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from streamlit.testing.v1 import AppTest  # noqa: E402

import maps.tile_builds as builds_module  # noqa: E402
from benchmarks.store_synthetic import synthetic_frame  # noqa: E402
from layers import load_layer  # noqa: E402
from layers.uploaded import uploaded_layers  # noqa: E402
from maps.tile_builds import TileState  # noqa: E402
from maps.tiles import TILES_DIR, build_tiles  # noqa: E402
from ui.panel import PANEL_CLASS  # noqa: E402
from ui.uploads_state import SessionUpload  # noqa: E402

TARGET_S = 0.3
SEED = 20261203
MAP_STATE = "overview:map"


class _Built:
    """A registry whose every archive is ready (the build is another benchmark's): a small
    stand-in archive, served like a real one (the server's work on a click does not read it)."""

    def __init__(self, archive: Path) -> None:
        self.archive = archive

    def request(self, key, version, load, *, datum="WGS84") -> TileState:
        return TileState(key, self.archive, 1.0, "done")

    def state(self, key, version, *, datum="WGS84") -> TileState:
        return self.request(key, version, None, datum=datum)


def _click(app: AppTest, layer: str, uid: str, lon: float, lat: float) -> float:
    app.session_state[MAP_STATE] = {
        "last_active_drawing": {"properties": {"_layer": layer, "_id": uid}},
        "last_object_clicked": {"lat": lat, "lng": lon},
    }
    start = time.perf_counter()
    app.run()
    elapsed = time.perf_counter() - start
    if app.exception:
        raise SystemExit(f"the page failed: {app.exception}")
    return elapsed


def _panel_names(app: AppTest) -> str:
    return "".join(e.value for e in app.html if f'class="{PANEL_CLASS}"' in e.value)


def clicks(app: AppTest, targets: list[tuple[str, str, str, float, float]]) -> list[float]:
    """Seconds of each click's rerun; each must show its feature's name in the panel."""
    times = []
    for layer, uid, name, lon, lat in targets:
        times.append(_click(app, layer, uid, lon, lat))
        if name not in _panel_names(app):
            raise SystemExit(f"the panel does not show the clicked feature {uid} ({name})")
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--features", type=int, default=1_000_000)
    parser.add_argument("--clicks", type=int, default=7)
    args = parser.parse_args(argv)
    rng = np.random.default_rng(SEED)
    start = time.perf_counter()
    frame = synthetic_frame(args.features, rng)
    (layer,) = uploaded_layers(
        frame, title="地块", source_name="parcels.gpkg", color="#3366cc", tooltip=("name",)
    )
    stand_in = build_tiles(
        layer.spec.key, layer.frame.iloc[:20], layer.spec, TILES_DIR, min_zoom=13, max_zoom=14
    )
    builds_module._BUILDS = _Built(stand_in)
    print(f"{args.features:,} parcels made in {time.perf_counter() - start:.1f} s")

    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    app.switch_page("views/overview.py")
    app.session_state["uploads"] = [SessionUpload("地块", "parcels.gpkg", (layer,))]
    start = time.perf_counter()
    app.run()
    print(f"first run of the overview with them: {time.perf_counter() - start:.1f} s")

    orchards = load_layer("orchards")
    baseline_targets, parcel_targets = [], []
    for step in range(args.clicks):
        orchard = orchards.iloc[step % len(orchards)]
        spot = orchard.geometry.representative_point()
        baseline_targets.append(("orchards", orchard["uid"], orchard["name"], spot.x, spot.y))
        parcel = layer.frame.iloc[int(rng.integers(len(layer.frame)))]
        spot = parcel.geometry.representative_point()
        parcel_targets.append((layer.spec.key, parcel["uid"], parcel["f01"], spot.x, spot.y))
    baseline = statistics.median(clicks(app, baseline_targets))
    tiled = statistics.median(clicks(app, parcel_targets))
    ratio = tiled / baseline
    verdict = "MET" if tiled <= TARGET_S else "NOT MET"
    print(
        f"\nmachine: {platform.processor() or platform.machine()}, Python {platform.python_version()}"
    )
    print("| click → panel, server time (median) | s | ratio |")
    print("| --- | ---: | ---: |")
    print(f"| orchard on the shipped overview (baseline) | {baseline:.3f} | 1.00 |")
    print(f"| parcel of {args.features:,} tiled | {tiled:.3f} | {ratio:.2f} |")
    print(f"\n{verdict}: click on a parcel → panel ≤ {TARGET_S} s server time ({tiled:.3f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
