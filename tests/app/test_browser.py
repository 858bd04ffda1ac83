"""A real browser, with every request off this machine blocked, uses every page of the atlas.

Streamlit is started on a free local port, Chromium is driven by Playwright. Waits are for
conditions (Leaflet has drawn features, the panel shows a roll-up), never fixed sleeps.
Screenshots go to test-output/screenshots/ for a person to look at.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point

from geo.crs import METRIC_CRS
from layers import load_layer
from layers.figures import township_rollup
from tests.app.browser import MAP_FRAME, TIMEOUT_MS, map_frame, wait_for_drawn_map
from tests.app.panel import PANEL

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"
PAGES = {
    "overview": "",
    "poverty": "poverty",
    "enclave": "enclave",
    "night": "night",
    "renovation": "renovation",
}


def _shoot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("name", PAGES)
def test_every_page_draws_its_map_offline(name: str, app_url: str, offline_page) -> None:
    offline_page.goto(f"{app_url}/{PAGES[name]}")
    drawn = wait_for_drawn_map(offline_page)
    assert drawn > 13  # at least the townships and the page's own features
    offline_page.get_by_text("点击地图上的要素", exact=False).wait_for(timeout=TIMEOUT_MS)
    _shoot(offline_page, name)
    assert offline_page.outside_requests == []


def test_about_page_opens_offline(app_url: str, offline_page) -> None:
    offline_page.goto(f"{app_url}/about")
    offline_page.get_by_role("heading", name="关于与数据").wait_for(timeout=TIMEOUT_MS)
    _shoot(offline_page, "about")
    assert offline_page.outside_requests == []


def _clear_spot_in_a_street() -> tuple[str, str, object]:
    """A 街道 and a point in it at least 300 m from any night-economy feature (so a click hits it)."""
    townships = load_layer("townships").to_crs(METRIC_CRS)
    night = (
        pd.concat([load_layer("night_lines"), load_layer("night_circles")])
        .to_crs(METRIC_CRS)
        .union_all()
    )
    for township in townships[townships["kind"] == "街道"].itertuples():
        inner = township.geometry.buffer(-300)
        minx, miny, maxx, maxy = inner.bounds
        grid = [
            Point(x, y) for x in np.linspace(minx, maxx, 12) for y in np.linspace(miny, maxy, 12)
        ]
        clear = [p for p in grid if inner.contains(p) and p.distance(night) > 300]
        if clear:
            spot = gpd.GeoSeries([clear[len(clear) // 2]], crs=METRIC_CRS).to_crs(4326).iloc[0]
            return township.code, township.name, spot
    raise AssertionError("no street has a spot clear of night-economy features")


def test_clicking_a_township_shows_its_rollup_then_english(app_url: str, offline_page) -> None:
    code, name, spot = _clear_spot_in_a_street()
    offline_page.goto(f"{app_url}/night")
    wait_for_drawn_map(offline_page)
    frame = map_frame(offline_page)
    x, y = frame.evaluate(
        "([lat, lon]) => { const p = window.map.latLngToContainerPoint([lat, lon]); return [p.x, p.y]; }",
        [spot.y, spot.x],
    )
    box = offline_page.locator(MAP_FRAME).first.bounding_box()
    assert 0 < x < box["width"] and 0 < y < box["height"], "the spot is outside the map view"
    offline_page.mouse.click(box["x"] + x, box["y"] + y)

    offline_page.get_by_text(f"{name} · 各类项目汇总").wait_for(timeout=TIMEOUT_MS)
    rollup = township_rollup(code, "zh")
    communities = rollup[rollup["label"] == "封闭小区"]["value"].iloc[0]
    panel = offline_page.locator(PANEL)
    panel.get_by_text(f"{communities:,.0f}", exact=True).first.wait_for(timeout=TIMEOUT_MS)
    _shoot(offline_page, "night-township-rollup")

    offline_page.get_by_text("English", exact=True).click()
    offline_page.get_by_role("heading", name="Night economy").wait_for(timeout=TIMEOUT_MS)
    wait_for_drawn_map(offline_page)
    legend = offline_page.frame_locator(MAP_FRAME).first.get_by_text("Commercial street")
    legend.wait_for(timeout=TIMEOUT_MS)

    _shoot(offline_page, "night-english")
    assert offline_page.outside_requests == []


def test_large_layer_on_canvas_answers_hover_and_click(app_url: str, offline_page) -> None:
    """Household points (4,146: drawn by the canvas layer) show a tooltip and fill the panel."""
    households = load_layer("households")
    household = households.iloc[0]
    offline_page.goto(f"{app_url}/poverty")
    wait_for_drawn_map(offline_page)
    frame = map_frame(offline_page)
    frame.locator(".leaflet-control-layers").hover()
    frame.locator(".leaflet-control-layers-overlays").get_by_text(
        "结对帮扶贫困户"
    ).click()  # off by default here
    frame.wait_for_function(
        "() => Object.values(window.map._layers).some(l => l._atlasDrawnFeatures === 4146)"
    )
    x, y = frame.evaluate(
        """([lat, lon]) => { window.map.setView([lat, lon], 16, {animate: false});
             const p = window.map.latLngToContainerPoint([lat, lon]); return [p.x, p.y]; }""",
        [household.geometry.y, household.geometry.x],
    )
    box = offline_page.locator(MAP_FRAME).first.bounding_box()
    offline_page.mouse.move(box["x"] + x, box["y"] + y)
    frame.locator(".leaflet-tooltip").get_by_text(household["village"]).wait_for()
    offline_page.mouse.click(box["x"] + x, box["y"] + y)
    offline_page.get_by_text(f"{household['uid']} · 结对帮扶贫困户").wait_for()
    panel = offline_page.locator(PANEL)
    panel.get_by_text(household["mode"], exact=True).wait_for()
    assert household["hh_id"] not in panel.inner_text()  # the internal id is never shown
    _shoot(offline_page, "poverty-household-click")
    assert offline_page.outside_requests == []


def test_a_layer_switched_on_later_still_answers_clicks(app_url: str, offline_page) -> None:
    """Villages are off on the overview; once switched on, a click on one fills the panel."""
    villages = load_layer("villages")
    village = villages[villages["name"] == "嘎岔村"].iloc[0]
    offline_page.goto(f"{app_url}/")
    wait_for_drawn_map(offline_page)
    frame = map_frame(offline_page)
    frame.locator(".leaflet-control-layers").hover()
    frame.locator(".leaflet-control-layers-overlays").get_by_text("行政村").click()
    x, y = frame.evaluate(
        """([lat, lon]) => { window.map.setView([lat, lon], 15, {animate: false});
             const p = window.map.latLngToContainerPoint([lat, lon]); return [p.x, p.y]; }""",
        [village.geometry.y, village.geometry.x],
    )
    box = offline_page.locator(MAP_FRAME).first.bounding_box()
    offline_page.mouse.click(box["x"] + x, box["y"] + y)
    offline_page.get_by_text("嘎岔村 · 行政村").wait_for()
    assert offline_page.outside_requests == []
