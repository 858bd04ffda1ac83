"""招商展示: a click selects the site circle under the pointer, the top-most one, never a neighbour."""

from __future__ import annotations

import math

from layers import load_layer
from tests.app.browser import (
    MAP_FRAME,
    TIMEOUT_MS,
    map_frame,
    wait_for_drawn_map,
    wait_until_idle,
)
from tests.app.panel import CARD

# Every site circle as drawn: id, container x, y, radius and whether Leaflet draws it last.
CIRCLES_JS = """() => {
    const layers = [];
    let order = window.map.getRenderer(window.map)._drawFirst, rank = 0;
    for (; order; order = order.next, rank++) {
        const l = order.layer;
        if (l.feature && l.feature.properties._radius !== undefined && l._radius !== undefined) {
            const p = window.map.latLngToContainerPoint(l.getLatLng());
            layers.push([l.feature.properties._id, p.x, p.y, l._radius, rank]);
        }
    }
    return layers;
}"""


def _names() -> dict[str, str]:
    sites = load_layer("enclave_projects")
    return dict(zip(sites["uid"].astype(str), sites["name"], strict=True))


def _covered_pairs(circles: list) -> list[tuple]:
    """(small, big): a small circle whose centre lies well inside a bigger one, big drawn above
    the small one first (the case a click used to get wrong), then any."""
    pairs = []
    for small in circles:
        for big in circles:
            if small is big or small[3] >= big[3]:
                continue
            gap = math.dist(small[1:3], big[1:3])
            if gap + 3 < big[3] and gap > 2:
                pairs.append((big[4] < small[4], -big[3] + small[3], small, big))
    pairs.sort(key=lambda p: (p[0], p[1]))
    return [(small, big) for _, _, small, big in pairs]


def _click(page, x: float, y: float) -> None:
    box = page.locator(MAP_FRAME).first.bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)


def _panel_title(page, expected: str) -> str:
    heading = page.locator(CARD).locator("h2")
    heading.filter(has_text=expected).first.wait_for(timeout=TIMEOUT_MS)
    return heading.first.inner_text()


def test_a_click_selects_the_top_most_circle_under_the_pointer(app_url, browser) -> None:
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    try:
        page = context.new_page()
        page.goto(f"{app_url}/presentation")
        wait_for_drawn_map(page)
        page.wait_for_timeout(1500)  # the map fits its frame's final size
        frame = map_frame(page)
        circles = frame.evaluate(CIRCLES_JS)
        assert len(circles) == 69
        pairs = _covered_pairs(circles)
        assert pairs, "no small site circle lies inside a bigger one at the default zoom"
        small, big = pairs[0]
        names = _names()

        # Empty map, far from every circle: no site is selected.
        size = frame.evaluate("() => [window.map.getSize().x, window.map.getSize().y]")
        empty = next(
            [x, y]
            for x in range(60, size[0] - 60, 20)
            for y in range(60, size[1] - 60, 20)
            if all(math.dist([x, y], c[1:3]) > c[3] + 40 for c in circles)
        )
        _click(page, *empty)
        wait_until_idle(page)
        page.wait_for_timeout(1000)
        shown = page.locator(CARD).locator("h2").all_inner_texts()
        assert not any(name in text for text in shown for name in names.values()), shown
        page.screenshot(path="test-output/screenshots/presentation-empty-click.png")

        # A small site beside (inside) a big circle: clicking its drawn centre selects it.
        _click(page, small[1], small[2])
        assert names[small[0]] in _panel_title(page, names[small[0]])

        # A spot inside the big circle only selects the big site.
        dx, dy = small[1] - big[1], small[2] - big[2]
        norm = math.hypot(dx, dy) or 1.0
        ux, uy = -dx / norm, -dy / norm  # from the small centre away from it, through the big one
        away = [big[1] + ux * (big[3] - 2), big[2] + uy * (big[3] - 2)]
        if any(math.dist(away, c[1:3]) <= c[3] + 1 for c in circles if c is not big):
            away = None
        print(f"spot inside the big circle only: {away}")
        if away:
            _click(page, *away)
            assert names[big[0]] in _panel_title(page, names[big[0]])

        # An overlapping spot (inside both, off the small one's centre): the top-most, the small.
        inside = [small[1] + (small[3] - 2) * dx / norm * -1, small[2] - (small[3] - 2) * dy / norm]
        assert math.dist(inside, big[1:3]) < big[3] - 1
        top = [c for c in circles if math.dist(inside, c[1:3]) <= c[3]]
        expected = max(top, key=lambda c: c[4])  # drawn last among those containing the spot
        _click(page, *inside)
        assert names[expected[0]] in _panel_title(page, names[expected[0]])
        print(f"small {names[small[0]]} r={small[3]}, big {names[big[0]]} r={big[3]}")
    finally:
        context.close()
