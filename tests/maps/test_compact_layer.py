"""Compact layers: what the browser decodes equals what was drawn, and no data text can escape."""

from __future__ import annotations

import folium
import geopandas as gpd
import numpy as np
import pytest
import shapely
from pyproj import Transformer
from shapely.geometry import (
    LineString,
    MultiLineString,
    MultiPoint,
    MultiPolygon,
    Point,
    Polygon,
)

from maps.compact_layer import POINT_PRECISION, SHAPE_PRECISION, CompactLayer, encode_features
from maps.polyline import decode_polyline
from tests.maps.test_polyline import _one_value_at_a_time  # the reference encoder


def _frame(geometries: list, names: list[str]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"uid": [f"f-{i}" for i in range(len(names))], "name": names}, geometry=geometries, crs=4326
    )


def _shapes(payload: dict) -> list:
    """[kind, parts] per feature, each part a list of decoded lines, read from the flat columns
    as the browser's `shapesOf` reads them."""
    flat = decode_polyline(payload["coords"], payload["precision"])
    parts_of, lines_of, vertices = (iter(payload[key]) for key in ("parts", "rings", "vertices"))
    start, shapes = 0, []
    for kind in payload["kinds"]:
        parts = []
        for _ in range(next(parts_of)):
            lines = []
            for _ in range(next(lines_of)):
                count = next(vertices)
                lines.append(flat[start : start + count])
                start += count
            parts.append(lines)
        shapes.append([kind, parts])
    assert start == len(flat)
    return shapes


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
    kind, parts = _shapes(payload)[0]
    assert kind == "P" and len(parts) == 1 and len(parts[0]) == 2
    assert np.allclose(parts[0][1], hole, atol=1e-6)
    assert _shapes(payload)[1][0] == "L"


def test_text_that_looks_like_markup_or_templates_cannot_break_out() -> None:
    names = [
        "</script><script>alert(1)</script>",
        "{{ config }}{% raw %}{#",
        "<!--<script>",
        "正常",
    ]
    frame = _frame([Point(120.5, 41.6)] * 4, names)
    payload = encode_features(frame, id_column="uid", columns=["name"])
    fmap = folium.Map(tiles=None)
    group = folium.FeatureGroup().add_to(fmap)
    CompactLayer(payload, {"layer": "x"}).add_to(group)
    page = fmap.get_root().render()  # branca re-reads scripts as Jinja templates: must not fail
    assert "</script><script>alert(1)" not in page
    assert "\\u003c/script>\\u003cscript>alert(1)" in page  # the script holds it as text
    assert "<!--" not in page  # which would make the parser miss the script's end
    assert "{{ config }}" not in page and "\\u007b{ config }}" in page


def _reference_shape(geometry) -> list:
    """The per-feature encoder the vectorised one replaced (one shapely object at a time)."""
    if geometry is None or geometry.is_empty:
        return ["P", []]

    def ring(line) -> str:
        return _one_value_at_a_time(np.asarray(line.coords)[:, :2], SHAPE_PRECISION)

    if geometry.geom_type in ("Polygon", "MultiPolygon"):
        polygons = getattr(geometry, "geoms", [geometry])
        return ["P", [[ring(p.exterior), *(ring(r) for r in p.interiors)] for p in polygons]]
    return ["L", [[ring(line)] for line in getattr(geometry, "geoms", [geometry])]]


def _mixed_geometries() -> list:
    rng = np.random.default_rng(11)
    shell = [(120.50, 41.60), (120.52, 41.60), (120.52, 41.62), (120.50, 41.62), (120.50, 41.60)]
    holes = [
        [(120.505, 41.605), (120.506, 41.605), (120.506, 41.606), (120.505, 41.605)],
        [(120.51, 41.61), (120.512, 41.61), (120.512, 41.612), (120.51, 41.61)],
    ]
    jagged = Polygon(
        np.column_stack([120.4 + rng.uniform(0, 1e-3, 30), 41.5 + rng.uniform(0, 1e-3, 30)])
    )
    return [
        Polygon(shell, holes),
        MultiPolygon([Polygon(shell, holes[:1]), jagged]),
        LineString([(120.4, 41.5), (120.41, 41.51), (120.4123456789, 41.5000001)]),
        MultiLineString([[(120.4, 41.5), (120.41, 41.51)], [(120.3, 41.4), (120.31, 41.41)]]),
        Point(120.45, 41.55),
        MultiPoint([(120.45, 41.55), (120.46, 41.56)]),
        None,
        Polygon(),
        LineString(),
        Polygon([(-179.999999, -89.9), (179.999999, -89.9), (0.0, 89.9)]),
        jagged,
    ]


def test_vectorised_shapes_decode_as_the_per_feature_encoder_did() -> None:
    geometries = _mixed_geometries()
    frame = _frame(geometries, [str(i) for i in range(len(geometries))])
    shapes = _shapes(encode_features(frame, id_column="uid", columns=[]))
    for (kind, parts), (old_kind, old_parts) in zip(
        shapes, [_reference_shape(g) for g in geometries], strict=True
    ):
        assert kind == old_kind and [len(p) for p in parts] == [len(p) for p in old_parts]
        for lines, old_lines in zip(parts, old_parts, strict=True):
            for line, old in zip(lines, old_lines, strict=True):
                # The same vertices on the same 1e-6° grid: identical once decoded.
                assert np.array_equal(line, decode_polyline(old, SHAPE_PRECISION))
    assert shapes[6] == ["P", []] and shapes[7] == ["P", []]


def test_decoded_rings_are_the_display_coordinates_within_half_a_unit() -> None:
    geometries = [g for g in _mixed_geometries() if g is not None and not g.is_empty]
    payload = encode_features(
        _frame(geometries, [""] * len(geometries)), id_column="uid", columns=[]
    )
    for geometry, (_, parts) in zip(geometries, _shapes(payload), strict=True):
        decoded = [line for part in parts for line in part]
        expected = shapely.get_coordinates(
            shapely.get_rings(shapely.get_parts(geometry))
            if geometry.geom_type.endswith("Polygon")
            else shapely.get_parts(geometry)
        )
        assert np.abs(np.concatenate(decoded) - expected).max() <= 0.5e-6 + 1e-12


def test_a_layer_of_only_missing_and_empty_geometries() -> None:
    frame = _frame([None, Polygon(), LineString()], ["a", "b", "c"])
    payload = encode_features(frame, id_column="uid", columns=["name"])
    assert _shapes(payload) == [["P", []]] * 3
    assert payload["coords"] == "" and payload["kinds"] == "PPP"


def test_projected_coordinates_are_proj_web_mercator_pixels_from_the_origin() -> None:
    """A canvas layer's vertices arrive as zoom-0 Web-Mercator pixels from its top-left corner,
    within a quarter of a pixel at zoom 18 of PROJ's EPSG:3857, for shapes and for points."""
    shapes = [
        Polygon([(120.3, 41.5), (120.7, 41.5), (120.7, 41.7), (120.3, 41.5)]),
        LineString([(-179.9, -85.0), (179.9, 85.0)]),
    ]
    points = [Point(120.45, 41.58), Point(120.6, 41.4)]
    to_metres = Transformer.from_crs(4326, 3857, always_xy=True)
    half_world = np.pi * 6378137.0
    for geometries, key in ((shapes, "coords"), (points, "points")):
        frame = _frame(geometries, ["a", "b"])
        payload = encode_features(frame, id_column="uid", columns=[], projected=True)
        lon, lat = shapely.get_coordinates(frame.geometry.to_numpy()).T  # the encoded order
        x, y = to_metres.transform(lon, lat)
        expected = np.column_stack([x + half_world, half_world - y]) * (256 / (2 * half_world))
        got = decode_polyline(payload[key], 0) / payload["unit"] + payload["origin"]
        assert "precision" not in payload
        assert np.abs(got - expected).max() * 2**18 <= 1 / 4
        assert payload["origin"] == pytest.approx(expected.min(axis=0).tolist(), abs=1e-9)
