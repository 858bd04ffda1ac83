"""Maps ask only for assets the app serves itself."""

from __future__ import annotations

import folium
import pytest
from folium.plugins import MarkerCluster

from maps.assets import LOCAL_ASSETS, STATIC_URL, localise_assets, missing_assets
from views.enclave import PAGE


def test_page_map_asks_only_for_local_assets() -> None:
    from ui.page_map import page_map

    fmap = page_map(PAGE, "zh", "none", None, "", ("洽谈", "签约", "落地开工"))
    head = fmap.get_root().render().split("<body>")[0]
    assert "https://" not in head and "http://" not in head
    assert f"{STATIC_URL}/{LOCAL_ASSETS['leaflet']}" in head
    assert missing_assets() == []


def test_an_asset_the_app_does_not_serve_is_refused() -> None:
    fmap = folium.Map()
    MarkerCluster().add_to(fmap)
    with pytest.raises(ValueError, match="MarkerCluster needs asset"):
        localise_assets(fmap)
