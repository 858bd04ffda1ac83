"""Vector tile archives (maps.tiles): what each tile holds, against shapely in EPSG:3857."""

from __future__ import annotations

import datetime as dt
import gzip
import html
import json
import math
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import geopandas as gpd
import mapbox_vector_tile
import numpy as np
import pytest
import shapely
from pmtiles.reader import MmapSource, Reader, all_tiles

import maps.tiles as tiles_module
from benchmarks.store_synthetic import synthetic_frame
from geo.errors import DataError
from layers import (
    Category,
    Field,
    LayerSpec,
    Style,
    forget_session_layer,
    get_layer,
    load_layer,
    register_session_layer,
    viewing,
)
from maps.tiles import TileLimits, build_tiles, tile_frame, tiles_for

MIN_ZOOM, MAX_ZOOM = 10, 14
HALF_WORLD = math.pi * 6378137.0
BUFFER = 5 / 256  # tippecanoe's default buffer, in tile widths
EXTENT = 4096  # tile units across a tile (tippecanoe's default detail)
SECRET = "机密备注-internal-7731"

SPEC = LayerSpec(
    key="tiletest",
    title_zh="瓦片测试",
    title_en="Tile test",
    source="tiletest.shp",
    geometry="polygon",
    id_field="uid",
    name_field="name",
    fields=(
        Field("uid", "编号", "Id"),
        Field("name", "名称", "Name"),
        Field("stage", "阶段", "Stage"),
        Field("invest", "投资", "Investment", kind="int", unit_zh="万元", unit_en="10k yuan"),
        Field("secret", "内部备注", "Internal note", public=False),
    ),
    style=Style(
        color="#666666",
        by_field="stage",
        categories=(Category("在建", "Building", "#2ca02c"), Category("签约", "Signed", "#1f77b4")),
    ),
    tooltip=("name", "invest"),
)


def _spec_args(spec: LayerSpec) -> dict:
    names = "key title_zh title_en source geometry id_field name_field fields style tooltip"
    return {name: getattr(spec, name) for name in names.split()}


POINT_SPEC = LayerSpec(
    **{**_spec_args(SPEC), "key": "tilepoints", "source": "tilepoints.shp", "geometry": "point"}
)


def synthetic(count: int, *, kind: str = "polygon", seed: int = 7) -> gpd.GeoDataFrame:
    """The store benchmark's synthetic parcels (polygons or points) with an internal note."""
    frame = synthetic_frame(count, np.random.default_rng(seed), geometry=kind)
    frame["secret"] = [f"{SECRET}-{i}" for i in range(count)]
    return frame


def decoded(archive: Path) -> tuple[dict, dict[tuple[int, int, int], list[dict]], list[bytes]]:
    """The archive's metadata, every tile's features (properties), and the raw tiles."""
    with open(archive, "rb") as source:
        reader = Reader(MmapSource(source))
        metadata = reader.metadata()
        raw = {zxy: gzip.decompress(data) for zxy, data in all_tiles(reader.get_bytes)}
    features = {}
    for zxy, data in raw.items():
        layers = mapbox_vector_tile.decode(data)
        features[zxy] = [f["properties"] for layer in layers.values() for f in layer["features"]]
    return metadata, features, list(raw.values())


def tile_box(z: int, x: int, y: int, grow: float) -> shapely.Polygon:
    """Tile (z, x, y) in EPSG:3857 grown on every side by `grow` tile widths."""
    width = 2 * HALF_WORLD / 2**z
    minx, maxy = -HALF_WORLD + x * width, HALF_WORLD - y * width
    return shapely.box(minx, maxy - width, minx + width, maxy).buffer(
        grow * width, join_style="mitre"
    )


def check_tile(zxy, got: set[str], ids: np.ndarray, tree: shapely.STRtree, *, complete: bool):
    """The tile holds the features meeting its buffered bounds, give or take two tile units
    at that edge; a tile tippecanoe thinned (`complete` False) holds only such features."""
    slack = 2 / EXTENT
    inner = set(ids[tree.query(tile_box(*zxy, BUFFER - slack), predicate="intersects")])
    outer = set(ids[tree.query(tile_box(*zxy, BUFFER + slack), predicate="intersects")])
    assert got <= outer, f"{zxy}: features outside the tile: {sorted(got - outer)[:5]}"
    if complete:
        assert inner <= got, f"{zxy}: features missing: {sorted(inner - got)[:5]}"


def check_archive(archive: Path, spec: LayerSpec, frame: gpd.GeoDataFrame, max_zoom: int):
    metadata, features, _ = decoded(archive)
    display = tile_frame(spec, frame).to_crs(3857)
    ids = display["_id"].to_numpy()
    tree = shapely.STRtree(display.geometry.array)
    strategies = metadata.get("strategies") or []
    zooms = sorted({z for z, _, _ in features})
    assert zooms[-1] == max_zoom
    for z in zooms:
        at_zoom = sorted(zxy for zxy in features if zxy[0] == z)
        complete = not (strategies[z] if z < len(strategies) else {})
        for zxy in at_zoom[:: max(1, len(at_zoom) // 8)]:  # about 8 tiles per zoom, edges too
            check_tile(zxy, {p["_id"] for p in features[zxy]}, ids, tree, complete=complete)
    at_max = {p["_id"] for zxy, props in features.items() if zxy[0] == max_zoom for p in props}
    assert at_max == set(ids)
    return metadata, features


def assert_nothing_internal(archive: Path, spec: LayerSpec, frame: gpd.GeoDataFrame) -> None:
    metadata, features, raw = decoded(archive)
    allowed = {"_id", "_color", *spec.tooltip, spec.style.by_field}
    metadata_text = json.dumps(metadata, ensure_ascii=False)
    public_text = {str(v) for f in spec.public_fields for v in frame[f.name].dropna()}
    for field in spec.internal_fields:
        assert field.name not in metadata_text
        assert all(field.name.encode() not in data for data in raw)
        for value in {str(v) for v in frame[field.name].dropna()} - public_text:
            if len(value) >= 4:
                assert value not in metadata_text
                assert all(value.encode() not in data for data in raw), value
    for props in features.values():
        for p in props:
            assert set(p) <= allowed, set(p) - allowed


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, tuple[Path, LayerSpec, gpd.GeoDataFrame]]:
    out = tmp_path_factory.mktemp("tiles")
    layers = {
        "polygons": (SPEC, synthetic(3000)),
        "points": (POINT_SPEC, synthetic(2000, kind="point")),
        "enclave_projects": (get_layer("enclave_projects"), load_layer("enclave_projects")),
        "households": (get_layer("households"), load_layer("households")),
    }
    return {
        name: (
            build_tiles(spec.key, frame, spec, out, min_zoom=MIN_ZOOM, max_zoom=MAX_ZOOM),
            spec,
            frame,
        )
        for name, (spec, frame) in layers.items()
    }


@pytest.mark.parametrize("name", ["polygons", "points", "enclave_projects", "households"])
def test_each_tile_holds_the_features_meeting_it(built, name):
    archive, spec, frame = built[name]
    metadata, _ = check_archive(archive, spec, frame, MAX_ZOOM)
    assert [layer["id"] for layer in metadata["vector_layers"]] == [spec.key]
    assert archive.name.startswith(f"{spec.key}-") and archive.suffix == ".pmtiles"


@pytest.mark.parametrize("name", ["polygons", "points", "enclave_projects", "households"])
def test_no_internal_field_reaches_a_tile_or_the_metadata(built, name):
    archive, spec, frame = built[name]
    assert_nothing_internal(archive, spec, frame)
    metadata, _, _ = decoded(archive)
    assert "/" not in metadata.get("generator_options", "").split()[0]  # no server path


def test_features_carry_the_web_maps_escaped_text(built):
    archive, spec, frame = built["enclave_projects"]
    _, features, _ = decoded(archive)
    expected = tile_frame(spec, frame).drop(columns="geometry").set_index("_id")
    for props in features.values():
        for p in props:
            row = expected.loc[p["_id"]]
            assert {k: v for k, v in p.items() if k != "_id"} == {
                k: row[k] for k in p if k != "_id"
            }


def test_a_hostile_layer_builds_and_decodes(tmp_path):
    frame = synthetic(40)
    nasty = [
        "<script>alert('x')</script>",
        'a"b\\c\u0000d\u0001e\u001bf\u2028g',
        "𝕏" * 50_000,
        "\u202etxt.exe",
        "{}[]:,",
    ]
    frame["name"] = [nasty[i % len(nasty)] for i in range(len(frame))]
    archive = build_tiles("hostile", frame, SPEC, tmp_path, min_zoom=12, max_zoom=14)
    _, features, _ = decoded(archive)
    names = {p["name"] for zxy, props in features.items() if zxy[0] == 14 for p in props}
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in names
    assert not any("<" in n for n in names)
    assert "𝕏" * 50_000 in names
    assert html.escape(nasty[1]).replace("\u0000", "") in names  # NUL dropped, the rest kept
    assert len({p["_id"] for zxy, ps in features.items() if zxy[0] == 14 for p in ps}) == 40


def test_an_archive_is_built_once_per_version_and_reused(tmp_path, monkeypatch):
    calls = []
    original = tiles_module.build_tiles

    def counting(*args, **kwargs):
        calls.append(args[0])
        return original(*args, **kwargs)

    monkeypatch.setattr(tiles_module, "build_tiles", counting)
    first = tiles_for("enclave_projects", out_dir=tmp_path, min_zoom=12, max_zoom=14)
    again = tiles_for("enclave_projects", out_dir=tmp_path, min_zoom=12, max_zoom=14)
    assert first == again and len(calls) == 1
    with viewing(dt.date(2021, 1, 1)):  # another state of the data: another version
        earlier = tiles_for("enclave_projects", out_dir=tmp_path, min_zoom=12, max_zoom=14)
    assert earlier != first and len(calls) == 2
    assert first.exists() and earlier.exists()

    key = "upload_tiles_test"
    spec = LayerSpec(**{**_spec_args(SPEC), "key": key})
    register_session_layer(spec, synthetic(50))
    try:
        session = tiles_for(key, out_dir=tmp_path, min_zoom=12, max_zoom=14)
        assert tiles_for(key, out_dir=tmp_path, min_zoom=12, max_zoom=14) == session
        assert len(calls) == 3
        register_session_layer(spec, synthetic(50, seed=8))  # the upload replaced
        changed = tiles_for(key, out_dir=tmp_path, min_zoom=12, max_zoom=14)
        assert changed != session and len(calls) == 4
    finally:
        forget_session_layer(key)


def test_old_versions_are_removed_beyond_the_newest_few(tmp_path):
    key = "upload_tiles_old"
    spec = LayerSpec(**{**_spec_args(SPEC), "key": key})
    made = []
    try:
        for seed in range(tiles_module.KEEP_VERSIONS + 2):
            register_session_layer(spec, synthetic(20, seed=seed))
            made.append(tiles_for(key, out_dir=tmp_path, min_zoom=13, max_zoom=14))
            time.sleep(0.01)
    finally:
        forget_session_layer(key)
    assert sorted(tmp_path.glob(f"{key}-*.pmtiles")) == sorted(made[-tiles_module.KEEP_VERSIONS :])


def test_concurrent_callers_build_once(tmp_path, monkeypatch):
    calls = []
    original = tiles_module.build_tiles

    def slow(*args, **kwargs):
        calls.append(args[0])
        time.sleep(0.5)  # the other caller arrives while this one builds
        return original(*args, **kwargs)

    monkeypatch.setattr(tiles_module, "build_tiles", slow)
    results = []
    threads = [
        threading.Thread(
            target=lambda: results.append(
                tiles_for("households", out_dir=tmp_path, min_zoom=13, max_zoom=14)
            )
        )
        for _ in range(3)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert len(results) == 3 and len(set(results)) == 1 and len(calls) == 1


_KILLED_BUILD = """
import sys
from pathlib import Path
sys.path.insert(0, {root!r})
from tests.maps.test_tiles import SPEC, synthetic
from maps.tiles import build_tiles

def progress(stage, fraction):
    if stage == "tiling":
        print("tiling", flush=True)

build_tiles("killed", synthetic(20000), SPEC, Path({out!r}), min_zoom=8, max_zoom=16,
            on_progress=progress)
print("finished", flush=True)
"""


def test_a_build_killed_half_way_leaves_no_archive(tmp_path):
    root = str(Path(__file__).resolve().parents[2])
    script = _KILLED_BUILD.format(root=root, out=str(tmp_path))
    process = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, cwd=root
    )
    assert process.stdout.readline().strip() == "tiling"  # tippecanoe is at work
    time.sleep(0.5)
    os.kill(process.pid, signal.SIGKILL)
    process.wait(10)
    assert not list(tmp_path.glob("killed-*.pmtiles"))
    # tippecanoe died with its parent (no orphan writes on), and the next build clears up
    frame = synthetic(30)
    archive = build_tiles("killed", frame, SPEC, tmp_path, min_zoom=13, max_zoom=14)
    assert archive.exists() and list(tmp_path.glob("killed-*.pmtiles")) == [archive]
    assert not list((tmp_path / ".building").iterdir())


def test_a_build_over_its_limit_ends_in_a_data_error_and_no_archive(tmp_path):
    limits = TileLimits(wall_seconds=1)
    with pytest.raises(DataError, match="longer than 1 s"):
        build_tiles(
            "slow", synthetic(20000), SPEC, tmp_path, min_zoom=8, max_zoom=16, limits=limits
        )
    assert not list(tmp_path.glob("*.pmtiles"))
    assert not list((tmp_path / ".building").iterdir())
    with pytest.raises(DataError, match="more than the 10 tiled"):
        build_tiles(
            "many", synthetic(11), SPEC, tmp_path, min_zoom=13, max_zoom=14,
            limits=TileLimits(max_features=10),
        )  # fmt: skip


def test_too_dense_even_at_the_deepest_zoom_is_refused_not_thinned(tmp_path, monkeypatch):
    monkeypatch.setattr(tiles_module, "MAX_TILE_BYTES", 2_000)
    stacked = synthetic(300)
    stacked["geometry"] = stacked.geometry.iloc[0]  # 300 parcels on one spot: no zoom parts them
    with pytest.raises(DataError, match="every feature in the tiles of zoom 16"):
        build_tiles("dense", stacked, SPEC, tmp_path, min_zoom=10, max_zoom=12)
    assert not list(tmp_path.glob("*.pmtiles"))


def test_too_dense_at_the_maximum_zoom_is_tiled_deeper_with_every_feature(tmp_path, monkeypatch):
    monkeypatch.setattr(tiles_module, "MAX_TILE_BYTES", 4_000)
    frame = synthetic(2000)
    archive = build_tiles("dense", frame, SPEC, tmp_path, min_zoom=10, max_zoom=12)
    deepest = tiles_module.archive_max_zoom(archive)
    assert 12 < deepest <= 16
    check_archive(archive, SPEC, frame, deepest)  # every id at the deepest zoom


def test_progress_is_reported_from_start_to_end(tmp_path):
    seen = []
    build_tiles(
        "progress", synthetic(500), SPEC, tmp_path, min_zoom=12, max_zoom=14,
        on_progress=lambda stage, fraction: seen.append((stage, fraction)),
    )  # fmt: skip
    assert seen[0] == ("preparing", 0.0) and seen[-1] == ("done", 1.0)
    fractions = [f for _, f in seen]
    assert fractions == sorted(fractions)
    assert any(stage == "tiling" for stage, _ in seen)
