"""Map parts: lean, escaped, clickable by id, and shifted for GCJ-02 basemaps."""

from __future__ import annotations

import html
import json
import re

import folium
import geopandas as gpd
import pytest
from shapely.geometry import Point, box

from geo.offsets import GCJ02, wgs84_to_gcj02
from layers import get_layer, load_layer
from maps.parts import (
    FEATURE_ID_PROPERTY,
    FEATURE_LAYER_PROPERTY,
    display_frame,
    layer_group,
    legend,
    view_for,
)

HOSTILE = '<img src=x onerror="alert(1)">'


def _hostile_enclave() -> gpd.GeoDataFrame:
    frame = load_layer("enclave_projects").head(2).copy()
    frame.loc[frame.index[0], "name"] = HOSTILE
    return frame


def test_display_frame_carries_only_id_layer_tooltip_and_style_fields() -> None:
    spec = get_layer("enclave_projects")
    data = display_frame(spec, load_layer("enclave_projects"), "zh")
    assert FEATURE_LAYER_PROPERTY in data and FEATURE_ID_PROPERTY in data
    assert "contact" not in data and "notes" not in data  # internal fields never reach the browser
    assert set(data.columns) - {
        "geometry",
        "_color",
        FEATURE_LAYER_PROPERTY,
        FEATURE_ID_PROPERTY,
    } == {
        *spec.tooltip,
        spec.style.by_field,
    }
    assert set(data[FEATURE_LAYER_PROPERTY]) == {"enclave_projects"}


def test_attribute_text_is_escaped_before_it_reaches_leaflet() -> None:
    spec = get_layer("enclave_projects")
    fmap = folium.Map(tiles=None)
    layer_group(spec, _hostile_enclave(), "zh").add_to(fmap)
    page = fmap.get_root().render()
    assert HOSTILE not in page and "<img" not in page
    assert html.escape(HOSTILE) in page  # the text arrives only in its escaped form


def test_legend_lists_categories_in_the_chosen_language() -> None:
    spec = get_layer("enclave_projects")
    fmap = folium.Map(tiles=None)
    legend([spec], "en").add_to(fmap)
    page = fmap.get_root().render()
    for label in ("Under construction", "Signed", "Negotiating", "Enclave projects"):
        assert label in page
    legend([spec], "zh", extra=[("#000000", HOSTILE)]).add_to(fmap)
    assert HOSTILE not in fmap.get_root().render()


def test_a_one_colour_layer_is_a_heading_of_its_own_not_a_row_of_the_group_above() -> None:
    drawn = legend([get_layer("employers"), get_layer("welfare_posts")], "zh")
    rows = re.findall(
        r"<div([^>]*)>(?:<span[^>]*></span>)?([^<]+)</div>", json.loads(drawn.html_json)
    )
    styles = {label: style for style, label in rows}
    assert "font-weight:bold" in styles["公益性岗位"]  # like the heading 就业扶贫企业 above it
    assert "font-weight:bold" not in styles["报道点名"]  # a category of that heading


def test_numbers_in_tooltips_are_formatted() -> None:
    data = display_frame(get_layer("enclave_projects"), load_layer("enclave_projects"), "zh")
    jinhua = data[data["name"] == "朝阳金华园旅游观光农业园"].iloc[0]
    assert jinhua["invest_wan"] == "50,000"
    assert jinhua["land_mu"] == "437"


def test_gcj02_display_shifts_coordinates_by_the_offset() -> None:
    spec = get_layer("villages")
    frame = load_layer("villages").head(3)
    shifted = display_frame(spec, frame, "zh", datum=GCJ02)
    expected_lon, expected_lat = wgs84_to_gcj02(
        frame.geometry.x.to_numpy(), frame.geometry.y.to_numpy()
    )
    assert shifted.geometry.x.to_numpy() == pytest.approx(expected_lon, abs=1e-9)
    assert shifted.geometry.y.to_numpy() == pytest.approx(expected_lat, abs=1e-9)
    assert (shifted.geometry.x - frame.geometry.x).abs().min() > 1e-3  # hundreds of metres


def test_polygons_are_simplified_for_display_but_stay_within_a_pixel_at_zoom_18() -> None:
    spec = get_layer("district")
    frame = load_layer("district")
    shown = display_frame(spec, frame, "zh")
    original = frame.to_crs(4549).geometry.iloc[0]
    drawn = shown.to_crs(4549).geometry.iloc[0]
    assert original.hausdorff_distance(drawn) <= 0.45  # 0.3 m tolerance + rounding < 1 px at z18


def test_view_for_fits_the_district_at_zoom_10_and_a_site_closer() -> None:
    center, zoom = view_for(load_layer("district").total_bounds)
    assert zoom == 10
    assert 41.5 < center[0] < 41.7 and 120.4 < center[1] < 120.6
    _, site_zoom = view_for(gpd.GeoSeries([box(120.50, 41.60, 120.505, 41.603)]).total_bounds)
    _, point_zoom = view_for(gpd.GeoSeries([Point(120.5, 41.6)]).total_bounds)
    assert 14 <= site_zoom <= 16 and point_zoom == 16
