"""Compact layers: what the browser decodes equals what was drawn, and no data text can escape."""

from __future__ import annotations

import folium
import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry import LineString, Point, Polygon

from maps.compact_layer import POINT_PRECISION, SHAPE_PRECISION, CompactLayer, encode_features
from maps.polyline import decode_polyline


def _frame(geometries: list, names: list[str]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"uid": [f"f-{i}" for i in range(len(names))], "name": names}, geometry=geometries, crs=4326
    )


def test_points_ids_and_dictionary_coded_text() -> None:
    frame = _frame(
        [Point(120.5, 41.6), Point(120.51234, 41.61234), Point(120.4, 41.5)], ["甲", "乙", "甲"]
    )
    payload = encode_features(frame, id_column="uid", columns=["name"])
    assert payload["ids"] == ["f-0", "f-1", "f-2"]
    column = payload["columns"]["name"]
    assert [column["values"][code] for code in column["codes"]] == ["甲", "乙", "甲"]
    assert len(column["values"]) == 2
    decoded = decode_polyline(payload["points"], POINT_PRECISION)
    assert np.abs(decoded - shapely.get_coordinates(frame.geometry)).max() <= 0.5e-5


def test_polygons_with_holes_and_lines_keep_every_ring() -> None:
    shell = [(120.50, 41.60), (120.52, 41.60), (120.52, 41.62), (120.50, 41.62), (120.50, 41.60)]
    hole = [(120.505, 41.605), (120.506, 41.605), (120.506, 41.606), (120.505, 41.605)]
    frame = _frame(
        [Polygon(shell, [hole]), LineString([(120.4, 41.5), (120.41, 41.51)])], ["a", "b"]
    )
    payload = encode_features(frame, id_column="uid", columns=[])
    kind, parts = payload["shapes"][0]
    assert kind == "P" and len(parts) == 1 and len(parts[0]) == 2
    assert np.allclose(decode_polyline(parts[0][1], SHAPE_PRECISION), hole, atol=1e-6)
    assert payload["shapes"][1][0] == "L"


def test_text_that_looks_like_markup_or_templates_cannot_break_out() -> None:
    names = ["</script><script>alert(1)</script>", "{{ config }}{% raw %}{#", "正常"]
    frame = _frame([Point(120.5, 41.6)] * 3, names)
    payload = encode_features(frame, id_column="uid", columns=["name"])
    fmap = folium.Map(tiles=None)
    group = folium.FeatureGroup().add_to(fmap)
    CompactLayer(payload, {"layer": "x"}).add_to(group)
    page = fmap.get_root().render()  # branca re-reads scripts as Jinja templates: must not fail
    assert "</script><script>alert(1)" not in page
    assert "<\\/script>" in page
    assert "{{ config }}" not in page and "\\u007b{ config }}" in page
