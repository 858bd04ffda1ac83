"""Draw-and-count in a real browser (issue 18): a planner draws a rectangle on the overview
map with the toolbar and reads the roll-up of what lies inside in the panel beside it; the
households it counts are those an independent shapely count finds inside the rectangle the
browser drew. The map also reports the layers switched on, and nothing leaves the machine.
Screenshots at 1366×768, 1920×1080 and 390×844 go to test-output/screenshots/."""

from __future__ import annotations

import re

import geopandas as gpd
import pytest
from shapely.geometry import Polygon, box

from geo.crs import METRIC_CRS, to_metric
from layers import load_layer
from tests.app.browser import MAP_FRAME, map_frame, wait_for_drawn_map, wait_until_idle
from tests.app.conftest import ROOT
from tests.app.panel import PANEL

SCREENSHOTS = ROOT / "test-output" / "screenshots"
SIZES = {"1366x768": (1366, 768), "1920x1080": (1920, 1080), "390x844": (390, 844)}
CORNERS = (0.35, 0.35, 0.65, 0.65)  # the rectangle, as shares of the map's width and height
LAT_LNG_JS = (
    "([x, y]) => { const p = window.map.containerPointToLatLng([x, y]); return [p.lng, p.lat]; }"
)


def _draw_rectangle(page) -> tuple[float, float, float, float]:
    """Drag a rectangle with the toolbar; its lon/lat bounds as Leaflet drew it."""
    frame = map_frame(page)
    frame.wait_for_selector(".leaflet-draw-draw-rectangle")
    page.locator(MAP_FRAME).first.scroll_into_view_if_needed()
    box_ = page.locator(MAP_FRAME).first.bounding_box()
    x, y, width, height = frame.evaluate(
        "() => { const r = window.map.getContainer().getBoundingClientRect();"
        " return [r.x, r.y, r.width, r.height]; }"
    )
    left, top = box_["x"] + x, box_["y"] + y
    x0, y0, x1, y1 = (
        CORNERS[0] * width,
        CORNERS[1] * height,
        CORNERS[2] * width,
        CORNERS[3] * height,
    )
    assert frame.locator(".leaflet-draw-draw-rectangle").get_attribute("title") == "画矩形"
    frame.locator(".leaflet-draw-draw-rectangle").click()
    page.mouse.move(left + x0, top + y0)
    page.mouse.down()
    page.mouse.move(left + (x0 + x1) / 2, top + (y0 + y1) / 2, steps=6)
    page.mouse.move(left + x1, top + y1, steps=6)
    page.mouse.up()
    frame.wait_for_function("() => window.drawnItems.getLayers().length === 1")
    drawn = frame.evaluate(
        "() => { const b = window.drawnItems.getLayers()[0].getBounds();"
        " return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]; }"
    )
    return tuple(drawn)


def _row_value(page, layer: str, label: str) -> float:
    """A value of the panel's table under the heading of `layer`, row `label`."""
    rows = page.locator(f"{PANEL} tr").all_inner_texts()
    heading = None
    for row in rows:
        cells = [cell.strip() for cell in row.split("\t")]
        if len(cells) == 1:
            heading = cells[0]
        elif heading == layer and cells[0] == label:
            return float(cells[1].replace(",", ""))
    raise AssertionError(f"no row {label} under {layer}: {rows}")


@pytest.mark.parametrize("size", list(SIZES))
def test_a_drawn_rectangle_gets_its_roll_up_in_the_panel(offline_page, app_url, size: str) -> None:
    page = offline_page
    page.set_viewport_size(dict(zip(("width", "height"), SIZES[size], strict=True)))
    page.goto(f"{app_url}/overview")
    wait_for_drawn_map(page)
    wait_until_idle(page)
    reported = map_frame(page).evaluate(
        "() => Object.keys(window.__GLOBAL_DATA__.selected_layers).sort()"
    )
    hidden = {"household_projects", "households", "villages", "welfare_posts"}
    assert "enclave_projects" in reported and not hidden & set(reported)
    rectangle = box(*_draw_rectangle(page))
    page.locator(PANEL).filter(has_text="圈选范围").wait_for()
    wait_until_idle(page)
    # The server joins the four corners with straight lines in EPSG:4549 (as it measures).
    xs, ys = rectangle.exterior.xy
    corners = gpd.GeoSeries(gpd.points_from_xy(xs, ys), crs=4326).to_crs(METRIC_CRS)
    metric_rectangle = Polygon(zip(corners.x, corners.y, strict=True))
    households = to_metric(load_layer("households"))
    expected = int(households.within(metric_rectangle).sum())
    assert expected > 0, "the rectangle should hold households"
    assert _row_value(page, "结对帮扶贫困户", "覆盖贫困户") == expected
    notes = page.locator(PANEL).inner_text()
    assert re.search(r"面积 [\d,\.]+ 亩（[\d,\.]+ 公顷", notes)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"study-area-{size}.png"))
    assert page.outside_requests == []
