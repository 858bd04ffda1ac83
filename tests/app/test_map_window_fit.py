"""Issue 14 item 1: the map's height fits the window, and a click lands where it was pressed
wherever the page is scrolled (pressing the mouse used to scroll the page under the pointer)."""

from __future__ import annotations

import pytest

from tests.app.browser import MAP_FRAME, map_frame, wait_for_drawn_map

HOST_HEADER_PX = 64  # Streamlit's fixed header over the top of the page (maps.parts)
MIN_MAP_PX = 480
# Every element the page scrolls in, with how far: none may move while the mouse is pressed.
SCROLLED_JS = """() => [...document.querySelectorAll('*')]
    .filter(e => e.scrollTop > 0).map(e => [e.getAttribute('data-testid') || e.tagName, e.scrollTop])"""
RECORD_CLICKS_JS = """() => { window.__clicks = [];
    window.map.on('click', e => window.__clicks.push([e.containerPoint.x, e.containerPoint.y])); }"""


def _settled_map(page, url: str):
    page.goto(url)
    wait_for_drawn_map(page)
    page.wait_for_timeout(1500)  # the frame takes its fitted height within a second
    return map_frame(page)


@pytest.mark.parametrize(
    "size", [(1366, 768), (1600, 1000), (1920, 1080)], ids=["1366x768", "1600x1000", "1920x1080"]
)
def test_the_whole_map_fits_in_the_window(app_url, browser, size) -> None:
    width, height = size
    context = browser.new_context(viewport={"width": width, "height": height})
    try:
        page = context.new_page()
        frame = _settled_map(page, app_url)
        box = page.locator(MAP_FRAME).first.bounding_box()
        map_height = frame.evaluate("() => window.map.getSize().y")
        print(f"{width}x{height}: map frame top {box['y']:.0f}, {box['height']:.0f} px high")
        assert abs(map_height - box["height"]) <= 2, "the map does not fill its frame"
        assert box["height"] >= min(MIN_MAP_PX, height - HOST_HEADER_PX - 16)
        # Scrolled to, the whole map is on the screen below the header.
        assert box["height"] <= height - HOST_HEADER_PX
        if height >= 1000:  # on a large screen it is all on the first screen
            assert box["y"] + box["height"] <= height
    finally:
        context.close()


def test_a_click_on_a_map_running_below_the_window_lands_where_it_was_pressed(
    app_url, browser
) -> None:
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    try:
        page = context.new_page()
        frame = _settled_map(page, app_url)
        box = page.locator(MAP_FRAME).first.bounding_box()
        assert box["y"] + box["height"] > 768, "the map no longer runs below the window"
        frame.evaluate(RECORD_CLICKS_JS)
        x, y = box["x"] + box["width"] / 2, 768 - 12  # on the map, just above the window's edge
        page.mouse.move(x, y)
        page.mouse.down()
        page.wait_for_timeout(300)
        scrolled = page.evaluate(SCROLLED_JS)
        page.mouse.up()
        page.wait_for_function("() => true")
        clicks = frame.evaluate("() => window.__clicks")
        assert scrolled == [], f"pressing the mouse scrolled the page: {scrolled}"
        assert clicks, "the map saw no click"
        click_x, click_y = clicks[-1]
        assert abs(click_x - (x - box["x"])) <= 2 and abs(click_y - (y - box["y"])) <= 2
    finally:
        context.close()
