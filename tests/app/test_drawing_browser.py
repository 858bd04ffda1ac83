"""The drawing tools in Chromium through streamlit-folium: a drawn polygon and a dragged point
come back to Python, and the toolbar's icons are the app's own files (issue 16)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator

import pytest

from scripts.shared_setup import wait_until_healthy
from tests.app.browser import MAP_FRAME, map_frame
from tests.app.conftest import ROOT, SERVER_START_TIMEOUT_S, _free_port

SCREENSHOTS = ROOT / "test-output" / "screenshots" / "drawing"
VIEWPORT = {"width": 1366, "height": 768}
DRAG = (80, 60)  # pixels the point is dragged by
TOLERANCE_DEG = 1e-5  # about a tenth of a pixel at the map's zoom 14
# A map with the tools, and what came back from it. The rendered map is cached like the pages'
# maps: rendered afresh on each rerun it would get new element names and be drawn anew.
SCRIPT = """
import json

import folium
import streamlit as st
from shapely import wkt
from shapely.geometry import mapping

from maps.assets import localise_assets
from maps.drawing import add_drawing_tools, drawn_geometry
from ui.folium_view import render_map, show_map


@st.cache_resource
def rendered(kind, editable_wkt):
    fmap = folium.Map(location=[41.6, 123.4], zoom_start=14, tiles=None)
    editable = wkt.loads(editable_wkt) if editable_wkt else None
    add_drawing_tools(fmap, kind, editable, "zh")
    return render_map(localise_assets(fmap))


kind = st.query_params.get("kind", "polygon")
value = show_map(
    rendered(kind, st.query_params.get("wkt")),
    key="drawing",
    height=500,
    returned_objects=["all_drawings", "last_active_drawing"],
)
geometry = drawn_geometry(value, kind)
st.text("drawn: " + (json.dumps(mapping(geometry)) if geometry else "nothing"))
"""
DRAWN_TEXT = "[data-testid='stText']"
HANDLER_JS = "window.map.drawControl._toolbars.draw._modes"  # a drawing tool's handler
CONTAINER_BOX_JS = (
    "() => { const r = window.map.getContainer().getBoundingClientRect(); return [r.x, r.y]; }"
)


@pytest.fixture(scope="module")
def drawing_url(tmp_path_factory) -> Iterator[str]:
    """The script above served by Streamlit with the app's settings and static files."""
    folder = tmp_path_factory.mktemp("drawing-app")
    (folder / "drawing_app.py").write_text(textwrap.dedent(SCRIPT), encoding="utf-8")
    (folder / "static").symlink_to(ROOT / "static")  # Streamlit serves static/ beside the script
    port = _free_port()
    log_path = ROOT / "test-output" / "streamlit-server-drawing.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [
                *(sys.executable, "-m", "streamlit", "run", str(folder / "drawing_app.py")),
                *("--server.port", str(port), "--server.address", "127.0.0.1"),
            ],
            cwd=ROOT,  # for .streamlit/config.toml (static serving, headless)
            env={
                **os.environ,
                "PYTHONPATH": str(ROOT),
                "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
            },
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            wait_until_healthy(url, process, SERVER_START_TIMEOUT_S, log_path)
            yield url
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=20)


@pytest.fixture
def page(offline_page):
    offline_page.set_viewport_size(VIEWPORT)
    return offline_page


def _open(page, url: str):
    """The map's frame once its toolbar is drawn, and where its map's corner is on the page."""
    page.goto(url)
    page.locator(MAP_FRAME).first.wait_for()
    frame = map_frame(page)
    frame.wait_for_selector(".leaflet-draw-toolbar a")
    frame.wait_for_function("() => window.map && window.drawnItems && window.__GLOBAL_DATA__")
    page.locator(MAP_FRAME).first.scroll_into_view_if_needed()
    box = page.locator(MAP_FRAME).first.bounding_box()
    x, y = frame.evaluate(CONTAINER_BOX_JS)
    return frame, (box["x"] + x, box["y"] + y)


def _drawn(page, geometry_type: str) -> dict:
    """The geometry the script printed, once it is a `geometry_type`."""
    text = page.locator(DRAWN_TEXT).filter(has_text=f'"type": "{geometry_type}"')
    text.first.wait_for()
    return json.loads(text.first.inner_text().removeprefix("drawn: "))


def _screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / name))


def _sprites_loaded(frame) -> list[str]:
    return frame.evaluate(
        "() => performance.getEntriesByType('resource').map(e => e.name)"
        ".filter(n => n.includes('leaflet-draw/images/'))"
    )


@pytest.mark.parametrize(
    ("kind", "tool", "title", "closing"),
    [("polygon", "polygon", "画面", 0), ("line", "polyline", "画线", -1)],
    ids=["polygon", "line"],
)
def test_a_drawn_shape_comes_back_with_the_clicked_coordinates(
    page, drawing_url, kind: str, tool: str, title: str, closing: int
) -> None:
    frame, (left, top) = _open(page, f"{drawing_url}/?kind={kind}")
    assert frame.locator(f".leaflet-draw-draw-{tool}").get_attribute("title") == title
    assert frame.locator(".leaflet-draw-draw-marker").count() == 0  # only the layer's kind
    points = [(200, 150), (420, 170), (300, 330)]
    expected = [
        frame.evaluate(
            f"() => {{ const p = window.map.containerPointToLatLng([{x}, {y}]); "
            "return [p.lng, p.lat]; }"
        )
        for x, y in points
    ]
    frame.locator(f".leaflet-draw-draw-{tool}").click()
    for count, (x, y) in enumerate(points, start=1):
        page.mouse.click(left + x, top + y)
        # Leaflet.draw takes no new vertex within 50 ms of the last one: wait till it would.
        frame.wait_for_function(
            f"() => {{ const h = {HANDLER_JS}.{tool}.handler; "
            f"return h._markers.length === {count} && !h._disableMarkers; }}"
        )
    # The polygon's first point again closes it; the line's last point again ends it.
    page.mouse.click(left + points[closing][0], top + points[closing][1])
    if kind == "polygon":
        ring = _drawn(page, "Polygon")["coordinates"][0]
        assert len(ring) == 4 and ring[0] == ring[-1]
        vertices = ring[:3]
    else:
        vertices = _drawn(page, "LineString")["coordinates"]
    for got, want in zip(vertices, expected, strict=True):
        assert got == pytest.approx(want, abs=TOLERANCE_DEG)
    _screenshot(page, f"{kind}-drawn.png")
    assert _sprites_loaded(frame), "the toolbar's sprites were not loaded from static/vendor"
    assert page.outside_requests == []


def test_a_dragged_point_comes_back_where_it_was_dropped(page, drawing_url) -> None:
    frame, (left, top) = _open(page, f"{drawing_url}/?kind=point&wkt=POINT(123.4 41.6)")
    marker_at = "() => { const p = window.map.latLngToContainerPoint(window.drawnItems.getLayers()[0].getLatLng()); return [p.x, p.y]; }"
    x, y = frame.evaluate(marker_at)
    frame.locator(".leaflet-draw-edit-edit").click()
    frame.wait_for_selector(".leaflet-edit-marker-selected")
    _screenshot(page, "point-editing.png")
    # Pressed a little above the point, on the marker's icon (anchored at its bottom tip).
    page.mouse.move(left + x, top + y - 10)
    page.mouse.down()
    page.mouse.move(left + x + 40, top + y + 20, steps=8)
    page.mouse.move(left + x + DRAG[0], top + y - 10 + DRAG[1], steps=8)
    page.mouse.up()
    moved = frame.evaluate(
        "() => { const p = window.drawnItems.getLayers()[0].getLatLng(); return [p.lng, p.lat]; }"
    )
    expected = frame.evaluate(
        f"() => {{ const p = window.map.containerPointToLatLng([{x + DRAG[0]}, {y + DRAG[1]}]); "
        "return [p.lng, p.lat]; }"
    )
    assert moved == pytest.approx(expected, abs=TOLERANCE_DEG * 2)
    frame.get_by_title("保存修改").click()
    drawn = _drawn(page, "Point")
    assert drawn["coordinates"] == pytest.approx(moved, abs=1e-6)
    assert drawn["coordinates"] != pytest.approx([123.4, 41.6], abs=1e-4)
    _screenshot(page, "point-moved.png")
    assert _sprites_loaded(frame)
    assert page.outside_requests == []


def test_a_new_point_replaces_the_one_being_edited(page, drawing_url) -> None:
    frame, (left, top) = _open(page, f"{drawing_url}/?kind=point&wkt=POINT(123.4 41.6)")
    frame.locator(".leaflet-draw-draw-marker").click()
    page.mouse.click(left + 150, top + 120)
    drawn = _drawn(page, "Point")
    placed = frame.evaluate(
        "() => { const p = window.map.containerPointToLatLng([150, 120]); return [p.lng, p.lat]; }"
    )
    assert drawn["coordinates"] == pytest.approx(placed, abs=TOLERANCE_DEG * 2)
    assert frame.evaluate("() => window.drawnItems.getLayers().length") == 1


def test_a_moved_polygon_vertex_comes_back(page, drawing_url) -> None:
    square = "POLYGON((123.4 41.6, 123.41 41.6, 123.41 41.61, 123.4 41.61, 123.4 41.6))"
    frame, (left, top) = _open(page, f"{drawing_url}/?kind=polygon&wkt={square}")
    frame.locator(".leaflet-draw-edit-edit").click()
    corner = frame.locator(".leaflet-editing-icon").first  # the ring's first vertex
    corner.wait_for()
    x, y = frame.evaluate(
        "() => { const p = window.map.latLngToContainerPoint([41.6, 123.4]); return [p.x, p.y]; }"
    )
    page.mouse.move(left + x, top + y)
    page.mouse.down()
    page.mouse.move(left + x - DRAG[0], top + y + DRAG[1], steps=8)
    page.mouse.up()
    expected = frame.evaluate(
        f"() => {{ const p = window.map.containerPointToLatLng([{x - DRAG[0]}, {y + DRAG[1]}]); "
        "return [p.lng, p.lat]; }"
    )
    frame.get_by_title("保存修改").click()
    ring = _drawn(page, "Polygon")["coordinates"][0]
    assert len(ring) == 5
    assert ring[0] == pytest.approx(expected, abs=TOLERANCE_DEG * 2)
    unmoved = [value for vertex in ring[1:4] for value in vertex]
    assert unmoved == pytest.approx([123.41, 41.6, 123.41, 41.61, 123.4, 41.61])
    _screenshot(page, "polygon-vertex-moved.png")
