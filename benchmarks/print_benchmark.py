"""Print benchmark (issue 18 part 5, 出图): the overview page printed on A3 landscape.

    make bench
    python benchmarks/print_benchmark.py --repeat 3

The overview page's layers as it opens (hidden layers off, no filters), read with
layers.load_layer, printed by share.print_map as a vector PDF (target ≤ 10 s), then as a 300 dpi
PNG (the same PDF rasterised), then the township atlas of the same layers (cover + 13 pages).
Each is run --repeat times; the first run (cold: layers converted, fonts subset for the first
time) and the best are printed. The layers come from a throw-away store seeded from
data/shapefiles unless ATLAS_STORE or ATLAS_DATABASE_URL names one.
"""

from __future__ import annotations

import argparse
import ast
import datetime as dt
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TARGET_PDF_S = 10.0
_WANTED = ("layers", "hidden")


def _overview_declaration() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The overview page's layers and hidden layers, read from its declaration (nothing below
    the pages imports them: tests/test_import_directions.py)."""
    tree = ast.parse((ROOT / "views" / "overview.py").read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "MapPage":
            found = {k.arg: ast.literal_eval(k.value) for k in node.keywords if k.arg in _WANTED}
            return tuple(found["layers"]), tuple(found.get("hidden", ()))
    raise SystemExit("views/overview.py declares no MapPage")


def _timed(step: Callable[[], bytes], repeat: int) -> tuple[float, float, int]:
    """First and best seconds of `repeat` runs, and the size of the last result."""
    times, size = [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        size = len(step())
        times.append(time.perf_counter() - start)
    return times[0], min(times), size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each step (default 3)")
    args = parser.parse_args()
    if not os.environ.get("ATLAS_STORE") and not os.environ.get("ATLAS_DATABASE_URL"):
        os.environ["ATLAS_STORE"] = str(Path(tempfile.mkdtemp(prefix="print-bench-")) / "a.gpkg")

    from layers import check_layers, load_layer
    from share.print_map import PrintRequest, print_map, printed_features, township_atlas

    check_layers()  # seed the store and read every layer once, outside the timings
    every_layer, hidden = _overview_declaration()
    layers = tuple(key for key in every_layer if key not in hidden)
    # The overview has no category filter: with the default filters a layer shows all of itself.
    frames = {key: load_layer(key) for key in every_layer}
    request = PrintRequest(
        title="双塔区项目总览 Overview",
        layers=layers,
        frames={key: frames[key] for key in layers},
        bounds=None,
        paper="A3",
        orientation="landscape",
        data_date=dt.date.today(),
    )
    features = printed_features(request)
    every = replace(request, layers=every_layer, frames=frames)  # hidden layers switched on too
    print(
        f"print benchmark · {platform.processor() or platform.machine()} · {os.cpu_count()} cores"
    )
    print(f"overview page, A3 landscape: {len(layers)} layers, {sum(features.values())} features")
    print(f"  with its hidden layers on: {sum(printed_features(every).values())} features")
    print(f"{'step':<34}{'first s':>9}{'best s':>9}{'bytes':>12}")
    rows = [
        ("PDF, A3 landscape (vector)", lambda: print_map(request, "pdf")),
        (f"PDF, all {len(every_layer)} layers on", lambda: print_map(every, "pdf")),
        ("PNG, A3 landscape, 300 dpi", lambda: print_map(request, "png")),
        ("township atlas, 14 pages", lambda: township_atlas(layers, "zh", dt.date.today())),
    ]
    results = {}
    for label, step in rows:
        first, best, size = _timed(step, args.repeat)
        results[label] = first
        print(f"{label:<34}{first:>9.2f}{best:>9.2f}{size:>12,}")
    pdf_s = results[rows[0][0]]
    verdict = "MET" if pdf_s <= TARGET_PDF_S else "NOT MET"
    print(
        f"target: A3 PDF of the overview ≤ {TARGET_PDF_S:g} s (first run {pdf_s:.2f} s): {verdict}"
    )


if __name__ == "__main__":
    main()
