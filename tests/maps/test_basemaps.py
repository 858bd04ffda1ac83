"""Basemaps: no tiles by default, tokens from the environment, custom URLs checked."""

from __future__ import annotations

import folium
import pytest

from geo.offsets import GCJ02, WGS84
from maps.basemaps import BASEMAPS, add_basemap, basemap_url


def test_default_is_no_basemap_and_draws_no_tiles() -> None:
    fmap = folium.Map(tiles=None)
    add_basemap(fmap, BASEMAPS["none"], basemap_url(BASEMAPS["none"]))
    assert "tileLayer" not in fmap.get_root().render()


def test_tianditu_needs_a_token_from_config_or_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TIANDITU_TOKEN", raising=False)
    assert basemap_url(BASEMAPS["tianditu_vec"]) is None
    assert "tk=abc123" in basemap_url(BASEMAPS["tianditu_vec"], token="abc123")
    monkeypatch.setenv("TIANDITU_TOKEN", "fromenv")
    assert "tk=fromenv" in basemap_url(BASEMAPS["tianditu_img"])
    assert "T=img_w" in basemap_url(BASEMAPS["tianditu_img"])


def test_custom_xyz_url_must_hold_z_x_y(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ATLAS_XYZ_URL", raising=False)
    custom = BASEMAPS["custom"]
    assert basemap_url(custom, custom_url="http://tiles.intranet/{z}/{x}/{y}.png") == (
        "http://tiles.intranet/{z}/{x}/{y}.png"
    )
    assert basemap_url(custom, custom_url="http://tiles.intranet/map.png") is None
    assert basemap_url(custom, custom_url="javascript:alert(1)/{z}/{x}/{y}") is None
    monkeypatch.setenv("ATLAS_XYZ_URL", "/tiles/{z}/{x}/{y}.png")
    assert basemap_url(custom) == "/tiles/{z}/{x}/{y}.png"


def test_only_amap_is_drawn_in_gcj02() -> None:
    assert BASEMAPS["amap"].datum == GCJ02
    assert {key for key, basemap in BASEMAPS.items() if basemap.datum != WGS84} == {"amap"}


def test_a_chosen_basemap_becomes_the_bottom_tile_layer() -> None:
    fmap = folium.Map(tiles=None)
    add_basemap(fmap, BASEMAPS["osm"], basemap_url(BASEMAPS["osm"]))
    assert "tile.openstreetmap.org" in fmap.get_root().render()
