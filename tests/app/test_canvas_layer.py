"""The canvas renderer in a real browser: view culling, the one-pixel bound, clicks by id."""

from __future__ import annotations

import functools
import http.server
import math
import shutil
import threading
from collections.abc import Iterator

import geopandas as gpd
import numpy as np
import pytest
import shapely
from shapely.geometry import LineString, Point

from layers.spec import Field, LayerSpec, Style
from maps.assets import VENDOR_DIR, localise_assets
from maps.canvas_layer import CANVAS_THRESHOLD
from maps.compact_layer import HELPERS_JS, encode_features
from maps.parts import base_map, layer_group

COUNT = CANVAS_THRESHOLD + 1000
SPEC = LayerSpec(
    key="parcels",
    title_zh="地块",
    title_en="Parcels",
    source="parcels.shp",
    geometry="polygon",
    id_field="uid",
    name_field="uid",
    fields=(Field("uid", "编号", "ID"), Field("name", "名称", "Name")),
    style=Style(color="#3366cc"),
    tooltip=("name",),
)
FIND_LAYER = "() => Object.values(window.__map._layers).find(l => l._atlasDrawnFeatures)"


def _parcels() -> gpd.GeoDataFrame:
    """Jagged 40-vertex parcels, 20–120 m across, over part of the district."""
    rng = np.random.default_rng(5)
    xs, ys = rng.uniform(540_000, 560_000, COUNT), rng.uniform(4_595_000, 4_615_000, COUNT)
    angles = np.linspace(0, 2 * np.pi, 40, endpoint=False)
    radii = rng.uniform(10, 60, COUNT)[:, None] * rng.uniform(0.6, 1.0, (COUNT, 40))
    rings = np.stack(
        [xs[:, None] + radii * np.cos(angles), ys[:, None] + radii * np.sin(angles)], axis=-1
    )
    frame = gpd.GeoDataFrame(
        {"uid": [f"p{i:05d}" for i in range(COUNT)], "name": [f"地块{i}" for i in range(COUNT)]},
        geometry=shapely.polygons(rings),
        crs=4549,
    )
    return frame.to_crs(4326)


@pytest.fixture(scope="module")
def parcels() -> gpd.GeoDataFrame:
    return _parcels()


@pytest.fixture(scope="module")
def page_url(parcels, tmp_path_factory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("canvas")
    shutil.copytree(VENDOR_DIR, folder / "app" / "static" / "vendor")
    fmap = base_map(parcels.total_bounds)
    layer_group(SPEC, parcels, "zh").add_to(fmap)
    html = localise_assets(fmap).get_root().render()
    html = html.replace("</html>", f"<script>window.__map = {fmap.get_name()};</script></html>")
    (folder / "map.html").write_text(html, encoding="utf-8")
    handler = functools.partial(_Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/map.html"
    server.shutdown()


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def canvas_page(offline_page, page_url):
    offline_page.goto(page_url)
    offline_page.wait_for_function(f"() => window.__map && ({FIND_LAYER})()")
    return offline_page


def _mercator(lon: np.ndarray, lat: np.ndarray, zoom: float) -> tuple[np.ndarray, np.ndarray]:
    scale = 256 * 2**zoom
    x = scale * (lon + 180) / 360
    y = scale * (0.5 - np.log(np.tan(np.pi / 4 + np.radians(lat) / 2)) / (2 * np.pi))
    return x, y


def test_a_large_layer_is_drawn_by_the_canvas_renderer(canvas_page) -> None:
    assert canvas_page.evaluate(f"() => ({FIND_LAYER})()._atlasDrawnFeatures") == COUNT


@pytest.mark.parametrize("zoom", [12, 14, 16])
def test_view_culling_keeps_exactly_the_features_whose_extent_meets_the_view(
    canvas_page, parcels, zoom
) -> None:
    center = parcels.geometry.iloc[0].centroid
    view = canvas_page.evaluate(
        f"""([lat, lon, zoom]) => {{ const map = window.__map; map.setView([lat, lon], zoom, {{animate: false}});
            const b = map.getPixelBounds(); const layer = ({FIND_LAYER})(); layer._redraw();
            return [b.min.x, b.min.y, b.max.x, b.max.y, layer._atlasVisibleFeatures]; }}""",
        [center.y, center.x, zoom],
    )
    minx, miny, maxx, maxy, visible = view
    bounds = parcels.geometry.bounds
    x0, y1 = _mercator(bounds["minx"].to_numpy(), bounds["miny"].to_numpy(), zoom)
    x1, y0 = _mercator(bounds["maxx"].to_numpy(), bounds["maxy"].to_numpy(), zoom)
    pad = SPEC.style.radius + SPEC.style.weight
    meets = (x0 <= maxx + pad) & (x1 >= minx - pad) & (y0 <= maxy + pad) & (y1 >= miny - pad)
    assert 0 < visible < COUNT or zoom == 12
    assert visible == int(meets.sum())


@pytest.mark.parametrize("zoom", [13, 15, 17])
def test_drawn_shapes_stay_within_one_pixel_of_the_true_ones(canvas_page, parcels, zoom) -> None:
    center = parcels.geometry.iloc[7].centroid
    canvas_page.evaluate(
        "([lat, lon, zoom]) => window.__map.setView([lat, lon], zoom, {animate: false})",
        [center.y, center.x, zoom],
    )
    worst = 0.0
    dropped = 0
    for index in range(0, 200, 7):
        ring = canvas_page.evaluate(f"([i]) => ({FIND_LAYER})()._atlasDrawnRing(i, 0)", [index])
        kept = LineString(ring["kept"]) if len(ring["kept"]) > 1 else Point(ring["kept"][0])
        worst = max(worst, max(kept.distance(Point(p)) for p in ring["original"]))
        dropped += len(ring["original"]) - len(ring["kept"])
    assert worst <= 1.0 + 1e-9
    assert dropped > 0 or zoom == 17  # simplification does happen where vertices crowd


def test_a_click_reports_the_feature_under_the_pointer(canvas_page, parcels) -> None:
    target = parcels.iloc[42]
    spot = target.geometry.representative_point()
    x, y = canvas_page.evaluate(
        f"""([lat, lon]) => {{ const map = window.__map; map.setView([lat, lon], 17, {{animate: false}});
            window.__clicked = null;
            ({FIND_LAYER})().on("click", e => {{ window.__clicked = e.layer.toGeoJSON().properties; }});
            const p = map.latLngToContainerPoint([lat, lon]); return [p.x, p.y]; }}""",
        [spot.y, spot.x],
    )
    box = canvas_page.locator(".folium-map").bounding_box()
    canvas_page.mouse.click(box["x"] + x, box["y"] + y)
    clicked = canvas_page.evaluate("() => window.__clicked")
    assert clicked == {"_layer": "parcels", "_id": target["uid"], "name": target["name"]}
    assert math.isfinite(box["width"])


POINT_SPEC = LayerSpec(
    key="wells",
    title_zh="水井",
    title_en="Wells",
    source="wells.shp",
    geometry="point",
    id_field="uid",
    name_field="uid",
    fields=(Field("uid", "编号", "ID"), Field("name", "名称", "Name")),
    style=Style(color="#cc3366", radius=6.0),
    tooltip=("name",),
)


@pytest.fixture(scope="module")
def points_url(tmp_path_factory) -> Iterator[str]:
    """A canvas layer of points on a grid 200 m apart, so circles stand apart at zoom 16."""
    folder = tmp_path_factory.mktemp("canvas-points")
    shutil.copytree(VENDOR_DIR, folder / "app" / "static" / "vendor")
    side = 60
    xs, ys = np.meshgrid(np.arange(side) * 200 + 545_000, np.arange(side) * 200 + 4_600_000)
    points = gpd.GeoDataFrame(
        {"uid": [f"w{i:05d}" for i in range(side * side)]},
        geometry=shapely.points(xs.ravel(), ys.ravel()),
        crs=4549,
    ).to_crs(4326)
    points["name"] = points["uid"]
    fmap = base_map(points.total_bounds)
    layer_group(POINT_SPEC, points, "zh").add_to(fmap)
    html = localise_assets(fmap).get_root().render()
    html = html.replace("</html>", f"<script>window.__map = {fmap.get_name()};</script></html>")
    (folder / "map.html").write_text(html, encoding="utf-8")
    handler = functools.partial(_Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/map.html", points
    server.shutdown()


@pytest.mark.parametrize(
    ("offset", "answers"),
    [((0, 0), True), ((4, 0), True), ((0, -6), True), ((5.5, 5.5), False), ((8, 0), False)],
)
def test_a_point_answers_a_click_only_inside_its_drawn_circle(
    offline_page, points_url, offset, answers
) -> None:
    url, points = points_url
    offline_page.goto(url)
    offline_page.wait_for_function(f"() => window.__map && ({FIND_LAYER})()")
    target = points.iloc[1234]
    x, y = offline_page.evaluate(
        f"""([lat, lon]) => {{ const map = window.__map; map.setView([lat, lon], 16, {{animate: false}});
            window.__clicked = null; ({FIND_LAYER})()._redraw();
            ({FIND_LAYER})().on("click", e => {{ window.__clicked = e.layer.toGeoJSON().properties._id; }});
            const p = map.latLngToContainerPoint([lat, lon]); return [p.x, p.y]; }}""",
        [target.geometry.y, target.geometry.x],
    )
    box = offline_page.locator(".folium-map").bounding_box()
    offline_page.mouse.click(box["x"] + x + offset[0], box["y"] + y + offset[1])
    offline_page.wait_for_timeout(300)
    clicked = offline_page.evaluate("() => window.__clicked")
    assert clicked == (target["uid"] if answers else None)


def test_the_browser_decodes_the_flat_geometry_to_the_encoded_coordinates(offline_page) -> None:
    """The JS decoder (`shapesOf`, shared by both layers) against shapely, for holes,
    multipolygons, lines, an empty geometry and coordinates at the ends of the globe."""
    shell = [(120.5, 41.6), (120.52, 41.6), (120.52, 41.62), (120.5, 41.62), (120.5, 41.6)]
    hole = [(120.505, 41.605), (120.506, 41.605), (120.506, 41.606), (120.505, 41.605)]
    geometries = [
        shapely.Polygon(shell, [hole]),
        shapely.MultiPolygon([shapely.Polygon(shell), shapely.Polygon(hole)]),
        shapely.MultiLineString(
            [[(120.4, 41.5), (120.41, 41.51)], [(-179.9, -85.0), (179.9, 85.0)]]
        ),
        None,
        shapely.LineString([(0.000001, -0.000001), (-0.0000015, 0.0)]),
    ]
    frame = gpd.GeoDataFrame({"uid": list("abcde")}, geometry=geometries, crs=4326)
    payload = encode_features(frame, id_column="uid", columns=[])
    offline_page.set_content("<html><body></body></html>")
    decoded = offline_page.evaluate(
        f"(payload) => {{ {HELPERS_JS}; return shapesOf(payload); }}", payload
    )
    for geometry, got in zip(geometries, decoded, strict=True):
        if geometry is None:
            assert got == {"type": "MultiPolygon", "coordinates": []}
            continue
        polygonal = geometry.geom_type.endswith("Polygon")
        assert got["type"] == ("MultiPolygon" if polygonal else "MultiLineString")
        got_coords = shapely.get_coordinates(shapely.geometry.shape(got))
        assert np.abs(got_coords - shapely.get_coordinates(geometry)).max() <= 0.5e-6 + 1e-12


def test_vertices_decoded_into_single_precision_stay_on_the_true_outline(
    canvas_page, parcels
) -> None:
    """At zoom 18 (0.45 m a pixel) the vertices drawn lie within a pixel of the parcel: the
    display tolerance (0.3 m, 1e-6° rounding) and no visible loss from the typed array."""
    for index in (0, 500, COUNT - 1):
        geometry = parcels.geometry.iloc[index]
        center = geometry.centroid
        drawn, outline = canvas_page.evaluate(
            f"""([lat, lon, i, ring]) => {{ const map = window.__map;
                map.setView([lat, lon], 18, {{animate: false}});
                const pixels = ring.map(([x, y]) => {{ const p = map.latLngToContainerPoint([y, x]);
                    return [p.x, p.y]; }});
                return [({FIND_LAYER})()._atlasDrawnRing(i, 0).original, pixels]; }}""",
            [center.y, center.x, index, shapely.get_coordinates(geometry.exterior).tolist()],
        )
        true_ring = LineString(outline)
        assert max(true_ring.distance(Point(p)) for p in drawn) <= 1.0
