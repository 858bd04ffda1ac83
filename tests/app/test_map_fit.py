"""Maps fit their extent tightly: the district fills the map frame in one dimension."""

from __future__ import annotations

import pytest

from layers import load_layer
from tests.app.browser import map_frame, wait_for_drawn_map

MIN_FILL = 0.85


@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080)], ids=["1366x768", "1920x1080"])
def test_the_overview_map_fits_the_district_tightly(app_url, browser, size) -> None:
    width, height = size
    context = browser.new_context(viewport={"width": width, "height": height})
    try:
        page = context.new_page()
        page.goto(app_url)
        wait_for_drawn_map(page)
        minx, miny, maxx, maxy = (float(v) for v in load_layer("district").total_bounds)
        frame = map_frame(page)
        # The frame may take its final height after the first drawing: wait for the fit to settle.
        page.wait_for_timeout(1500)
        box = frame.evaluate(
            """([s, w, n, e]) => { const m = window.map, size = m.getSize();
                const a = m.latLngToContainerPoint([s, w]), b = m.latLngToContainerPoint([n, e]);
                return [Math.abs(b.x - a.x), Math.abs(a.y - b.y), size.x, size.y,
                        Math.min(a.x, b.x), Math.min(a.y, b.y), Math.max(a.x, b.x), Math.max(a.y, b.y)]; }""",
            [miny, minx, maxy, maxx],
        )
        drawn_w, drawn_h, map_w, map_h, left, top, right, bottom = box
        fill = max(drawn_w / map_w, drawn_h / map_h)
        print(
            f"{width}x{height}: district {drawn_w:.0f}x{drawn_h:.0f} px in {map_w}x{map_h}, fill {fill:.2f}"
        )
        assert fill >= MIN_FILL, f"the district fills {fill:.0%} of the map"
        # The page's own features are fitted; the district around them is at most a sliver cut
        # (2% of the map: the map's height follows the window's, so the sliver does too).
        slack_x, slack_y = max(8, 0.02 * map_w), max(8, 0.02 * map_h)
        assert left >= -slack_x and top >= -slack_y
        assert right <= map_w + slack_x and bottom <= map_h + slack_y
    finally:
        context.close()
