"""Shared helpers of the browser tests: find the map's frame and wait until Leaflet has drawn."""

from __future__ import annotations

import re
import time

from playwright.sync_api import Error as PlaywrightError

TIMEOUT_MS = 90_000
POLL_MS = 200
MAP_FRAME = "iframe[title='streamlit_folium.st_folium']"
# Leaflet feature layers count one each; the atlas's canvas layer reports how many it drew.
DRAWN_FEATURES_JS = (
    "() => window.map ? Object.values(window.map._layers)"
    ".reduce((n, l) => n + (l.feature ? 1 : (l._atlasDrawnFeatures || 0)), 0) : 0"
)


def map_frame(page):
    """The live map iframe (Streamlit may replace the element while the page settles)."""
    return page.locator(MAP_FRAME).first.element_handle(timeout=TIMEOUT_MS).content_frame()


def wait_for_drawn_map(page) -> int:
    """Poll the map's frame until Leaflet holds drawn features; the count of them."""
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while time.monotonic() < deadline:
        for frame in page.frames:
            if "streamlit_folium" in frame.url and not frame.is_detached():
                try:
                    drawn = frame.evaluate(DRAWN_FEATURES_JS)
                except PlaywrightError:  # the frame navigated away while being asked
                    continue
                if drawn:
                    return drawn
        page.wait_for_timeout(POLL_MS)
    raise AssertionError(f"no map drew its features within {TIMEOUT_MS} ms")


def wait_until_idle(page) -> None:
    """Wait until the app has finished its rerun (its status widget is gone): a button clicked
    during a rerun may be replaced before its click reaches the server."""
    page.wait_for_function(
        "() => !document.querySelector(\"[data-testid='stStatusWidget']\")", timeout=TIMEOUT_MS
    )


def gap_count(page) -> int:
    """The number of targets in the coverage page's gap list, read from its heading."""
    header = page.get_by_text(re.compile(r"未覆盖清单（\d+ 个）")).first.inner_text()
    return int(re.search(r"（(\d+) 个）", header).group(1))
