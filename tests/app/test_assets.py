"""Maps ask only for assets the app serves itself."""

from __future__ import annotations

import folium
import pytest
from folium.plugins import MarkerCluster

from maps import assets
from maps.assets import (
    FONT_CSS,
    FONT_FAMILY,
    LOCAL_ASSETS,
    STATIC_URL,
    inline_assets,
    localise_assets,
    missing_assets,
)
from views.enclave import PAGE


def test_page_map_asks_only_for_local_assets() -> None:
    from ui.folium_view import render_map
    from ui.page_map import page_map

    rendered = render_map(page_map(PAGE, "zh", "none", None, "", ("洽谈", "签约", "落地开工")))
    links = [*rendered.js_links, *rendered.css_links]
    assert all(link.startswith(f"{STATIC_URL}/") for link in links), links
    assert f"{STATIC_URL}/{LOCAL_ASSETS['leaflet']}" in rendered.js_links
    assert missing_assets() == []


def test_a_map_built_anywhere_is_served_locally_when_shown() -> None:
    """The edit form's drawing map was built without localising and fetched Leaflet from a CDN."""
    from maps.drawing import add_drawing_tools
    from maps.parts import base_map
    from ui.folium_view import render_map

    fmap = base_map((119.0, 40.0, 121.0, 42.0))
    add_drawing_tools(fmap, "polygon", None, "zh")
    rendered = render_map(fmap)
    links = [*rendered.js_links, *rendered.css_links]
    assert all(link.startswith(f"{STATIC_URL}/") for link in links), links
    assert f"{STATIC_URL}/{LOCAL_ASSETS['leaflet_draw_js']}" in rendered.js_links


def test_an_asset_the_app_does_not_serve_is_refused() -> None:
    fmap = folium.Map()
    MarkerCluster().add_to(fmap)
    with pytest.raises(ValueError, match="MarkerCluster needs asset"):
        localise_assets(fmap)


def test_every_map_gets_the_cjk_font_but_the_offline_file_does_not_load_it() -> None:
    page = localise_assets(localise_assets(folium.Map(tiles=None))).get_root().render()
    head = page.split("<body>")[0]
    assert head.count(f'href="{STATIC_URL}/{FONT_CSS}"') == 1
    assert f'font-family: "{FONT_FAMILY}", "Helvetica Neue"' in head  # the shipped font first
    assert f"{STATIC_URL}/{FONT_CSS}" not in inline_assets(page)


def test_a_missing_font_is_reported_like_a_missing_leaflet(monkeypatch, tmp_path) -> None:
    for path in LOCAL_ASSETS.values():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text("installed")
    monkeypatch.setattr(assets, "VENDOR_DIR", tmp_path)
    assert FONT_CSS in missing_assets()
