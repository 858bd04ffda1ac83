"""The tiled and the whole-layer paths show the same features for the same view.

For views at the zooms where no tile is thinned (the deepest, and any other tippecanoe left
whole), the features drawn from the tiles covering the view (their decoded geometry meeting
it) are those the whole-layer path sends and draws there (its display geometry meeting the
view), up to features within two tile units of the view's edge, where quantised tile
coordinates may fall either side (tippecanoe's --low-detail makes those units coarser below
the deepest zoom).  At a thinned zoom the tiles show some of those features
and never one the whole layer does not."""

from __future__ import annotations

import gzip
import math

import geopandas as gpd
import mapbox_vector_tile
import numpy as np
import pytest
import shapely
from pmtiles.reader import MmapSource, Reader

from layers import get_layer, load_layer
from maps.parts import FEATURE_ID_PROPERTY, display_frame
from maps.tiles import build_tiles
from tests.maps.test_tiles import EXTENT, HALF_WORLD, SPEC, synthetic

VIEW_PX = (1366, 768)
ZOOMS = (12, 13, 14)
DATUMS = ("WGS84", "GCJ02")


def _tile_width(z: int) -> float:
    return 2 * HALF_WORLD / 2**z


def _view(center: shapely.Point, z: int, grow_units: float = 0.0) -> shapely.Polygon:
    """The map's view in EPSG:3857 at zoom z around `center`, grown by tile units at z."""
    metres_per_px = _tile_width(z) / 256
    grow = grow_units * _tile_width(z) / EXTENT
    half_x, half_y = VIEW_PX[0] / 2 * metres_per_px + grow, VIEW_PX[1] / 2 * metres_per_px + grow
    return shapely.box(center.x - half_x, center.y - half_y, center.x + half_x, center.y + half_y)


def _tiled_ids(reader: Reader, view: shapely.Polygon, z: int) -> set[str]:
    """Ids of the features in the view's tiles whose decoded geometry meets the view."""
    width = _tile_width(z)
    minx, miny, maxx, maxy = view.bounds
    xs = range(math.floor((minx + HALF_WORLD) / width), math.floor((maxx + HALF_WORLD) / width) + 1)
    ys = range(math.floor((HALF_WORLD - maxy) / width), math.floor((HALF_WORLD - miny) / width) + 1)
    found = set()
    for x in xs:
        for y in ys:
            data = reader.get(z, x, y)
            if not data:
                continue
            options = {"y_coord_down": True}
            layers = mapbox_vector_tile.decode(gzip.decompress(data), default_options=options)
            left, top = -HALF_WORLD + x * width, HALF_WORLD - y * width
            for layer in layers.values():
                for feature in layer["features"]:
                    shape = shapely.geometry.shape(feature["geometry"])
                    shape = _placed(shape, left, top, width, layer.get("extent", EXTENT))
                    if shape.intersects(view):
                        found.add(feature["properties"]["_id"])
    return found


def _placed(shape, left: float, top: float, width: float, extent: int):
    """A decoded tile geometry (`extent` units a tile, y down) in EPSG:3857."""
    scale = width / extent
    return shapely.transform(shape, lambda c: np.c_[left + c[:, 0] * scale, top - c[:, 1] * scale])


def _whole_ids(display: gpd.GeoDataFrame, view: shapely.Polygon) -> set[str]:
    return set(display[display.intersects(view)][FEATURE_ID_PROPERTY])


CASES = {
    "parcels": lambda: (SPEC, synthetic(3000)),
    "closed_communities": lambda: (
        get_layer("closed_communities"),
        load_layer("closed_communities"),
    ),
    "households": lambda: (get_layer("households"), load_layer("households")),
}


@pytest.mark.parametrize("datum", DATUMS)
@pytest.mark.parametrize("case", CASES)
def test_tiled_and_whole_layer_paths_show_the_same_features(case, datum, tmp_path):
    spec, frame = CASES[case]()
    archive = build_tiles(spec.key, frame, spec, tmp_path, min_zoom=10, max_zoom=14, datum=datum)
    display = display_frame(spec, frame, "zh", datum=datum).to_crs(3857)
    with open(archive, "rb") as source:
        reader = Reader(MmapSource(source))
        assert reader.header()["max_zoom"] == 14
        strategies = reader.metadata().get("strategies") or []
        rng = np.random.default_rng(11)
        anchors = display.geometry.representative_point().to_numpy()
        for z in ZOOMS:
            for center in rng.choice(anchors, 3, replace=False):
                view = _view(center, z)
                tiled = _tiled_ids(reader, view, z)
                whole = _whole_ids(display, view)
                assert whole, f"{case} z{z}: an empty view proves nothing"
                # two units of the tile's detail: 4096 a tile at the deepest zoom, 1024 above
                slack = 2 if z == 14 else 8
                edge = _whole_ids(display, _view(center, z, slack)) - _whole_ids(
                    display, _view(center, z, -slack)
                )
                message = (
                    f"{case} z{z} {datum}: only tiled {sorted(tiled - whole)[:5]}, "
                    f"only whole {sorted(whole - tiled)[:5]}"
                )
                if z == 14 or not (strategies[z] if z < len(strategies) else {}):
                    assert tiled - edge == whole - edge, message
                else:  # thinned: a subset, nothing made up
                    assert tiled - edge <= whole - edge and tiled, message
