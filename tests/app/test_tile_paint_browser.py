"""A tiled layer paints every feature in its own colour: shapes of one colour are batched into
one path (maps.tile_layer), and none may be lost or take another's colour on the way.

A grid of squares, three categories and one value outside the legend (the layer's default
colour), is tiled and drawn in Chromium; each square's centre pixel must be its colour at the
layer's fill opacity over the map's background, and its outline its colour.
"""

from __future__ import annotations

import io

import geopandas as gpd
import numpy as np
import pytest
import shapely
from PIL import Image

from benchmarks.tile_view import Site, tiled_page
from layers.spec import Category, Field, LayerSpec, Style
from maps.tiles import build_tiles

ZOOMS = (12, 15)
SIDE = 9  # squares a row
STEP = 0.0016  # degrees between squares' corners (~130 m): every square many pixels wide at z15
CENTER = (120.45, 41.58)
SPEC = LayerSpec(
    key="painttest",
    title_zh="绘制测试",
    title_en="Paint test",
    source="painttest.shp",
    geometry="polygon",
    id_field="uid",
    name_field="name",
    fields=(Field("uid", "编号", "Id"), Field("name", "名称", "Name"), Field("kind", "类", "Kind")),
    style=Style(
        color="#666666",
        by_field="kind",
        fill_opacity=0.5,
        categories=(
            Category("甲", "A", "#d62728"),
            Category("乙", "B", "#1f77b4"),
            Category("丙", "C", "#2ca02c"),
        ),
    ),
    tooltip=("name",),
)
KINDS = ("甲", "乙", "丙", "未列")  # the last is in no category: the default colour


def _squares() -> gpd.GeoDataFrame:
    rows = []
    for i in range(SIDE * SIDE):
        x = CENTER[0] + (i % SIDE - SIDE / 2) * STEP
        y = CENTER[1] + (i // SIDE - SIDE / 2) * STEP
        box = shapely.box(x, y, x + STEP * 0.8, y + STEP * 0.8)
        rows.append({"uid": f"s{i}", "name": f"方块{i}", "kind": KINDS[i * 7 % 4], "geometry": box})
    return gpd.GeoDataFrame(rows, crs=4326)


@pytest.fixture(scope="module")
def painted(browser, tmp_path_factory: pytest.TempPathFactory):
    """The map page of the tiled squares at zoom 15, its screenshot and each square's centre."""
    squares = _squares()
    folder = tmp_path_factory.mktemp("paint")
    archive = build_tiles(
        SPEC.key, squares, SPEC, folder / "archive", min_zoom=ZOOMS[0], max_zoom=ZOOMS[1]
    )
    site = Site(folder / "site", archive)
    url = site.page("tiled.html", tiled_page(SPEC, squares.total_bounds, site.tile_path, *ZOOMS))
    page = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
    try:
        page.goto(url)
        page.wait_for_function("() => Object.values(window).some(v => v instanceof L.Map)")
        page.evaluate(
            "() => { window.__map = Object.values(window).find(v => v instanceof L.Map);"
            f" window.__map.setView([{CENTER[1]}, {CENTER[0]}], 15, {{animate: false}}); }}"
        )
        page.wait_for_function(
            "() => Object.values(window.__map._layers).some(l => l._atlasTiled &&"
            " !l._loading && Object.values(l._tiles).every(t => t.loaded))"
        )
        page.wait_for_timeout(600)  # Leaflet's fade-in of new tiles
        centres = [[g.centroid.y, g.centroid.x] for g in squares.geometry]
        corners = [[g.bounds[1], g.bounds[0]] for g in squares.geometry]
        points = page.evaluate(
            "(points) => points.map(p => { const c = window.__map.latLngToContainerPoint(p);"
            " return [Math.round(c.x), Math.round(c.y)]; })",
            centres + corners,
        )
        shot = np.asarray(Image.open(io.BytesIO(page.screenshot())).convert("RGB"), dtype=int)
        yield squares, shot, points[: len(centres)], points[len(centres) :]
    finally:
        page.context.close()
        site.close()


def _rgb(color: str) -> np.ndarray:
    return np.array([int(color[k : k + 2], 16) for k in (1, 3, 5)])


def test_every_square_is_filled_in_its_own_colour(painted) -> None:
    squares, shot, centres, _ = painted
    background = shot[5, 5]  # the map's corner: no square there
    wrong = []
    for kind, (x, y) in zip(squares["kind"], centres, strict=True):
        color = _rgb(SPEC.style.color_for(kind))
        expected = background * (1 - SPEC.style.fill_opacity) + color * SPEC.style.fill_opacity
        if np.abs(shot[y, x] - expected).max() > 6:
            wrong.append((kind, shot[y, x].tolist(), expected.round().tolist()))
    assert not wrong, f"{len(wrong)} of {len(squares)} squares not in their colour: {wrong[:5]}"


def test_every_square_is_outlined_in_its_own_colour(painted) -> None:
    squares, shot, _, corners = painted
    wrong = []
    for kind, (x, y) in zip(squares["kind"], corners, strict=True):
        color = _rgb(SPEC.style.color_for(kind))
        # The outline passes through the lower-left corner: a pixel next to it is the colour.
        near = shot[y - 2 : y + 3, x - 2 : x + 3].reshape(-1, 3)
        if np.abs(near - color).max(axis=1).min() > 40:
            wrong.append(kind)
    assert not wrong, f"{len(wrong)} of {len(squares)} squares not outlined: {wrong[:5]}"
