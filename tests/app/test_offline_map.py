"""In a real browser with no internet, the registry page draws the district outline."""

from __future__ import annotations

from ui.assets import LOCAL_ASSETS, STATIC_URL, localise_assets, missing_assets
from ui.maps import outline_map

MAP_TIMEOUT_MS = 60_000


def test_the_map_asks_only_for_assets_the_app_serves() -> None:
    import folium

    from layers import get_layer, load_layer

    fmap = localise_assets(outline_map(load_layer("district"), get_layer("district"), "zh"))
    html = fmap.get_root().render()
    assert "cdn." not in html and "https://" not in html.split("<body>")[0]
    assert f"{STATIC_URL}/{LOCAL_ASSETS['leaflet']}" in html
    assert missing_assets() == []
    assert isinstance(fmap, folium.Map)


def test_an_asset_the_app_does_not_serve_is_refused() -> None:
    import folium
    import pytest
    from folium.plugins import MarkerCluster

    fmap = folium.Map()
    MarkerCluster().add_to(fmap)
    with pytest.raises(ValueError, match="MarkerCluster needs asset"):
        localise_assets(fmap)


def test_outline_draws_with_every_outside_request_blocked(app_url: str, offline_page) -> None:
    offline_page.goto(app_url)
    frame = offline_page.frame_locator("iframe[title='streamlit_folium.st_folium']")
    outline = frame.locator("path.leaflet-interactive")
    outline.first.wait_for(state="visible", timeout=MAP_TIMEOUT_MS)
    box = outline.first.bounding_box()
    assert box is not None and box["width"] > 100 and box["height"] > 100
    assert not [url for url in offline_page.outside_requests if "leaflet" in url or "jquery" in url]
