"""A layer above the tile threshold in the app: built in the background, drawn from its vector
tiles by protomaps-leaflet, and a click on a feature answered by id in the panel."""

from __future__ import annotations

import time

import pytest

from layers import load_layer
from tests.app.browser import MAP_FRAME, TIMEOUT_MS, map_frame, wait_until_idle
from tests.app.conftest import _served
from tests.app.panel import PANEL

THRESHOLD = 300  # the 367 closed communities are tiled, every smaller layer is sent whole
LOADED_JS = """() => { const l = Object.values(window.map._layers).find(l => l._atlasTiled);
    return !!l && !l._loading && Object.keys(l._tiles).length > 0 &&
      Object.values(l._tiles).every(t => t.loaded); }"""


@pytest.fixture(scope="module")
def tiled_url():
    with _served("internal", {"ATLAS_TILE_THRESHOLD": str(THRESHOLD)}, name="tiles") as url:
        yield url


def _wait_for_tiles(page):
    """The map frame once its tile layer has drawn every tile of the view."""
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while time.monotonic() < deadline:
        try:
            frame = map_frame(page)
            if frame.evaluate("() => !!window.map") and frame.evaluate(LOADED_JS):
                return frame
        except Exception:  # the page reran and replaced the frame: look again
            pass
        page.wait_for_timeout(300)
    raise AssertionError("the tiled layer drew no tiles")


@pytest.mark.parametrize("viewport", [(1366, 768), (1920, 1080), (390, 844)])
def test_a_big_layer_is_drawn_from_tiles_and_a_click_selects_by_id(tiled_url, browser, viewport):
    communities = load_layer("closed_communities")
    assert len(communities) > THRESHOLD
    target = communities.iloc[len(communities) // 2]
    spot = target.geometry.representative_point()
    context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
    outside = []
    context.route(
        "**/*",
        lambda route: (
            route.continue_()
            if route.request.url.startswith(("http://127.0.0.1", "data:", "blob:", "about:"))
            else (outside.append(route.request.url), route.abort())
        ),
    )
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    ranges = []
    page.on(
        "request",
        lambda r: ranges.append(r.headers.get("range")) if ".pmtiles" in r.url else None,
    )
    try:
        page.goto(f"{tiled_url}/renovation")
        frame = _wait_for_tiles(page)
        # The layer came as tiles (Range requests to one archive), not as features in the page.
        assert any(r and r.startswith("bytes=") for r in ranges), ranges
        assert (
            frame.evaluate(
                "() => Object.values(window.map._layers)"
                ".filter(l => l._atlasTiled === 'closed_communities').length"
            )
            == 1
        )
        frame.evaluate(f"() => window.map.setView([{spot.y}, {spot.x}], 17, {{animate: false}})")
        frame = _wait_for_tiles(page)
        page.wait_for_timeout(500)
        point = frame.evaluate(f"() => window.map.latLngToContainerPoint([{spot.y}, {spot.x}])")
        page.locator(MAP_FRAME).first.scroll_into_view_if_needed()
        box = page.locator(MAP_FRAME).first.bounding_box()
        page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
        wait_until_idle(page)
        panel = page.locator(PANEL).filter(has_text=str(target["name"]))
        panel.first.wait_for(timeout=TIMEOUT_MS)
        text = panel.first.inner_text()
        assert str(target["name"]) in text
        name = f"tiled-click-{viewport[0]}x{viewport[1]}.png"
        page.screenshot(path=f"test-output/screenshots/{name}")
        assert not outside, outside
    finally:
        context.close()
